"""Verified backups: the database and attachments in one archive, checked by restoring it.

``service`` creates, restores and prunes (and re-exports the rest); ``verification``
proves an archive by restoring it into a scratch database; ``catalogue`` is the
``backups`` table and BACKUP_DIR; ``archive`` and ``crypto`` are the file format;
``database`` copies a SQLite or PostgreSQL database out and back in; ``retention`` decides
what pruning keeps; ``job`` is the scheduled job; ``cli`` is ``folio backup``.
"""
