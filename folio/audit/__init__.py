"""The audit log: an append-only record of who changed what, when and from where."""
