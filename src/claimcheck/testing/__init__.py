"""Test support for claimcheck: a local Crossref replay server with fault injection and limits."""

from claimcheck.testing.limits import Limits
from claimcheck.testing.replay_server import Fault, RecordedRequest, ReplayServer

__all__ = ["Fault", "Limits", "RecordedRequest", "ReplayServer"]
