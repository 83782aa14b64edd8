"""Printable documents: invoice PDFs rendered with WeasyPrint, amounts in words."""
