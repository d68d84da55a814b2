"""The source of truth: SQL tables, repositories and migrations (SQLite and PostgreSQL)."""
