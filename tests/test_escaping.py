"""Hostile characters and URL credentials, end to end, over a real loopback server.

A registry controls more than titles: its Content-Type header reaches the failure message of a
lookup, and through it stderr and every report. Each character below must come out of every
format as a visible escape and never raw; JSON must still decode to the exact text. A password
in `--crossref-url` must reach the server (as Basic auth) and nothing else: not the reports,
stderr, the evidence index or the cache.
"""

from __future__ import annotations

import base64
import json
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from typer.testing import Result

from claimcheck.app.settings import Settings, notice
from claimcheck.model.sanitize import UNSAFE, json_escape, visible
from claimcheck.reporters.markdown import md_escape
from claimcheck.testing import Fault, ReplayServer
from claimcheck.transport.evidence import RecordingFetcher, ReplayFetcher
from claimcheck.transport.urls import redact_url, redact_urls
from tests.conftest import RECONSTRUCTED
from tests.factories import work_envelope, write_map
from tests.test_cli import run

# Each hostile character and how a person must see it.
SHOWN = {
    "\x1b": "\\u001b",  # ESC: starts terminal control sequences
    "\u202e": "\\u202e",  # RIGHT-TO-LEFT OVERRIDE ("Trojan Source")
    "\x85": "\\u0085",  # NEL, a C1 control and a line break to some tools
    "\x9b": "\\u009b",  # CSI: an 8-bit ESC [ in some terminals
    "\x7f": "\\u007f",  # DEL
    "\u061c": "\\u061c",  # ARABIC LETTER MARK
    "\u200b": "\\u200b",  # ZERO WIDTH SPACE
    "\u200d": "\\u200d",  # ZERO WIDTH JOINER
    "\u2066": "\\u2066",  # LEFT-TO-RIGHT ISOLATE
}
HOSTILE = "".join(SHOWN)
# Each character its own word, so a table wraps between escapes and never inside one.
CONTENT_TYPE = "text/html " + " ".join(f"{c}[31m" for c in SHOWN)
TITLE = "Stem cells " + " ".join(f"x{c}y" for c in SHOWN) + " tag\U000e0041"

A = "10.1038/nbt.2816"  # served with the hostile Content-Type
EVIL = "10.5555/hostile"  # served with the hostile title
MAP = f"""
claimcheck: 1
references:
  A: {{doi: {A}}}
  EVIL: {{doi: {EVIL}, title: A perfectly ordinary title, authors: [Smith J]}}
claims:
  - {{id: C1, text: one, cites: [A, EVIL]}}
"""
FORMATS = ("table", "json", "markdown", "sarif", "junit", "html")


def no_raw(text: str, where: str) -> None:
    for char in [*SHOWN, "\U000e0041"]:
        assert char not in text, f"raw {char!r} in {where}"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Result]]:
    """Every format of one audit, and `resolve` of both DOIs, against a hostile server."""
    path = write_map(tmp_path_factory.mktemp("hostile"), MAP)
    with ReplayServer(RECONSTRUCTED) as server:
        server.add_work(work_envelope(EVIL, title=TITLE, authors=(f"Evil{HOSTILE}",)))
        server.add_fault(Fault.html(content_type=CONTENT_TYPE, match=A))
        common = ("--crossref-url", server.url, "--retries", "0")
        runs = {name: run("audit", path, "-f", name, *common) for name in FORMATS}
        runs["resolve"] = run("resolve", A, "-f", "json", *common)
        runs["resolve-table"] = run("resolve", A, *common)
        runs["resolve-title"] = run("resolve", EVIL, *common)
        yield runs
    assert not server.errors


def test_the_hostile_content_type_really_reached_claimcheck(hostile: dict[str, Result]) -> None:
    # Without this, a client that dropped the header would pass every test below vacuously.
    document = json.loads(hostile["json"].stdout)
    (finding,) = [f for f in document["findings"] if f["reference"] == "A"]
    assert f"not JSON ({CONTENT_TYPE})" in finding["evidence"]["cause"]
    assert json.loads(hostile["resolve"].stdout)["error"].endswith(f"({CONTENT_TYPE})")


