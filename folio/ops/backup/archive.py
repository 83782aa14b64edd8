"""The backup file: a gzip-compressed tar of the database, attachments and a manifest,
optionally sealed with a passphrase (folio.ops.backup.crypto).

Members are hashed as they are written; ``manifest.json`` comes last and lists every
member's SHA-256. Reading extracts into a scratch directory and checks every hash, so a
damaged file is found before anything of it is used.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import tarfile
import time
import zlib
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from folio.ops.backup.crypto import (
    MAGIC,
    DamagedArchive,
    DecryptingReader,
    EncryptingWriter,
    WrongPassphrase,
)

MANIFEST = "manifest.json"
FORMAT_VERSION = 1
_BLOCK = 1 << 16

__all__ = ["MANIFEST", "DamagedArchive", "WrongPassphrase", "file_sha256", "read_archive",
           "write_archive"]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


class _Hashing(io.RawIOBase):
    """Reads through to ``source`` while hashing what passes."""

    def __init__(self, source: BinaryIO) -> None:
        self.source = source
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.digest.update(data)
        return data


def write_archive(target: Path, members: Iterable[tuple[str, Path]],
                  manifest: dict[str, Any], passphrase: str = "") -> dict[str, Any]:
    """Write ``members`` (archive name, file) and the manifest; returns the manifest as
    written, with each member's SHA-256 under ``members``."""
    hashes: dict[str, str] = {}
    partial = target.with_name(target.name + ".partial")
    try:
        written = _write(partial, members, manifest, passphrase, hashes)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(target)  # a half-written file never looks like a backup
    return written


def _write(partial: Path, members: Iterable[tuple[str, Path]], manifest: dict[str, Any],
           passphrase: str, hashes: dict[str, str]) -> dict[str, Any]:
    with partial.open("wb") as handle:
        sink: Any = EncryptingWriter(handle, passphrase) if passphrase else handle
        with gzip.GzipFile(fileobj=sink, mode="wb", compresslevel=6, mtime=0) as gz, \
                tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for name, path in members:
                info = tar.gettarinfo(str(path), arcname=name)
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                with path.open("rb") as source:
                    hashing = _Hashing(source)
                    tar.addfile(info, hashing)
                hashes[name] = hashing.digest.hexdigest()
            written = {**manifest, "members": hashes}
            body = json.dumps(written, indent=2, sort_keys=True).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(body)
            info.mtime = int(time.time())
            tar.addfile(info, io.BytesIO(body))
        if passphrase:
            sink.close()
        handle.flush()
        os.fsync(handle.fileno())
    return written


def _safe_name(name: str) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise DamagedArchive(f"the archive holds an unsafe path: {name!r}")
    return str(path)


def read_archive(source: Path, scratch: Path, passphrase: str = "") -> dict[str, Any]:
    """Extract ``source`` into ``scratch`` and return its manifest, after checking that
    every member is there, nothing else is, and every hash matches."""
    try:
        return _read(source, scratch, passphrase)
    except (EOFError, tarfile.TarError, zlib.error, gzip.BadGzipFile) as exc:
        raise DamagedArchive(f"the file is damaged or truncated ({exc})") from None
    except UnicodeDecodeError:
        raise DamagedArchive("the manifest is not valid text") from None


def _read(source: Path, scratch: Path, passphrase: str) -> dict[str, Any]:
    hashes: dict[str, str] = {}
    manifest_bytes = b""
    with source.open("rb") as handle:
        encrypted = handle.read(len(MAGIC)) == MAGIC
        handle.seek(0)
        if encrypted and not passphrase:
            raise WrongPassphrase("this backup is encrypted: set BACKUP_PASSPHRASE to the "
                                  "passphrase it was made with")
        stream: Any = DecryptingReader(handle, passphrase) if encrypted else handle
        with gzip.GzipFile(fileobj=stream, mode="rb") as gz:
            with tarfile.open(fileobj=gz, mode="r|") as tar:
                for member in tar:
                    name = _safe_name(member.name)
                    if member.isdir():
                        continue
                    if not member.isfile():
                        raise DamagedArchive(f"the archive holds a non-file member {name!r}")
                    extracted = tar.extractfile(member)
                    assert extracted is not None
                    if name == MANIFEST:
                        manifest_bytes = extracted.read()
                        continue
                    if name in hashes:
                        raise DamagedArchive(f"the archive holds {name!r} twice")
                    target = scratch / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    member_digest = hashlib.sha256()
                    with target.open("wb") as out:
                        while block := extracted.read(_BLOCK):
                            member_digest.update(block)
                            out.write(block)
                    hashes[name] = member_digest.hexdigest()
            while gz.read(_BLOCK):  # read to the end: the gzip CRC is checked there
                pass
    if not manifest_bytes:
        raise DamagedArchive("the archive has no manifest: it is not a Folio backup")
    try:
        manifest = json.loads(manifest_bytes.decode("utf-8"))
    except ValueError:
        raise DamagedArchive("the manifest is not valid JSON") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("members"), dict):
        raise DamagedArchive("the manifest does not list the archive's members")
    if manifest.get("format") != FORMAT_VERSION:
        raise DamagedArchive(f"unknown backup format {manifest.get('format')!r}; "
                             "a newer Folio made this backup")
    listed: dict[str, str] = manifest["members"]
    missing = sorted(set(listed) - set(hashes))
    extra = sorted(set(hashes) - set(listed))
    if missing or extra:
        raise DamagedArchive(f"the archive's members do not match its manifest "
                             f"(missing: {missing or 'none'}, unlisted: {extra or 'none'})")
    for name, digest in sorted(hashes.items()):
        if listed[name] != digest:
            raise DamagedArchive(f"{name} does not match its checksum in the manifest")
    return manifest
