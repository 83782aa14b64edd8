"""Passphrase encryption of a backup as a stream of authenticated chunks.

The file is a header (magic, scrypt salt and cost, a random nonce prefix, a key check) and
then chunks of at most 1 MiB, each sealed with AES-256-GCM. A chunk's nonce is the prefix,
its index and a "last chunk" flag, and the header is bound into every chunk, so a reordered,
altered, truncated or extended file fails to decrypt instead of restoring partial data.
"""

from __future__ import annotations

import os
import struct
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"FOLIO-BACKUP-AESGCM-1\n"
CHUNK = 1 << 20
SCRYPT_N, SCRYPT_R, SCRYPT_P = 1 << 15, 8, 1
_HEADER = struct.Struct(">16sIII7s")  # salt, n, r, p, nonce prefix
_KEY_CHECK = b"folio backup key check"
_LENGTH = struct.Struct(">I")


class WrongPassphrase(Exception):
    """The passphrase does not open this file."""


class DamagedArchive(Exception):
    """The file is truncated, altered or not a Folio backup."""


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> AESGCM:
    # Bounded, so a crafted header cannot make us allocate gigabytes (scrypt uses 128*n*r).
    if not (1 < n <= 1 << 20 and n & (n - 1) == 0 and 0 < r <= 32 and 0 < p <= 16
            and 128 * n * r <= 1 << 28):
        raise DamagedArchive("the encryption header is not valid")
    key = Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))
    return AESGCM(key)


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", index, 1 if last else 0)


def is_encrypted(path: os.PathLike[str] | str) -> bool:
    with open(path, "rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


class EncryptingWriter:
    """A write-only file object that seals what is written into ``target``."""

    def __init__(self, target: BinaryIO, passphrase: str) -> None:
        salt, prefix = os.urandom(16), os.urandom(7)
        self._header = MAGIC + _HEADER.pack(salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, prefix)
        self._aead = _derive(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
        self._prefix = prefix
        self._target = target
        self._buffer = bytearray()
        self._index = 0
        check = self._aead.encrypt(_nonce(prefix, 0xFFFFFFFF, True), _KEY_CHECK, self._header)
        target.write(self._header + check)

    def write(self, data: bytes) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK:  # keep one chunk back: it may turn out to be last
            self._seal(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def _seal(self, plain: bytes, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._prefix, self._index, last), plain,
                                    self._header)
        self._target.write(_LENGTH.pack(len(sealed)) + sealed)
        self._index += 1

    def close(self) -> None:
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()


class DecryptingReader:
    """A read-only file object over an encrypted file; raises on any damage."""

    def __init__(self, source: BinaryIO, passphrase: str) -> None:
        magic = source.read(len(MAGIC))
        if magic != MAGIC:
            raise DamagedArchive("this is not an encrypted Folio backup")
        raw = source.read(_HEADER.size)
        if len(raw) != _HEADER.size:
            raise DamagedArchive("the file ends inside its encryption header")
        salt, n, r, p, prefix = _HEADER.unpack(raw)
        self._header = magic + raw
        self._aead = _derive(passphrase, salt, n, r, p)
        self._prefix = prefix
        check = source.read(len(_KEY_CHECK) + 16)
        try:
            self._aead.decrypt(_nonce(prefix, 0xFFFFFFFF, True), check, self._header)
        except InvalidTag:
            raise WrongPassphrase("the passphrase does not open this backup") from None
        self._source = source
        self._index = 0
        self._buffer = b""
        self._offset = 0
        self._done = False

    def _next_chunk(self) -> None:
        raw = self._source.read(_LENGTH.size)
        if len(raw) != _LENGTH.size:
            raise DamagedArchive("the file is truncated (its last chunk is missing)")
        (length,) = _LENGTH.unpack(raw)
        if length > CHUNK + 16:
            raise DamagedArchive("the file is damaged (a chunk has an impossible length)")
        sealed = self._source.read(length)
        if len(sealed) != length:
            raise DamagedArchive("the file is truncated (it ends inside a chunk)")
        for last in (False, True):
            try:
                plain = self._aead.decrypt(_nonce(self._prefix, self._index, last), sealed,
                                           self._header)
            except InvalidTag:
                continue
            self._index += 1
            self._buffer = plain
            if last:
                self._done = True
                if self._source.read(1):
                    raise DamagedArchive("the file has data after its last chunk")
            return
        raise DamagedArchive(f"the file is damaged (chunk {self._index} fails its check)")

    def read(self, size: int = -1) -> bytes:
        # Keep an offset into the current chunk: slicing it on every small read would copy
        # the rest of the chunk each time.
        parts: list[bytes] = []
        wanted = size
        while wanted != 0:
            if self._offset >= len(self._buffer):
                if self._done:
                    break
                self._buffer, self._offset = b"", 0
                self._next_chunk()
                continue
            end = len(self._buffer) if wanted < 0 else min(len(self._buffer),
                                                          self._offset + wanted)
            parts.append(self._buffer[self._offset:end])
            if wanted > 0:
                wanted -= end - self._offset
            self._offset = end
        return b"".join(parts)
