"""The consumer API of CONTRACT.md §g: filter parameters → VQL, pages with links, exports,
LinkedIn search and Sales Navigator ingestion, talking to Connectra only through the SDK."""
