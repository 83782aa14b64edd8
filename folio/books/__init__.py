"""Books: one database holds several (a company, a household, a market)."""
