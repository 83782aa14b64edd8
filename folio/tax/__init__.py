"""Tax codes and tax arithmetic (PPN, PPh, bea meterai, VAT/GST)."""
