"""The scheduled ``backup`` job: create, verify, prune."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from folio.ops.backup import service
from folio.ops.backup.catalogue import backup_dir
from folio.ops.backup.offsite import offsite
from folio.ops.jobs import Outcome, job
from folio.settings import Settings


@job("backup", description="Back up the database and attachments, verify it, prune old ones",
     every=lambda settings: settings.BACKUP_INTERVAL_MINUTES)
def backup(engine: Engine, settings: Settings) -> Outcome:
    made = service.create(engine, settings, kind="scheduled")
    if not made.verify_ok:
        # Keep the failed archive for inspection; do not prune on a bad day.
        raise service.BackupError(f"{made.file_name} failed verification: "
                                  f"{made.verify_message}")
    copied = ""
    store = offsite(settings)
    if store is not None:
        store.upload(backup_dir(settings) / made.file_name)
        copied = f"; copied to s3://{store.bucket}/{store.key(made.file_name)}"
    pruned = service.prune(engine, settings)
    return Outcome(records=1 + len(pruned),
                   message=f"{made.file_name} ({made.size} bytes) verified{copied}"
                           + (f"; pruned {len(pruned)}" if pruned else ""))
