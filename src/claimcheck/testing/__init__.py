"""Test support for claimcheck: local Crossref and DataCite replay servers with fault
injection and limits."""

from claimcheck.testing.datacite_server import DataCiteReplayServer
from claimcheck.testing.limits import Limits
from claimcheck.testing.replay_server import Fault, RecordedRequest, ReplayServer

__all__ = ["DataCiteReplayServer", "Fault", "Limits", "RecordedRequest", "ReplayServer"]
