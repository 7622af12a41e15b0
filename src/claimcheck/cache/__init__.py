"""The SQLite cache of registry answers, keyed by request and base URL."""
