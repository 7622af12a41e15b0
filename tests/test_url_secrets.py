"""A secret in a URL's query (`?token=…`, `&api_key=…`) is masked wherever a URL is shown,
as a password in its userinfo is: usage errors on stderr and in the failure document, stderr
notices, and the rendering of Settings. The rest of the URL stays, so the message still
says which URL it means."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimcheck.app.settings import Settings, notice
from claimcheck.transport.urls import redact_url, redact_urls
from tests.factories import write_map
from tests.test_cli import run

SECRET = "q-SECRET-42"
MAP = "claimcheck: 1\nreferences: {A: {doi: 10.1038/nbt.2816}}\n"
MAP += "claims: [{id: C1, text: x, cites: [A]}]\n"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (f"http://h/?token={SECRET}", "http://h/?token=***"),
        (
            f"http://h/?rows=1&API_KEY={SECRET}&mailto=a@b.org",
            "http://h/?rows=1&API_KEY=***&mailto=a@b.org",
        ),
        (f"http://h/?apiKey={SECRET}#top", "http://h/?apiKey=***#top"),
        (f"http://h/?access-token={SECRET}", "http://h/?access-token=***"),
        (f"http://h/?x=1&X-Amz-Signature={SECRET}", "http://h/?x=1&X-Amz-Signature=***"),
        (f"http://h/?client_secret={SECRET}&sig={SECRET}", "http://h/?client_secret=***&sig=***"),
        (f"http://h/?Password={SECRET}&key={SECRET}", "http://h/?Password=***&key=***"),
        (f"http://h/?api%5Fkey={SECRET}", "http://h/?api%5Fkey=***"),  # percent-encoded name
        (f"http://h/a;jsessionid={SECRET}?x=1", "http://h/a;jsessionid=***?x=1"),
        (f"http://u:p@h/?token={SECRET}", "http://***@h/?token=***"),
        # Not secrets: kept, so the message still helps.
        ("http://h/?rows=1&monkey=2&mailto=a@b.org", "http://h/?rows=1&monkey=2&mailto=a@b.org"),
        ("http://h/?token=", "http://h/?token="),
    ],
)
def test_secret_query_values_are_masked(url: str, shown: str) -> None:
    assert redact_url(url) == shown
    assert redact_url(shown) == shown


def test_a_quoted_url_keeps_its_closing_quote() -> None:
    text = f"refused: 'http://h/?token={SECRET}', then (http://h/?key={SECRET}): done"
    assert redact_urls(text) == "refused: 'http://h/?token=***', then (http://h/?key=***): done"


def test_a_query_without_a_url_is_left_alone() -> None:
    text = "mail me@example.org?token=x"  # no scheme: not a URL claimcheck was given
    assert redact_urls(text) == text


@pytest.mark.parametrize("option", ["--crossref-url", "--datacite-url"])
def test_a_refused_url_names_its_query_without_the_secret(tmp_path: Path, option: str) -> None:
    path = write_map(tmp_path, MAP)
    url = f"http://u:p@127.0.0.1:9/?token={SECRET}&rows=1"
    result = run("audit", path, "--offline", "-f", "json", option, url)
    assert result.exit_code == 2, result.output
    assert SECRET not in result.stdout
    assert SECRET not in result.stderr
    shown = "'http://***@127.0.0.1:9/?token=***&rows=1'"
    assert shown in result.stderr
    assert shown in json.loads(result.stdout)["error"]["message"]


def test_notices_and_settings_mask_query_secrets(capsys: pytest.CaptureFixture[str]) -> None:
    notice(f"offline: answers come only from the cache of http://h/?api_key={SECRET}")
    assert capsys.readouterr().err == (
        "claimcheck: offline: answers come only from the cache of http://h/?api_key=***\n"
    )
    assert SECRET not in repr(Settings(crossref_url=f"http://h/?token={SECRET}"))