@pytest.mark.parametrize("name", [*FORMATS, "resolve", "resolve-table", "resolve-title"])
def test_no_hostile_character_reaches_stdout_or_stderr_raw(
    hostile: dict[str, Result], name: str
) -> None:
    result = hostile[name]
    assert "Traceback" not in result.stderr
    no_raw(result.stdout, f"{name} stdout")
    no_raw(result.stderr, f"{name} stderr")


@pytest.mark.parametrize("name", ["table", "json", "resolve", "resolve-table"])
def test_stderr_shows_the_content_type_escaped_on_one_line(
    hostile: dict[str, Result], name: str
) -> None:
    (line,) = [line for line in hostile[name].stderr.splitlines() if "not JSON" in line]
    assert line.startswith("claimcheck: ")
    assert visible(CONTENT_TYPE) in line
    for shown in SHOWN.values():
        assert shown in line


@pytest.mark.parametrize("name", ["table", "resolve-table", "resolve-title"])
def test_table_shows_each_character_as_an_escape(hostile: dict[str, Result], name: str) -> None:
    out = hostile[name].stdout
    for shown in SHOWN.values():
        assert shown in out, (name, shown)
    if name == "resolve-title":
        assert "tag\\U000e0041" in out  # beyond the BMP: \U and eight digits


def test_json_escapes_each_character_and_decodes_to_the_exact_text(
    hostile: dict[str, Result],
) -> None:
    out = hostile["json"].stdout
    for shown in SHOWN.values():
        assert shown in out
    assert "\\udb40\\udc41" in out  # the tag character, as JSON's surrogate pair
    evil = next(r for r in json.loads(out)["references"] if r["id"] == "EVIL")
    assert evil["registry"]["title"] == TITLE
    assert evil["registry"]["authors"] == [f"Evil{HOSTILE}, A."]


def test_sarif_escapes_each_character_and_shows_it_in_messages(
    hostile: dict[str, Result],
) -> None:
    document = json.loads(hostile["sarif"].stdout)
    results = document["runs"][0]["results"]
    messages = " ".join(r["message"]["text"] for r in results)
    for shown in SHOWN.values():
        assert shown in messages  # a viewer shows the message text: it must hold the escape
    # Evidence keeps the registry's exact text, escaped only in the JSON encoding.
    causes = [r["properties"]["evidence"].get("cause", "") for r in results]
    assert any(CONTENT_TYPE in cause for cause in causes)


def test_markdown_shows_each_character_as_an_escape(hostile: dict[str, Result]) -> None:
    out = hostile["markdown"].stdout
    for shown in SHOWN.values():
        assert "\\" + shown in out  # the escape's own backslash is escaped for Markdown


def test_junit_shows_each_character_as_an_escape(hostile: dict[str, Result]) -> None:
    root = ET.fromstring(hostile["junit"].stdout.encode("utf-8"))
    shown_text = " ".join(
        " ".join([*element.attrib.values(), element.text or ""]) for element in root.iter()
    )
    for shown in SHOWN.values():
        assert shown in shown_text


def test_a_hostile_content_type_is_escaped_in_the_evidence_index(tmp_path: Path) -> None:
    # A readable work under a hostile Content-Type is an answer, so it is recorded with it.
    record = tmp_path / "evidence"
    with ReplayServer(RECONSTRUCTED) as server:
        server.add_fault(Fault.html(work_envelope(A), content_type=CONTENT_TYPE, match=A))
        result = run("resolve", A, "--crossref-url", server.url, "--record", record)
    assert result.exit_code == 0, result.stderr
    index = (record / "index.json").read_text(encoding="utf-8")
    no_raw(index, "the evidence index")
    assert CONTENT_TYPE in [e["content_type"] for e in json.loads(index)["responses"]]


# --- credentials in --crossref-url ---------------------------------------------------------

USER, PASSWORD = "alice", "pw-S3CRET-42"
SMALL = f"""
claimcheck: 1
references:
  A: {{doi: {A}}}
  B: {{doi: 10.1634/stemcells.22-4-448, title: Human embryonic stem cells possess
      immune-privileged properties}}
claims:
  - {{id: C1, text: one, cites: [A, B]}}
"""


def with_credentials(url: str) -> str:
    return url.replace("http://", f"http://{USER}:{PASSWORD}@", 1)


def no_password(where: str, *texts: str | bytes) -> None:
    for text in texts:
        data = text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text
        assert PASSWORD.encode() not in data, f"the password leaked into {where}"


