"""The search index: one protocol, a tantivy adapter (embedded) and Elasticsearch/OpenSearch."""
