"""Background workers, side by side: the outbox indexer that keeps the search index in step with
the store, and the job runners with their CSV import/export handlers. Handlers call services."""
