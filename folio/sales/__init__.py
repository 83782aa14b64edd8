"""Sales: items, projects, invoices, credit notes, payments and receivables reports."""