def every_file(directory: Path) -> Iterator[tuple[Path, bytes]]:
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            yield path, path.read_bytes()


def test_credentials_are_sent_but_never_shown_reported_recorded_or_cached(
    tmp_path: Path,
) -> None:
    path, record, cache = write_map(tmp_path, SMALL), tmp_path / "evidence", tmp_path / "cache"
    outputs = {name: tmp_path / f"report.{name}" for name in FORMATS if name != "json"}
    env = {"CLAIMCHECK_CACHE_DIR": str(cache)}
    with ReplayServer(RECONSTRUCTED) as server:
        url, shown = with_credentials(server.url), server.url.replace("://", "://***@")
        extra = [arg for name, out in outputs.items() for arg in ("-o", f"{name}={out}")]
        online = run(
            "audit", path, "-f", "json", "--crossref-url", url, "--record", record, *extra, env=env
        )
        asked = list(server.requests)
        offline = run("audit", path, "-f", "json", "--crossref-url", url, "--offline", env=env)
    # The audit works, and the server got the credentials as Basic auth on every request.
    assert online.exit_code == 0, online.stderr
    basic = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    assert asked
    assert all(r.headers.get("authorization") == basic for r in asked)
    # Reports, the evidence index and the cache name the server without them.
    document = json.loads(online.stdout)
    assert {r["status"] for r in document["references"]} == {"ok"}
    assert document["source"]["crossref"] == shown
    sarif = json.loads(outputs["sarif"].read_text())
    assert sarif["runs"][0]["properties"]["source"]["crossref"] == shown
    index = json.loads((record / "index.json").read_text())
    assert {e["url"].partition("/works")[0] for e in index["responses"]} == {shown}
    no_password("stdout and stderr", online.stdout, online.stderr, offline.stdout, offline.stderr)
    for file, data in [*every_file(record), *every_file(cache)]:
        no_password(str(file), data)
    for name, out in outputs.items():
        no_password(f"--output {name}", out.read_bytes())
        assert (md_escape(shown) if name == "markdown" else shown) in out.read_text("utf-8")
    # --offline answers from what the online run cached under the same (redacted) name.
    assert offline.exit_code == 0, offline.stderr
    assert f"the cache of {shown}" in offline.stderr
    offline_refs = json.loads(offline.stdout)["references"]
    assert {r["cache"]["source"] for r in offline_refs} == {shown}


def test_an_old_index_with_credentials_is_redacted_on_the_next_recording(
    tmp_path: Path,
) -> None:
    record = tmp_path / "evidence"
    record.mkdir()
    old = {"request": "/works/old", "url": f"http://{USER}:{PASSWORD}@h/works/old"}
    entry = {**old, "status": 404, "content_type": "text/plain", "file": "works/old.404.txt"}
    index = {"format": "claimcheck.evidence/1", "responses": [entry]}
    (record / "index.json").write_text(json.dumps(index))
    # Opening the snapshot to record into it redacts it, even if nothing is saved after.
    RecordingFetcher(ReplayFetcher(record), record, "http://h").close()
    no_password("the reopened index", (record / "index.json").read_text())
    (record / "index.json").write_text(json.dumps(index))
    with ReplayServer(RECONSTRUCTED) as server:
        result = run("resolve", A, "--crossref-url", server.url, "--record", record)
    assert result.exit_code == 0, result.stderr
    text = (record / "index.json").read_text()
    no_password("the rewritten index", text)
    assert "http://***@h/works/old" in text


def test_a_rejected_url_with_credentials_is_named_without_them() -> None:
    url = f"http://{USER}:{PASSWORD}@127.0.0.1:9/?rows=1"
    result = run("audit", "nothing.yaml", "-f", "json", "--crossref-url", url)
    assert result.exit_code == 2
    assert "http://***@127.0.0.1:9/?rows=1" in result.stderr
    no_password("a usage error", result.stdout, result.stderr)
    assert PASSWORD not in repr(Settings(crossref_url=url))


# --- the helpers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://user:secret@api.example.org/v1", "https://***@api.example.org/v1"),
        ("http://u:p@ss@127.0.0.1:8080", "http://***@127.0.0.1:8080"),  # a raw @ in it
        ("https://token@host/", "https://***@host/"),
        ("https://api.crossref.org", "https://api.crossref.org"),
        ("https://host/path/a@b", "https://host/path/a@b"),  # an @ in the path is no userinfo
    ],
)
def test_redact_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown
    assert redact_url(shown) == shown


