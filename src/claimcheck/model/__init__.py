"""Frozen data every layer shares: the claim map, registry records, editorial events,
findings and results, with the pure text helpers they need (DOI syntax, folding, sanitising).
Imports nothing of claimcheck's above it."""
