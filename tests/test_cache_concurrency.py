"""The Crossref answer cache shared by two audit processes, and by threads of one process."""

from __future__ import annotations

import multiprocessing
import multiprocessing.synchronize
import threading
from pathlib import Path

from claimcheck.cache.store import Cache
from tests.test_cache import SRC, fail_on_warning


def worker(
    directory: str, name: str, barrier: multiprocessing.synchronize.Barrier, count: int
) -> None:
    """One audit process: its own keys and keys every process writes, each read back."""
    with Cache(Path(directory), warn=fail_on_warning) as cache:
        barrier.wait()
        for i in range(count):
            own = f"10.1/{name}-{i}"
            cache.put(SRC, "work", own, 200, f"{name} {i}".encode())
            cache.put(SRC, "agency", f"10.1/shared-{i}", 200, f"{name} {i}".encode())
            entry = cache.get(SRC, "work", own)
            assert entry is not None
            assert entry.body == f"{name} {i}".encode()
            shared = cache.get(SRC, "agency", f"10.1/shared-{i}")
            assert shared is not None
            assert shared.body.endswith(f" {i}".encode())


def test_two_processes_share_the_cache_without_losing_rows(tmp_path: Path) -> None:
    count = 300
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    processes = [
        context.Process(target=worker, args=(str(tmp_path), name, barrier, count))
        for name in ("a", "b")
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
    assert [p.exitcode for p in processes] == [0, 0]
    with Cache(tmp_path, warn=fail_on_warning) as cache:
        for name in ("a", "b"):
            own = cache.get_many(SRC, "work", [f"10.1/{name}-{i}" for i in range(count)])
            assert {k: v.body for k, v in own.items()} == {
                f"10.1/{name}-{i}": f"{name} {i}".encode() for i in range(count)
            }
        shared = cache.get_many(SRC, "agency", [f"10.1/shared-{i}" for i in range(count)])
        assert len(shared) == count
        for i in range(count):
            assert shared[f"10.1/shared-{i}"].body in (f"a {i}".encode(), f"b {i}".encode())
        assert cache.info().entries == 3 * count


def test_threads_share_one_cache(tmp_path: Path) -> None:
    errors: list[BaseException] = []
    with Cache(tmp_path, warn=fail_on_warning) as cache:

        def run(n: int) -> None:
            try:
                for i in range(100):
                    cache.put(SRC, "work", f"10.1/{n}-{i}", 200, b"%d" % i)
                    assert cache.get(SRC, "work", f"10.1/{n}-{i}") is not None
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert cache.info().entries == 400
