"""Where `-o FORMAT=PATH` reports go, checked before anything is looked up, and written so
that nothing is lost.

- An output path that is an input of the run (a claim map, anything in the `--replay` or
  `--record` folder, the cache) or that is given twice is refused with exit 2: `-o
  json=claims/map.yaml` must never overwrite the map it audits.
- A regular file (or a symlink to one) is replaced atomically, keeping the link and an
  existing file's permissions; a new file gets the permissions the umask allows.
- A character device, FIFO or socket (`/dev/null`, `/dev/stdout`, a named pipe) is written
  directly: a rename would replace the device node with a regular file.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from claimcheck.model.errors import UsageError
from claimcheck.reporters.registry import EXTENSIONS  # a bare `--output PATH`: by extension


@dataclass(frozen=True)
class Output:
    format: str
    path: Path
    spec: str  # as the user wrote it, to name it in messages


def parse_outputs(specs: Sequence[str], formats: Sequence[str]) -> list[Output]:
    """`--output FORMAT=PATH` or `--output PATH`: the syntax, and the same file twice."""
    outputs: list[Output] = []
    seen: dict[str, str] = {}
    for spec in specs:
        name, sep, target = spec.partition("=")
        if not sep:
            name, target = EXTENSIONS.get(Path(spec).suffix.lower(), ""), spec
            if not name:
                raise UsageError(
                    f"--output {spec!r}: expected FORMAT=PATH (e.g. sarif=report.sarif), or a "
                    f"path ending in {', '.join(EXTENSIONS)}"
                )
        if name not in formats or not target:
            raise UsageError(
                f"--output {spec!r}: expected FORMAT=PATH, FORMAT one of {', '.join(formats)}"
            )
        if target == "-":
            raise UsageError(f"--output {spec!r}: for stdout, use --format {name}")
        path = Path(target)
        if path.is_dir():
            raise UsageError(f"--output {spec!r}: {target} is a directory, not a file")
        key = os.path.realpath(path)
        if key in seen:
            raise UsageError(f"--output {spec!r}: the same file as --output {seen[key]!r}")
        seen[key] = spec
        outputs.append(Output(name, path, spec))
    return outputs


def refuse_inputs(
    outputs: Sequence[Output], files: Sequence[Path], folders: Sequence[Path]
) -> None:
    """Exit 2 if an output would overwrite an input file or land in an input folder."""
    for output in outputs:
        # A device (/dev/null, /dev/stdout) is written through, never replaced.
        if _is_special(output.path):
            continue
        real = Path(os.path.realpath(output.path))
        for file in files:
            if real == Path(os.path.realpath(file)) or _same_file(output.path, file):
                raise UsageError(
                    f"--output {output.spec!r}: {output.path} is an input of this run "
                    f"({file}); writing the report there would destroy it"
                )
        for folder in folders:
            inside = Path(os.path.realpath(folder))
            if real == inside or inside in real.parents:
                raise UsageError(
                    f"--output {output.spec!r}: {output.path} is inside {folder}, which this "
                    "run reads or writes; put the report elsewhere"
                )


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _is_special(path: Path) -> bool:
    try:
        mode = os.stat(path).st_mode  # follows symlinks: /dev/stdout -> /proc/self/fd/1
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def write_output(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write `data` (whole, or in pieces) to `path`: through a device or pipe, else
    atomically. Raises OSError."""
    from claimcheck.transport.files import write_atomic

    if _is_special(path):
        # Non-blocking open: a FIFO with no reader fails at once (ENXIO) instead of hanging.
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        try:
            os.set_blocking(fd, True)
        except OSError:
            os.close(fd)
            raise
        # Buffered, so many small pieces become few writes; it closes the descriptor.
        with os.fdopen(fd, "wb") as device:
            device.writelines((data,) if isinstance(data, bytes) else data)
        return
    write_atomic(Path(os.path.realpath(path)), data)
