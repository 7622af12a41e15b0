"""The HTML report in a real headless Chromium: it renders, its filters and search work, hostile
data stays text, and the page makes no network request.

Chromium is driven over the DevTools protocol on `--remote-debugging-pipe` (JSON messages
ended by NUL on file descriptors 3 and 4), with the standard library only: no port, no
websocket, no extra Python package. One browser serves the module; each test opens its own
tab.

"No network request" is checked three ways, so that no single blind spot hides one:
- the tab's own network log (DevTools `Network.requestWillBeSent`, which sees every request
  the page starts, whether or not it could connect) must hold the page's file alone;
- the page is loaded a second time WITHOUT its Content-Security-Policy, so that a reference
  the policy would have blocked (blocked loads never reach the network log) is still tried
  and seen; and, with the policy, no `securitypolicyviolation` may fire;
- as a guard, not a check: the browser resolves no host name (`--host-resolver-rules`) and
  sends everything else to a closed loopback port (`--proxy-server`), so that even a failing
  test reaches nothing beyond this machine.

Skipped when Chromium is not installed (Debian: `apt-get install -y chromium`).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import queue
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from claimcheck.model.results import AuditResult
from claimcheck.reporters.html import render
from claimcheck.reporters.html_assets import CSP
from tests.test_html_report import IMG, SCRIPT, hostile_result, seed_result

CHROMIUM = next(
    (found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))), None
)
pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None, reason="Chromium is not installed (apt-get install -y chromium)"
    ),
    pytest.mark.slow,
]

FLAGS = (
    "--headless",
    "--disable-gpu",
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
)
TIMEOUT = 60.0  # seconds for any one DevTools answer; a cold start takes a few
# Runs before the page's own script: records every CSP violation the page causes, and
# counts alert() calls instead of opening a dialog (the hostile data's payloads call it).
TRIPWIRES = (
    "window.__violations = [];"
    "document.addEventListener('securitypolicyviolation',"
    " e => window.__violations.push(e.blockedURI + ' ' + e.violatedDirective));"
    "window.__alerts = 0; window.alert = () => { window.__alerts += 1; };"
)


class Browser:
    """A headless Chromium on `--remote-debugging-pipe`: commands go to its fd 3, answers and
    events come back on its fd 4."""

    def __init__(self, profile: Path) -> None:
        assert CHROMIUM is not None
        child_in, self._commands = os.pipe()
        self._answers, child_out = os.pipe()
        # Above 4 first, so that moving them onto 3 and 4 cannot clobber one with the other.
        high_in = fcntl.fcntl(child_in, fcntl.F_DUPFD_CLOEXEC, 10)
        high_out = fcntl.fcntl(child_out, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(child_in)
        os.close(child_out)
        self._log = log = profile / "chromium.log"
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, str(log), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
            (os.POSIX_SPAWN_DUP2, 1, 2),
            (os.POSIX_SPAWN_DUP2, high_in, 3),
            (os.POSIX_SPAWN_DUP2, high_out, 4),
        ]
        argv = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe"]
        # Its own process group: the browser's helpers are ended with it, and only they.
        self.pid = os.posix_spawn(
            CHROMIUM, [*argv, "about:blank"], dict(os.environ), file_actions=actions, setpgroup=0
        )
        os.close(high_in)
        os.close(high_out)
        self._inbox: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._events: list[dict[str, Any]] = []
        self._next_id = 0
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        buffer = b""
        while chunk := os.read(self._answers, 65536):
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            for message in messages:
                self._inbox.put(json.loads(message))
        self._inbox.put(None)  # the browser closed the pipe

    def _receive(self, deadline: float) -> dict[str, Any]:
        try:
            message = self._inbox.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise TimeoutError("Chromium did not answer in time") from None
        if message is None:
            tail = self._log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"Chromium exited; the end of its log:\n{tail}")
        return message

    def call(self, method: str, params: dict[str, Any] | None = None, session: str = "") -> Any:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            answer = self._receive(deadline)
            if answer.get("id") != self._next_id:
                self._events.append(answer)
            elif "error" in answer:
                raise RuntimeError(f"{method}: {answer['error']}")
            else:
                return answer.get("result", {})

    def wait_for(self, method: str, session: str) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        while True:
            for event in self._events:
                if event.get("method") == method and event.get("sessionId") == session:
                    self._events.remove(event)
                    return event
            self._events.append(self._receive(deadline))

    def events(self, method: str, session: str) -> list[dict[str, Any]]:
        return [
            e["params"]
            for e in self._events
            if (e.get("method"), e.get("sessionId")) == (method, session)
        ]

    def close(self) -> None:
        with contextlib.suppress(OSError, RuntimeError, TimeoutError):
            self.call("Browser.close")  # a browser that does not close is ended below
        for _ in range(100):
            if os.waitpid(self.pid, os.WNOHANG) != (0, 0):
                break
            time.sleep(0.1)
        else:
            os.killpg(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        # Any helper left behind is still in the group, which keeps its id reserved until the
        # last one exits: ending the group ends those and nothing else.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        os.close(self._commands)
        self._reader.join(timeout=10)
        os.close(self._answers)


class Tab:
    """One page in its own tab, with the network log and errors it produced."""

    def __init__(self, browser: Browser, url: str) -> None:
        self.browser, self.url = browser, url
        target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.target = target
        attached = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})
        self.session: str = attached["sessionId"]
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.call(f"{domain}.enable")
        self.call("Page.addScriptToEvaluateOnNewDocument", {"source": TRIPWIRES})
        self.call("Page.navigate", {"url": url})
        browser.wait_for("Page.loadEventFired", self.session)
        # about:blank's own load event may be the one that came: wait for this page's.
        deadline = time.monotonic() + TIMEOUT
        while self.js("document.readyState + ' ' + location.href") != f"complete {url}":
            assert time.monotonic() < deadline, f"{url} did not load"
            time.sleep(0.05)

    def call(self, method: str, params: dict[str, Any] | None = None) -> Any:
        return self.browser.call(method, params, self.session)

    def js(self, expression: str) -> Any:
        answer = self.call(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in answer:
            raise AssertionError(f"{expression}: {answer['exceptionDetails']}")
        return answer["result"].get("value")

    def requests(self) -> list[str]:
        """Every URL the page asked for, its own file aside."""
        page = self.url.split("#")[0]
        urls = [
            e["request"]["url"]
            for e in self.browser.events("Network.requestWillBeSent", self.session)
        ]
        return [u for u in urls if u.split("#")[0] != page]

    def errors(self) -> list[Any]:
        thrown = self.browser.events("Runtime.exceptionThrown", self.session)
        logged = [
            e
            for e in self.browser.events("Log.entryAdded", self.session)
            if e["entry"]["level"] == "error"
        ]
        return thrown + logged

    def visible(self, selector: str) -> list[str]:
        """The data-f filter keys (or ids) of the elements that match and are not hidden."""
        return list(
            self.js(
                f"Array.from(document.querySelectorAll({json.dumps(selector)}))"
                ".filter(e => !e.hidden && e.offsetParent !== null)"
                ".map(e => e.id || e.getAttribute('data-f'))"
            )
        )

    def ref_names(self) -> list[str]:
        """The ids (as the claim map names them) of the references shown."""
        return list(
            self.js(
                "Array.from(document.querySelectorAll('article.ref'))"
                ".filter(e => !e.hidden).map(e => e.querySelector('h3').firstChild.data.trim())"
            )
        )

    def close(self) -> None:
        self.browser.call("Target.closeTarget", {"targetId": self.target})


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    chromium = Browser(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture(scope="module")
def pages(
    tmp_path_factory: pytest.TempPathFactory, every_code_result: AuditResult
) -> dict[str, Path]:
    """Each report as a file, and each a second time without its Content-Security-Policy."""
    folder = tmp_path_factory.mktemp("html")
    reports = {
        "seed": render(seed_result()),
        "every-code": render(every_code_result),
        "hostile": render(hostile_result()),
    }
    meta = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
    files = {}
    for name, out in reports.items():
        assert meta in out
        for suffix, text in (("", out), ("-no-csp", out.replace(meta, ""))):
            path = folder / f"{name}{suffix}.html"
            path.write_text(text, encoding="utf-8")
            files[name + suffix] = path
    return files


@pytest.fixture
def open_tab(browser: Browser) -> Iterator[Any]:
    tabs: list[Tab] = []

    def open_(path: Path, fragment: str = "") -> Tab:
        tab = Tab(browser, path.as_uri() + fragment)
        tabs.append(tab)
        return tab

    yield open_
    for tab in tabs:
        tab.close()


def test_seed_renders_claims_references_and_the_picture(
    pages: dict[str, Path], open_tab: Any
) -> None:
    result = seed_result()  # the counts come from the result: the seed map is edited
    claims, refs, findings = len(result.claims), len(result.references), len(result.findings)
    tab = open_tab(pages["seed"])
    assert tab.js("document.documentElement.classList.contains('js')")  # the script ran
    assert len(tab.visible("article.claim")) == claims > 0
    assert len(tab.visible("article.ref")) == refs > 0
    assert len(tab.visible("tr[data-kind=finding]")) == findings > 0
    assert tab.js("getComputedStyle(document.getElementById('filters')).display") == "flex"
    assert tab.js("document.getElementById('shown').value") == (
        f"{findings} of {findings} findings · {claims} of {claims} claims · "
        f"{refs} of {refs} references shown"
    )
    text = tab.js("document.body.innerText")
    assert "Translation:" in text
    assert "干细胞是人体的基础细胞" in text
    assert tab.js("document.querySelectorAll('svg.bar rect').length") >= 4
    cited = sum(len({c.ref for c in cr.claim.cites}) for cr in result.claims)
    assert tab.js("document.querySelectorAll('.matrix td.cite').length") == cited
    assert tab.errors() == []


def test_severity_filter_hides_what_it_does_not_match(
    pages: dict[str, Path], open_tab: Any
) -> None:
    tab = open_tab(pages["every-code"])
    every_row = len(tab.visible("tr[data-kind=finding]"))
    for value in ("warning", "info", "none"):
        tab.js(f"document.querySelector('input[name=sev][value={value}]').click()")
    rows = tab.visible("tr[data-kind=finding]")
    assert rows
    assert len(rows) < every_row
    assert all(key.startswith("error:") for key in rows)
    refs = tab.js(
        "Array.from(document.querySelectorAll('article.ref'))"
        ".map(e => [e.hidden, e.getAttribute('data-f')])"
    )
    assert any(hidden for hidden, _ in refs)
    for hidden, key in refs:
        assert hidden != ("error:" in key)
    assert tab.js("location.hash") == "#sev=error"


def test_code_filter_and_search(pages: dict[str, Path], open_tab: Any) -> None:
    tab = open_tab(pages["every-code"])
    tab.js(
        "const s = document.getElementById('code'); s.value = 'cited-after-retraction';"
        "s.dispatchEvent(new Event('change', {bubbles: true}))"
    )
    assert tab.visible("tr[data-kind=finding]") == ["error:cited-after-retraction"]
    assert tab.ref_names() == ["WAKE"]
    assert tab.js("location.hash") == "#code=cited-after-retraction"
    # Typed into the search box as a person types (the code filter cleared first).
    tab.js("document.getElementById('code').value = ''; document.getElementById('q').focus()")
    tab.call("Input.insertText", {"text": "S0140-6736(20)"})
    assert tab.ref_names() == ["LANCET"]
    # Every searchable item is shown exactly when its text holds the query, in any case.
    mismatched = tab.js(
        "Array.from(document.querySelectorAll('.searchable')).filter(e => e.hidden ==="
        " e.textContent.toLowerCase().includes('s0140-6736(20)')).length"
    )
    assert mismatched == 0
    assert tab.js("location.hash") == "#q=S0140-6736(20)"


def test_fragment_sets_the_filters_on_load(pages: dict[str, Path], open_tab: Any) -> None:
    tab = open_tab(pages["every-code"], "#sev=warning&code=metadata-mismatch")
    assert tab.js("document.getElementById('code').value") == "metadata-mismatch"
    checked = tab.js(
        "Array.from(document.querySelectorAll('input[name=sev]:checked')).map(b => b.value)"
    )
    assert checked == ["warning"]
    assert tab.visible("tr[data-kind=finding]") == ["warning:metadata-mismatch"]
    assert "1 of" in tab.js("document.getElementById('shown').value")


@pytest.mark.parametrize("name", ["hostile", "hostile-no-csp"])
def test_hostile_text_is_text_in_the_dom(pages: dict[str, Path], open_tab: Any, name: str) -> None:
    tab = open_tab(pages[name])
    assert tab.js("document.querySelectorAll('script').length") == 1
    assert (
        tab.js("document.querySelectorAll('img, svg[onload], iframe, object, embed').length") == 0
    )
    assert tab.js("window.__alerts") == 0  # no payload ran
    on_attributes = tab.js(
        "Array.from(document.querySelectorAll('*'))"
        ".flatMap(e => Array.from(e.attributes).map(a => a.name))"
        ".filter(n => n.startsWith('on'))"
    )
    assert on_attributes == []
    assert f"{SCRIPT} {IMG}" in tab.js("document.body.textContent")
    hrefs = tab.js("Array.from(document.links).map(a => a.getAttribute('href'))")
    assert all(h.startswith(("#", "https://doi.org/")) for h in hrefs)
    assert tab.errors() == []


@pytest.mark.parametrize("name", ["seed", "every-code", "hostile"])
def test_the_page_makes_no_network_request(
    pages: dict[str, Path], open_tab: Any, name: str
) -> None:
    with_policy = open_tab(pages[name])
    assert with_policy.requests() == []
    assert with_policy.js("window.__violations") == []  # nothing tried and blocked either
    without_policy = open_tab(pages[name + "-no-csp"])
    assert without_policy.requests() == []
    # The log does see a request: the page's own file, so an empty list above is no blind spot.
    log = without_policy.browser.events("Network.requestWillBeSent", without_policy.session)
    assert [e["request"]["url"] for e in log] == [without_policy.url]


class _Hidden(HTMLParser):
    """From a dumped DOM: each finding row's filter key, and whether it is hidden."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, bool]] = []
        self.html_class = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.html_class = found.get("class") or ""
        if found.get("data-kind") == "finding":
            self.rows.append((found.get("data-f") or "", "hidden" in found))


def test_plain_dump_dom_renders_and_filters(pages: dict[str, Path], tmp_path: Path) -> None:
    """The simplest way in, without DevTools: `chromium --dump-dom` of a filtered link."""
    assert CHROMIUM is not None
    url = pages["every-code"].as_uri() + "#sev=info"
    done = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path}", "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    dom = _Hidden()
    dom.feed(done.stdout)
    assert dom.html_class == "js"
    assert dom.rows
    assert {key.startswith("info:") for key, hidden in dom.rows if not hidden} == {True}
    assert any(hidden for _, hidden in dom.rows)
