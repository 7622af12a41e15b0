"""Test support for claimcheck: a local Crossref replay server with fault injection."""

from claimcheck.testing.replay_server import Fault, RecordedRequest, ReplayServer

__all__ = ["Fault", "RecordedRequest", "ReplayServer"]
