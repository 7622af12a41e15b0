"""The one thread on which `CrossrefClient.start` runs its lookups while the caller does
other work (validating the claim map, judging answers as they come), and the waits on it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Background:
    """At most one thread of lookups per client: the first `start` runs, later ones do not."""

    def __init__(self) -> None:
        self._thread: threading.Thread | None = None

    def start(self, run: Callable[[], None]) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=run, name="claimcheck-early", daemon=True)
            self._thread.start()

    def join_from_elsewhere(self) -> None:
        """Wait for the thread to end, unless called on it (its own lookups call back)."""
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def wait(self, seconds: float) -> bool:
        """Wait up to `seconds` for the thread to end; whether it has (or never began)."""
        thread = self._thread
        if thread is None:
            return True
        thread.join(seconds)
        return not thread.is_alive()

    def wait_first_request(self, seconds: float, written: threading.Event | None) -> str:
        """Wait up to `seconds` until `written` is set (a request has reached the server) or
        the thread has ended; what ended the wait: "written", "no-request" (ended: answered
        from the cache, or failed), or "timed-out".

        For a caller about to spend its time in Python (validating the claim map): while it
        holds the interpreter, the thread sending the first request runs only at each switch
        (every 5 ms), which made that request leave about 50 ms later at 1,000 references."""
        deadline = time.monotonic() + seconds
        while True:
            if written is not None and written.is_set():
                return "written"
            thread = self._thread
            if thread is None or not thread.is_alive():
                return "no-request"
            left = deadline - time.monotonic()
            if left <= 0:
                return "timed-out"
            thread.join(min(left, 0.002))
