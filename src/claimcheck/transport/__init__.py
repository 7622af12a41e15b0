"""Moving bytes: the HTTP fetcher with bounded reads, the rate limiter, and evidence
snapshots that record and replay responses."""
