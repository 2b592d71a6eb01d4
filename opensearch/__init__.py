"""OpenSearch backend: the index template, bulk documents, query DSL and searcher (see the README)."""
