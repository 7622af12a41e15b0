"""Files written so that nothing is lost: a reader sees the old file or the new one, never a
half-written one."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

# Read once, while only one thread runs: os.umask can only be read by setting it, which
# would race with threads writing evidence files.
_UMASK = os.umask(0)
os.umask(_UMASK)


def write_atomic(path: Path, data: bytes | Iterable[bytes], *, durable: bool = True) -> None:
    """Write via a temporary file and rename, so a reader sees the old file or the new one.
    `data` may come in pieces, each written as it is made.

    The new file keeps an existing file's permissions, or gets what the umask allows for a
    new one (a temporary file is created private, 0600, and would otherwise stay so).

    `durable` flushes the data to the disk before the rename, so a power cut leaves the old
    file or the whole new one. Without it a rename is still atomic for every process, a
    killed one included; only a power cut can leave the file short or empty.
    """
    make_parents(path)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mode = 0o666 & ~_UMASK
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            handle.writelines((data,) if isinstance(data, bytes) else data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# What `write_chunks` gathers into one write: a report in 64 KiB pieces is one write each,
# and many small pieces are few writes.
_WRITE_SIZE = 1 << 16


def write_chunks(fd: int, chunks: Iterable[bytes]) -> None:
    """Write every byte of `chunks` to the descriptor `fd` (a pipe, a terminal, a device),
    however many writes that takes. Raises OSError.

    Not through a Python buffered writer: a write to a full pipe that a signal cuts short
    returns what it wrote, and when the handler returns (an interrupt held while the report
    is written, interrupts.writing), CPython's BufferedWriter (3.11) went on without
    the rest of that piece: the reader got the report with about 80 bytes missing after the
    first 64 KiB. os.write retries a write the signal came before (PEP 475) and says how much
    a cut-short one wrote, so the rest is written here."""
    pending: list[bytes] = []
    size = 0
    for chunk in chunks:
        pending.append(chunk)
        size += len(chunk)
        if size >= _WRITE_SIZE:
            _write_all(fd, b"".join(pending))
            pending, size = [], 0
    if size:
        _write_all(fd, b"".join(pending))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        try:
            written = os.write(fd, view)
        except BlockingIOError:
            # A non-blocking stdout, as some CI runners leave it, refuses a write while the
            # pipe is full, where a blocking one waits: wait here until it takes more. It
            # failed the run with exit 74 when its reader was slow.
            _wait_writable(fd)
            continue
        if written <= 0:  # never for a blocking descriptor; not a loop without end
            raise OSError(errno.EIO, "nothing could be written")
        view = view[written:]


def _wait_writable(fd: int) -> None:
    """Wait until `fd` can take a write (or has failed, which the next write reports)."""
    import select

    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    events = poller.poll()
    # A descriptor poll cannot watch (some systems' terminals) would be waited on in a loop
    # that never ends: it is a failure to write, as a closed one is.
    if any(event & select.POLLNVAL for _fd, event in events):
        raise OSError(errno.EIO, "stdout cannot be waited on")


def make_parents(path: Path) -> None:
    """Create the folders `path` goes in. Where one of them exists as something else (a file),
    raise NotADirectoryError naming it: mkdir's own error, "File exists", reads as if the file
    being written were in the way."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        parent = blocking_parent(path)
        if parent is not None:
            message = f"{parent} is not a directory, so nothing can go in it"
            raise NotADirectoryError(errno.ENOTDIR, message) from None
        raise


def blocking_parent(path: Path) -> Path | None:
    """The folder of `path`'s path nearest the root that is there but is not a folder (a
    dangling symlink counts: mkdir cannot go through it either); None if there is none."""
    for parent in reversed(path.parents):
        if os.path.lexists(parent) and not parent.is_dir():
            return parent
    return None
