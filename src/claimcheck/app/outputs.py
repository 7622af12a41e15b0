"""Where `-o FORMAT=PATH` reports go, checked before anything is looked up, and written so
that nothing is lost.

- An output path that is an input of the run (a claim map, anything in the `--replay` or
  `--record` folder, the cache) or that is given twice is refused with exit 2: `-o
  json=claims/map.yaml` must never overwrite the map it audits.
- A regular file (or a symlink to one) is replaced atomically, keeping the link and an
  existing file's permissions; a new file gets the permissions the umask allows.
- A character device, FIFO or socket (`/dev/null`, `/dev/stdout`, a named pipe) is written
  directly: a rename would replace the device node with a regular file.

A claim map (`init`, `import -o`) is replaced the same way, but a device, FIFO or socket is
refused (`write_claim_map`): a map is a file to edit, so one written through a pipe is lost.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from claimcheck.app.interrupts import Document, writing
from claimcheck.model.errors import UsageError
from claimcheck.reporters.registry import EXTENSIONS  # a bare `--output PATH`: by extension

# A claim map `init` or `import -o` writes, as an interrupt while it is written names it.
CLAIM_MAP_FILE = Document("claim map", stdout=False, files=True)


@dataclass(frozen=True)
class Output:
    format: str
    path: Path
    spec: str  # as the user wrote it, to name it in messages


def check_outputs(specs: Sequence[str], formats: Sequence[str]) -> tuple[list[Output], str | None]:
    """Each `--output FORMAT=PATH` or `--output PATH` that is sound on its own (the syntax, and
    the same file twice), and what is wrong with the first that is not.

    One bad `-o` does not make the others unsound: a run that fails still gives each of them
    its failure document. A file given twice is given to neither, since it is not known which
    format it should hold."""
    outputs: list[Output] = []
    problems: list[str] = []
    seen: dict[str, Output] = {}
    for spec in specs:
        output, problem = _check_output(spec, formats)
        if output is not None:
            key = os.path.realpath(output.path)
            if key in seen:
                problem = f"--output {spec!r}: the same file as --output {seen[key].spec!r}"
                output = None
                outputs = [o for o in outputs if o is not seen[key]]
            else:
                seen[key] = output
        if output is not None:
            outputs.append(output)
        if problem is not None:
            problems.append(problem)
    return outputs, (problems[0] if problems else None)


def _check_output(spec: str, formats: Sequence[str]) -> tuple[Output | None, str | None]:
    name, sep, target = spec.partition("=")
    if not sep:
        name, target = EXTENSIONS.get(Path(spec).suffix.lower(), ""), spec
        if not name:
            return None, (
                f"--output {spec!r}: expected FORMAT=PATH (e.g. sarif=report.sarif), or a "
                f"path ending in {', '.join(EXTENSIONS)}"
            )
    if name not in formats or not target:
        return None, f"--output {spec!r}: expected FORMAT=PATH, FORMAT one of {', '.join(formats)}"
    if target == "-":
        return None, f"--output {spec!r}: for stdout, use --format {name}"
    path = Path(target)
    if path.is_dir():
        return None, f"--output {spec!r}: {target} is a directory, not a file"
    return Output(name, path, spec), None


def refuse_inputs(
    outputs: Sequence[Output],
    files: Sequence[Path],
    folders: Sequence[Path],
    what: str = "the report",
) -> None:
    """Exit 2 if an output (`what`) would overwrite an input file or land in an input
    folder."""
    for output in outputs:
        conflict = input_conflict(output, files, folders)
        if conflict is None:
            continue
        kind, where = conflict
        if kind == "file":
            raise UsageError(
                f"--output {output.spec!r}: {output.path} is an input of this run "
                f"({where}); writing {what} there would destroy it"
            )
        raise UsageError(
            f"--output {output.spec!r}: {output.path} is inside {where}, which this "
            f"run reads or writes; put {what} elsewhere"
        )


def input_conflict(
    output: Output, files: Sequence[Path], folders: Sequence[Path]
) -> tuple[str, Path] | None:
    """("file", the input) when `output` is one of `files`, ("folder", the folder) when it is
    inside one of `folders`, else None."""
    # A device (/dev/null, /dev/stdout) is written through, never replaced.
    if _is_special(output.path):
        return None
    real = Path(os.path.realpath(output.path))
    for file in files:
        if real == Path(os.path.realpath(file)) or _same_file(output.path, file):
            return "file", file
    for folder in folders:
        inside = Path(os.path.realpath(folder))
        if real == inside or inside in real.parents:
            return "folder", folder
    return None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _is_special(path: Path) -> bool:
    return special_kind(path) is not None


def special_kind(path: Path) -> str | None:
    """What `path` leads to ("a FIFO", "a character device") when that is neither a regular
    file nor a directory; None for those and for nothing there."""
    from claimcheck.inputs.discovery import kind_of

    try:
        mode = os.stat(path).st_mode  # follows symlinks: /dev/stdout -> /proc/self/fd/1
    except OSError:
        return None
    return None if stat.S_ISREG(mode) or stat.S_ISDIR(mode) else kind_of(mode)


def write_claim_map(path: Path, data: bytes) -> None:
    """Write a claim map atomically to the regular file `path` names, keeping a symlink (its
    target is replaced, as for a report). A device, FIFO or socket is refused, never
    replaced: a rename over `/dev/null` would put a regular file in its place. Callers say
    so before any work (`special_kind`); this check catches one swapped in since. Raises
    OSError.

    An interrupt once the file is begun waits until it is renamed into place (`writing`):
    the run then ends saying the map is complete, never as if no file were written."""
    from claimcheck.transport.files import write_atomic

    real = Path(os.path.realpath(path))
    kind = special_kind(real)
    if kind is not None:
        raise OSError(errno.EINVAL, f"it is {kind}, not a regular file; it is never replaced")
    with writing(CLAIM_MAP_FILE):
        write_atomic(real, data)


def write_output(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write `data` (whole, or in pieces) to `path`: through a device or pipe, else
    atomically. Raises OSError."""
    from claimcheck.transport.files import write_atomic

    if _is_special(path):
        from claimcheck.transport.files import write_chunks

        # Non-blocking open: a FIFO with no reader fails at once (ENXIO) instead of hanging.
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        try:
            os.set_blocking(fd, True)
            # Many small pieces become few writes, and a write a held interrupt cuts short
            # is finished (write_chunks).
            write_chunks(fd, (data,) if isinstance(data, bytes) else data)
        finally:
            os.close(fd)
        return
    write_atomic(Path(os.path.realpath(path)), data)
