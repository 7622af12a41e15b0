"""Which files an audit reads (README, "claimcheck audit PATH...").

A file named on the command line is always a claim map: it is loaded, and a problem with it
stops the run. A directory is searched recursively, and there claimcheck skips only what is
certainly not a claim map (a skipped map would never be checked); each skip is returned with
the reason so the caller can say so. Nothing here prints, and nothing here ever blocks: a
FIFO, socket or device is refused from its `stat`, before it is opened.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, NamedTuple

from claimcheck.model.errors import UsageError

# The one rule for which files below a directory are claim maps, shared with the pre-commit
# hook: pre-commit passes a file when `re.search` finds the hook's `files: ^claims/.*\.ya?ml$`
# (.pre-commit-hooks.yaml) in its path from the repository root, and `claimcheck audit DIR`
# takes a file when this pattern, the hook's after `^claims/`, matches its path from DIR with
# `re.match` (so `.` never crosses a newline and `$` allows one trailing newline in both).
# Change the two together: tests/test_discovery.py checks they agree on a tree of paths.
CLAIM_MAP_PATH = re.compile(r".*\.ya?ml$")

MAX_FILE_BYTES = 10 * 1024 * 1024  # the spec: claim maps over 10 MB are refused
NOT_A_CLAIM_MAP = "not a claim map (no `claimcheck:` key)"
_SNIFF_CHUNK = 1024 * 1024
# Column 0 is the top level of a block mapping, so a nested key, such as a workflow job named
# claimcheck, does not count. `references` and `claims` together make a map whose version
# key is missing or misspelt: it is loaded, so that mistake is reported, not skipped.
_TOP_KEY = re.compile(rb"""^(["']?)(claimcheck|references|claims)\1[ \t]*:""", re.MULTILINE)
# A JSON-style (flow) root, `{"claimcheck": 1, ...}`, whose keys may sit anywhere on a line.
_FLOW_KEY = re.compile(rb"""(?:^|[{,])[ \t]*(["']?)claimcheck\1[ \t]*:""", re.MULTILINE)
_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)
# Absent on Windows, which has no FIFO that an open() could wait on.
_NONBLOCK = getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)

FileKey = tuple[int, int]  # (st_dev, st_ino): one file however many paths lead to it


class Discovery(NamedTuple):
    files: list[Path]  # the claim maps to load, sorted, each file once
    skipped: list[tuple[Path, str]]  # (path, why) for every file passed over in a directory


class NotRegularFile(OSError):
    """A path that is not a regular file; `strerror` says what it is instead."""

    def __init__(self, mode: int) -> None:
        code = errno.EISDIR if stat.S_ISDIR(mode) else errno.EINVAL
        super().__init__(code, f"expected a file, found {kind_of(mode)}")


