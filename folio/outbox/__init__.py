"""Outgoing mail kept in the database and sent by the ``send-mail`` job."""
