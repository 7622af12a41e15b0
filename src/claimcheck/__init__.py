"""claimcheck: audit an article's claims and citations against the Crossref registry."""

__version__ = "0.1.0"
