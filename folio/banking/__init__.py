"""Banking: bank statements, their import and reconciliation."""