def kind_of(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def open_regular(path: Path) -> BinaryIO:
    """Open a regular file for reading; NotRegularFile for anything else, never a hang.

    The `stat` first keeps a device from being opened at all (opening one can act on it);
    O_NONBLOCK and the `fstat` after close the race with a file swapped for a FIFO between.
    """
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        raise NotRegularFile(mode)
    fd = os.open(path, os.O_RDONLY | _NONBLOCK)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(mode)
        return os.fdopen(fd, "rb")  # a regular file ignores O_NONBLOCK
    except BaseException:
        os.close(fd)
        raise


def looks_like_claim_map(handle: BinaryIO, limit: int) -> bool:
    """The quick check: whether the text shows a top-level `claimcheck:` key (or both
    `references:` and `claims:`) at column 0, or anywhere in a file that opens with `{`,
    reading at most `limit` bytes and stopping at the first sign of one. False says only
    that none was seen there: `_sniff` then reads the keys (topkeys.py)."""
    keys: set[bytes] = set()
    flow: bool | None = None
    for block in _line_blocks(handle, limit):
        if flow is None:
            flow = block.lstrip().startswith(b"{")
        if flow and _FLOW_KEY.search(block):
            return True
        keys.update(match[2] for match in _TOP_KEY.finditer(block))
        if b"claimcheck" in keys or {b"references", b"claims"} <= keys:
            return True
    return False


def _line_blocks(handle: BinaryIO, limit: int) -> Iterator[bytes]:
    """The file in blocks of whole lines (so `^` means a line start), up to `limit` bytes."""
    carry, total = b"", 0
    while total < limit:
        chunk = handle.read(min(_SNIFF_CHUNK, limit - total))
        if not chunk:
            break
        if not total:
            chunk = chunk.removeprefix(b"\xef\xbb\xbf")  # a BOM would hide a first-line key
        total += len(chunk)
        block, newline, carry = (carry + chunk).rpartition(b"\n")
        if newline:
            yield block
    if carry:
        yield carry


def discover_claim_maps(paths: Sequence[Path]) -> Discovery:
    """The claim maps `paths` name, and what was skipped in their directories, and why.

    UsageError (exit 2) for a named path that is missing or not a regular file or directory,
    and for a named directory in which no claim map is left: an audit that checked nothing
    must never pass.
    """
    finder = _Finder()
    directories, problems = [], []
    for path in sorted(set(paths)):
        try:
            info = os.stat(path)
        except (OSError, ValueError) as error:
            problems.append(f"{path}: {_unreachable(path, error)}")
            continue
        if stat.S_ISDIR(info.st_mode):
            directories.append(path)
        elif stat.S_ISREG(info.st_mode):
            finder.add_named(path, info)
        else:
            problems.append(f"{path}: {kind_of(info.st_mode)}, not a regular file")
    if problems:
        raise UsageError("; ".join(problems))
    for directory in directories:
        finder.add_directory(directory)
    return Discovery(sorted(finder.files.values()), sorted(finder.skipped.items()))


def claim_map_candidates(paths: Sequence[Path]) -> list[Path]:
    """Every file an audit of `paths` could read as a claim map, found without failing: each
    path, and every *.yaml/*.yml below each directory among them, claim map or not. For when
    `discover_claim_maps` did not finish and the inputs must still never be written over."""
    found = list(paths)
    for path in paths:
        if os.path.isdir(path):
            found.extend(_walk(path, {}))
    return found


class _Finder:
    def __init__(self) -> None:
        self.files: dict[FileKey, Path] = {}
        self.named: set[FileKey] = set()
        self.verdicts: dict[FileKey, str] = {}  # "" for a claim map, else why it is skipped
        self.skipped: dict[Path, str] = {}

    def add_named(self, path: Path, info: os.stat_result) -> None:
        key = (info.st_dev, info.st_ino)
        self.files.setdefault(key, path)  # `paths` come sorted: the first name stays
        self.named.add(key)
        self.verdicts[key] = ""  # named on the command line: never skipped

    def add_found(self, key: FileKey, path: Path) -> None:
        """One path per file: the name it was given on the command line, else the one that
        is not a symlink, else the first in order, whatever order the directories list in."""
        known = self.files.get(key)
        if known is None or (key not in self.named and _rank(path) < _rank(known)):
            self.files[key] = path

    def add_directory(self, directory: Path) -> None:
        found = 0
        notes: dict[Path, str] = {}  # this directory's skips, named if no claim map is left
        for path in _walk(directory, notes):
            key, why = _examine(path)
            if key is not None:
                if key not in self.verdicts:
                    self.verdicts[key] = _sniff(path)
                why = self.verdicts[key]
            if why:
                notes[path] = why
            elif key is not None:
                self.add_found(key, path)
                found += 1
        self.skipped.update(notes)
        if not found:
            raise UsageError(_nothing_in(directory, notes))


def _rank(path: Path) -> tuple[bool, Path]:
    return path.is_symlink(), path


def _walk(root: Path, notes: dict[Path, str]) -> Iterator[Path]:
    """Every path below `root` that CLAIM_MAP_PATH matches. A symlink to a directory is not
    followed (one to `..` would loop) and, like a directory that cannot be listed, is noted."""
    stack = [(root, "")]
    while stack:  # a stack, not recursion: a hostile tree may be thousands of levels deep
        directory, prefix = stack.pop()
        try:
            with os.scandir(directory) as listing:
                entries = list(listing)
        except OSError as error:
            notes[directory] = f"cannot list it: {error.strerror}"
            continue
        for entry in entries:
            path, relative = directory / entry.name, prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                stack.append((path, relative + "/"))
            elif CLAIM_MAP_PATH.match(relative):
                yield path
            elif CLAIM_MAP_PATH.match(relative.replace("\n", " ")):
                # The hook's pattern cannot take it either; said, so it is never lost unseen.
                notes[path] = "a line break in its path: not read (name the file itself)"
            elif entry.is_symlink() and os.path.isdir(path):
                notes[path] = "a symlink to a directory (not followed)"


def _examine(path: Path) -> tuple[FileKey | None, str]:
    """(its key, "") for a regular file, else (None, why it is skipped)."""
    try:
        info = os.stat(path)
    except (OSError, ValueError) as error:
        return None, _unreachable(path, error)
    if stat.S_ISREG(info.st_mode):
        return (info.st_dev, info.st_ino), ""
    if stat.S_ISDIR(info.st_mode):
        return None, "a symlink to a directory (not followed)"
    return None, f"{kind_of(info.st_mode)}, not a regular file"


def _sniff(path: Path) -> str:
    """Why the file at `path` is skipped, or "" when it is, or may be, a claim map: only a
    file that is certainly not one is skipped, since a skipped map is never checked."""
    try:
        with open_regular(path) as handle:
            if looks_like_claim_map(handle, MAX_FILE_BYTES):
                return ""  # the fast path, which nearly every claim map takes
            handle.seek(0)
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        return f"cannot read it: {error.strerror or error}"
    if len(data) > MAX_FILE_BYTES:
        return ""  # too big to read in bounds: the loader refuses it, naming its size
    from claimcheck.inputs.topkeys import may_be_claim_map  # PyYAML: only when needed

    return "" if may_be_claim_map(data) else NOT_A_CLAIM_MAP


def _unreachable(path: Path, error: OSError | ValueError) -> str:
    if isinstance(error, FileNotFoundError) and path.is_symlink():
        try:
            return f"a dangling symlink (to {os.readlink(path)}, which does not exist)"
        except OSError:
            pass  # replaced meanwhile: say what stat said
    if isinstance(error, FileNotFoundError):
        return "no such file or directory"
    if isinstance(error, OSError) and error.strerror:
        return f"cannot read it: {error.strerror}"
    return f"cannot read it: {error}"


def _nothing_in(directory: Path, notes: dict[Path, str]) -> str:
    head = f"no claim map to audit in {directory}"
    if not notes:
        return f"{head}: no *.yaml claim maps (nor *.yml) in it or its subdirectories"
    shown = sorted(notes.items())[:5]
    listed = "; ".join(f"{path}: {why}" for path, why in shown)
    more = f"; and {len(notes) - len(shown)} more" if len(notes) > len(shown) else ""
    return f"{head}: everything there was skipped ({listed}{more})"
