"""Personal finance: budgets, recurring transactions, savings goals, net worth, forecast."""
