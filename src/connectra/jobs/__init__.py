"""Background jobs: the runners and the CSV import/export handlers."""
