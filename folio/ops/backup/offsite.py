"""Copies of verified backups on S3-compatible storage (AWS S3, MinIO, Backblaze B2,
Wasabi, Cloudflare R2 ...), so a lost server does not take its backups with it.

Only the encrypted-or-not archive and its ``.sha256`` file travel; what was verified here
is what lands there. Retention applies to the copies too: a pruned backup is deleted
remotely. Configured with BACKUP_S3_BUCKET (and BACKUP_S3_ENDPOINT for non-AWS
services); without a bucket nothing is copied.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from folio.ops.backup.archive import file_sha256
from folio.ops.backup.catalogue import sidecar
from folio.ops.backup.database import BackupError
from folio.settings import Settings

log = logging.getLogger("folio.backup")


@dataclass(frozen=True)
class RemoteCopy:
    key: str
    size: int


class S3Offsite:
    """The one place Folio talks to object storage (boto3; any S3-compatible endpoint)."""

    def __init__(self, settings: Settings) -> None:
        import boto3
        from botocore.config import Config

        self.bucket = settings.BACKUP_S3_BUCKET
        self.prefix = settings.BACKUP_S3_PREFIX.strip("/")
        self._client: Any = boto3.client(
            "s3", endpoint_url=settings.BACKUP_S3_ENDPOINT or None,
            region_name=settings.BACKUP_S3_REGION or None,
            aws_access_key_id=settings.BACKUP_S3_ACCESS_KEY or None,
            aws_secret_access_key=settings.BACKUP_S3_SECRET_KEY or None,
            config=Config(connect_timeout=10, read_timeout=60,
                          retries={"max_attempts": 3, "mode": "standard"}))

    def key(self, name: str) -> str:
        return f"{self.prefix}/{name}" if self.prefix else name

    def _call(self, what: str, method: str, **kwargs: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self._client, method)(**kwargs)
        except (BotoCoreError, ClientError) as exc:
            # The exception text names the bucket and endpoint, never the credentials.
            raise BackupError(f"offsite {what} failed: {exc}") from None

    def upload(self, path: Path) -> RemoteCopy:
        """Upload the archive and its checksum file; the checksum is checked after."""
        digest = file_sha256(path)
        self._call("upload", "upload_file", Filename=str(path), Bucket=self.bucket,
                   Key=self.key(path.name), ExtraArgs={"Metadata": {"sha256": digest}})
        self._call("upload", "put_object", Bucket=self.bucket,
                   Key=self.key(sidecar(path).name),
                   Body=f"{digest}  {path.name}\n".encode())
        head = self._call("check", "head_object", Bucket=self.bucket, Key=self.key(path.name))
        if head.get("ContentLength") != path.stat().st_size or \
                head.get("Metadata", {}).get("sha256") != digest:
            raise BackupError(f"offsite copy of {path.name} does not match the local file")
        return RemoteCopy(self.key(path.name), path.stat().st_size)

    def copies(self) -> list[RemoteCopy]:
        found: list[RemoteCopy] = []
        token: str | None = None
        while True:
            kwargs: dict[str, Any] = {"Bucket": self.bucket, "Prefix": self.key("folio-")}
            if token:
                kwargs["ContinuationToken"] = token
            page = self._call("list", "list_objects_v2", **kwargs)
            found += [RemoteCopy(o["Key"], o["Size"]) for o in page.get("Contents", [])
                      if not o["Key"].endswith(".sha256")]
            token = page.get("NextContinuationToken")
            if not token:
                return sorted(found, key=lambda c: c.key)

    def download(self, name: str, target: Path) -> Path:
        """Fetch a copy (for a restore on a new server), checked against its checksum."""
        self._call("download", "download_file", Bucket=self.bucket, Key=self.key(name),
                   Filename=str(target))
        body = self._call("download", "get_object", Bucket=self.bucket,
                          Key=self.key(f"{name}.sha256"))["Body"].read().decode()
        if body.split()[0] != file_sha256(target):
            target.unlink(missing_ok=True)
            raise BackupError(f"the offsite copy of {name} is damaged (checksum mismatch)")
        return target

    def delete(self, names: Sequence[str]) -> None:
        keys = [self.key(n) for n in names] + [self.key(f"{n}.sha256") for n in names]
        for start in range(0, len(keys), 1000):
            self._call("delete", "delete_objects", Bucket=self.bucket, Delete={
                "Objects": [{"Key": k} for k in keys[start:start + 1000]], "Quiet": True})


def offsite(settings: Settings) -> S3Offsite | None:
    """The configured offsite store, or None when BACKUP_S3_BUCKET is empty."""
    return S3Offsite(settings) if settings.BACKUP_S3_BUCKET else None
