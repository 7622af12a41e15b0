"""The Crossref REST API: the client, batched list queries, parsing work records, and
reading cached answers."""
