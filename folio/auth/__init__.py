"""Users, their memberships of books, roles and passwords."""
