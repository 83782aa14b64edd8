"""Cross-cutting operations: health, metrics, logs. Imports no business domain."""
