"""The checks: pure functions from the claim map and registry records to findings."""
