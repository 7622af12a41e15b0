"""One exception hierarchy, mapped once to the exit codes of the audit spec."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes, as in README, "Exit codes"."""

    OK = 0
    GATE_FAILED = 1
    USAGE = 2
    INCOMPLETE = 3
    INTERNAL = 70
    OUTPUT_FAILED = 74  # the audit ran, but a report could not be written where asked


class ClaimcheckError(Exception):
    """Base of every error claimcheck reports to a user on purpose."""

    exit_code: ExitCode = ExitCode.INTERNAL


class UsageError(ClaimcheckError):
    """Bad options, a missing file, an unreadable evidence snapshot: nothing was checked."""

    exit_code = ExitCode.USAGE


class OutputFailed(ClaimcheckError):
    """The run finished, but its report could not be written (stdout closed or full)."""

    exit_code = ExitCode.OUTPUT_FAILED


@dataclass(frozen=True)
class LocatedError:
    """One problem in an input file, at a 1-based line and column."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class ClaimMapError(UsageError):
    """A claim map that cannot be understood. Carries every problem found, not only the first."""

    def __init__(self, errors: list[LocatedError]) -> None:
        self.errors = sorted(errors, key=lambda e: (e.path, e.line, e.column, e.message))
        count = len(self.errors)
        noun = "error" if count == 1 else "errors"
        super().__init__(f"{count} {noun} in the claim map")

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)


class DoiError(ValueError):
    """A string that is not a DOI. Raised by the pure DOI functions; never reaches the CLI."""


class LookupFailed(ClaimcheckError):
    """A registry lookup that could not be completed: the reference becomes `unverified`."""

    exit_code = ExitCode.INCOMPLETE

    def __init__(self, doi: str, cause: str) -> None:
        self.doi = doi
        self.cause = cause
        super().__init__(f"{doi}: {cause}")
