"""Receipts and scans: checked by their first bytes and size, stored under DATA_DIR.

A file is kept at ``DATA_DIR/attachments/<book>/<yyyy>/<random>.<ext>``: the name is ours,
never the client's (that is kept as metadata only), and the type is what the bytes say,
not what the filename or the declared content type claim. The backup archive takes the
whole ``DATA_DIR/attachments`` directory (folio.ops.backup.service). A file written in a
transaction that then rolls back is removed again.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from folio.audit import service as audit
from folio.auth.actor import actor_of
from folio.auth.guard import require
from folio.books.models import Book
from folio.commerce.records import record_in_book
from folio.errors import FolioError, NotFound, ValidationError
from folio.purchases.models import Attachment
from folio.settings import get_settings

DIRECTORY = "attachments"  # under DATA_DIR; the backup archive includes it
OWNER_TYPES = ("expense", "bill")
_PENDING = "purchases.new_files"
_DISCARDED = "purchases.discarded_files"


class TooLarge(FolioError):
    status = 413
    title = "Content too large"
    slug = "too-large"


def sniff(head: bytes) -> tuple[str, str] | None:
    """(media type, extension) from a file's first bytes; None when it is not accepted."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"heim", b"heis", b"hevc",
                                               b"hevx", b"mif1", b"msf1"):
        return "image/heic", "heic"
    if head.startswith(b"%PDF-"):
        return "application/pdf", "pdf"
    return None


def max_bytes() -> int:
    return int(get_settings().EXPENSE_MAX_UPLOAD_MB * 1024 * 1024)


def read_limited(stream: BinaryIO, limit: int) -> bytes:
    """The whole stream, refusing (413) as soon as it passes ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = stream.read(64 * 1024)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"The file is larger than {limit // (1024 * 1024)} MB "
                           f"(EXPENSE_MAX_UPLOAD_MB)", field="file")
        chunks.append(chunk)


def _clean_name(name: str | None) -> str:
    """The client's filename as a label: no directories, no control characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in unicodedata.normalize("NFC", base)
                   if c.isprintable() and c not in '"')
    return base.strip()[:255] or "receipt"


def _hook(session: Session) -> None:
    """Once per session: new files go on rollback, discarded files go on commit."""
    if session.info.get(_PENDING + ".hooked"):
        return
    session.info[_PENDING + ".hooked"] = True

    @event.listens_for(session, "after_commit")
    def _committed(sess: Session) -> None:
        for gone in sess.info.get(_DISCARDED, []):
            gone.unlink(missing_ok=True)
        sess.info.get(_DISCARDED, []).clear()
        sess.info.get(_PENDING, []).clear()

    @event.listens_for(session, "after_rollback")
    def _rolled_back(sess: Session) -> None:
        for leftover in sess.info.get(_PENDING, []):
            leftover.unlink(missing_ok=True)
        sess.info.get(_PENDING, []).clear()
        sess.info.get(_DISCARDED, []).clear()


def forget_on_rollback(session: Session, path: Path) -> None:
    """Delete ``path`` if the transaction that wrote its row rolls back."""
    _hook(session)
    session.info.setdefault(_PENDING, []).append(path)


def discard(session: Session, book: Book, owner_type: str, owner_id: int) -> None:
    """Delete the owner's attachments; their files go once the transaction commits."""
    _hook(session)
    for row in session.scalars(select(Attachment).where(
            Attachment.book_id == book.id, Attachment.owner_type == owner_type,
            Attachment.owner_id == owner_id)):
        session.info.setdefault(_DISCARDED, []).append(get_settings().DATA_DIR / row.path)
        session.delete(row)
    session.flush()


def store(session: Session, book: Book, owner_type: str, owner_id: int, stream: BinaryIO,
          original_name: str | None) -> Attachment:
    """Check and keep an uploaded file for ``owner``; the caller checked the permission."""
    if owner_type not in OWNER_TYPES:
        raise ValueError(owner_type)
    content = read_limited(stream, max_bytes())
    if not content:
        raise ValidationError("The file is empty", field="file")
    kind = sniff(content[:16])
    if kind is None:
        raise ValidationError("Only JPEG, PNG, WebP or HEIC images and PDF files are accepted "
                              "(judged by the file's content, not its name)", field="file")
    media_type, ext = kind
    now = datetime.now(UTC)
    relative = Path(DIRECTORY) / book.slug / f"{now.year:04d}" / f"{secrets.token_hex(16)}.{ext}"
    target = get_settings().DATA_DIR / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "xb") as handle:  # a fresh random name: never overwrite
        handle.write(content)
    forget_on_rollback(session, target)
    actor = actor_of(session)
    attachment = Attachment(book_id=book.id, owner_type=owner_type, owner_id=owner_id,
                            path=relative.as_posix(), original_name=_clean_name(original_name),
                            media_type=media_type, size=len(content),
                            sha256=hashlib.sha256(content).hexdigest(),
                            uploaded_by_id=actor.user_id, uploaded_by=actor.label[:200],
                            uploaded_at=now)
    session.add(attachment)
    session.flush()
    audit.record(session, "create", "attachment", attachment.id, book=book,
                 after={"owner_type": owner_type, "owner_id": owner_id,
                        "original_name": attachment.original_name, "media_type": media_type,
                        "size": attachment.size, "sha256": attachment.sha256},
                 summary=f"Receipt {attachment.original_name} for {owner_type} {owner_id}")
    return attachment


def attachments_of(session: Session, book: Book, owner_type: str,
                   owner_ids: list[int]) -> dict[int, list[Attachment]]:
    found: dict[int, list[Attachment]] = {i: [] for i in owner_ids}
    if not owner_ids:
        return found
    for row in session.scalars(select(Attachment).where(
            Attachment.book_id == book.id, Attachment.owner_type == owner_type,
            Attachment.owner_id.in_(owner_ids)).order_by(Attachment.id)):
        found[row.owner_id].append(row)
    return found


def get_attachment(session: Session, book: Book, attachment_id: int) -> tuple[Attachment, Path]:
    """An attachment of the book and where its file is; anyone who can read the book may."""
    require(session, book, "report.read")
    found = record_in_book(session, book, Attachment, attachment_id, noun="attachment",
                           field="attachment")
    root = (get_settings().DATA_DIR / DIRECTORY).resolve()
    path = (get_settings().DATA_DIR / found.path).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise NotFound(f"The file of attachment {attachment_id} is missing; restore it from "
                       f"a backup", field="attachment")
    return found, path
