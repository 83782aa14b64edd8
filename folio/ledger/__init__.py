"""The double-entry ledger: accounts, journal entries, postings, balances, hash chain."""
