"""A place in a claim map, as findings and errors name it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Location:
    """A 1-based line and column in the claim map."""

    line: int
    column: int