def test_redact_urls_in_a_sentence() -> None:
    text = "cache of http://a:b@h:1/x, then https://c@d and mail me@example.org"
    assert (
        redact_urls(text) == "cache of http://***@h:1/x, then https://***@d and mail me@example.org"
    )


def test_notice_writes_one_escaped_redacted_line(capsys: pytest.CaptureFixture[str]) -> None:
    notice(f"bad {HOSTILE}\nclaimcheck: gate passed, see http://u:{PASSWORD}@h/")
    notice("not shown", quiet=True)
    err = capsys.readouterr().err
    assert err.count("\n") == 1  # data cannot forge a line of its own
    no_raw(err, "a notice")
    no_password("a notice", err)
    assert err == (
        f"claimcheck: bad {''.join(SHOWN.values())}\\u000aclaimcheck: gate passed, "
        "see http://***@h/\n"
    )


def test_every_control_format_and_separator_character_is_unsafe() -> None:
    categories = {"Cc", "Cf", "Zl", "Zp", "Cs"}
    missed = [
        hex(code)
        for code in range(0x110000)
        if unicodedata.category(chr(code)) in categories and not UNSAFE.match(chr(code))
    ]
    assert missed == []
    ordinary = "Ünïcødé 中文 עברית العربية 👩‍🔬 café\u00a0naïve — “quoted” ½"
    assert visible(ordinary.replace("\u200d", "")) == ordinary.replace("\u200d", "")


def test_visible_keeps_only_what_it_is_told() -> None:
    assert visible("a\nb\tc") == "a\\u000ab\\u0009c"
    assert visible("a\nb\tc", keep="\n") == "a\nb\\u0009c"
    assert visible("\U000e0041\ud800\ufffe") == "\\U000e0041\\ud800\\ufffe"
    with pytest.raises(ValueError, match="C0"):
        visible("x", keep="\u202e")


def test_json_escape_decodes_to_the_same_text() -> None:
    text = f"{HOSTILE}\u2028\U000e0041\ud800\x00\n"
    escaped = json_escape(json.dumps({"t": text}, ensure_ascii=False, indent=1))
    assert json.loads(escaped) == {"t": text}
    no_raw(escaped, "JSON")
    escaped.encode("utf-8")  # a lone surrogate, escaped, no longer breaks UTF-8 output


def test_a_content_type_fault_refuses_header_injection() -> None:
    with pytest.raises(ValueError, match="line break"):
        Fault.html(content_type="text/html\r\nSet-Cookie: x=1")


# Text mixing safe letters with every kind of unsafe character, inside and beyond the BMP.
_SPECIALS = ["\x1b", "\n", "\x9b", "\xad", "\u202e", "\ud800", "\ufffe", "\U000e0041"]
_MIXED = st.lists(
    st.one_of(st.sampled_from([*_SPECIALS, "\U0010ffff", "\U0001d173"]), st.characters()),
    max_size=40,
).map("".join)


@example("".join(_SPECIALS))
@example("\ud800\udc00")
@given(_MIXED)
def test_the_split_classes_escape_exactly_the_unsafe_set(text: str) -> None:
    # sanitize.py searches the BMP and the astral planes with two classes, for speed; they
    # must escape exactly the characters of the one class, UNSAFE, and nothing else.
    def shown(c: str, keep: str) -> str:
        if not UNSAFE.match(c) or c in keep:
            return c
        return f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}"

    def reference(keep: str) -> str:
        return "".join(shown(c, keep) for c in text)

    assert visible(text) == reference("")
    assert visible(text, keep="\n") == reference("\n")
    escaped = json_escape(json.dumps(text, ensure_ascii=False))
    # What a JSON reader makes of the text: a high surrogate followed by a low one, two lone
    # code points here, is read as the one character they encode ("\ud800\udc00" is
    # U+10000), escaped or not. Generated text holds such a pair now and then.
    assert json.loads(escaped) == json.loads(json.dumps(text))
    left_raw = set(escaped) - set(json.dumps(text, ensure_ascii=True))
    assert not any(UNSAFE.match(c) for c in left_raw)
