"""The web shell: layout, static files, formatting, language and theme."""
