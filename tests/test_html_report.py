"""The HTML reporter, without a browser: structure, escaping of hostile data, every finding
code, deterministic bytes, and nothing that a browser would fetch. The page is read with the
standard library's HTML tokenizer, which splits tags as a browser does, so a tag or attribute
smuggled in through the data would show up here as one.

`tests/test_html_browser.py` checks the same page in a real Chromium."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from claimcheck.audit import run_audit
from claimcheck.inputs.claimmap import load_claim_map
from claimcheck.model.claimmap import Article, Citation, Claim, ClaimMap, Reference, Role
from claimcheck.model.events import (
    Disagreement,
    EditorialStatus,
    EventKind,
    UpdateDirection,
    UpdateEvent,
    Verdict,
)
from claimcheck.model.location import Location
from claimcheck.model.record import Author, Work
from claimcheck.model.results import AuditResult, Source, SourceUsed
from claimcheck.reporters import html_assets
from claimcheck.reporters.gate import gate_sentence
from claimcheck.reporters.html import chunks, failure, render
from claimcheck.reporters.html_text import doi_href
from claimcheck.sources.crossref.answers import singles_in_list
from claimcheck.sources.crossref.client import CrossrefClient
from claimcheck.transport.evidence import ReplayFetcher
from tests.factories import FIXED_OPTIONS, judge_works

ROOT = Path(__file__).resolve().parent.parent
SEED_MAP = "claims/stem-cell-safety.yaml"
SEED_EVIDENCE = "claims/stem-cell-safety.evidence"

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
# Every way out of an element or an attribute, and characters that hide or reorder text.
HOSTILE = f"{SCRIPT} {IMG} ' onmouseover=alert(2) x=' </style></textarea><!-- \u202e \x1b[31m"
EVIL_DOI = 'javascript:alert(1)//"><svg onload=alert(1)>?a#b c'
# The elements the reporter writes; a tag from the data would be none of these, or a second
# <script>.
OUR_TAGS = {
    *("html", "head", "meta", "title", "style", "body", "header", "main", "section", "article"),
    *("h1", "h2", "h3", "h4", "p", "span", "br", "dl", "dt", "dd", "ul", "li", "div", "a"),
    *("table", "caption", "thead", "tbody", "tr", "th", "td", "svg", "rect", "script"),
    *("form", "fieldset", "legend", "label", "input", "select", "option", "button", "output"),
}
RESOURCE_ATTRIBUTES = {"src", "srcset", "action", "formaction", "poster", "background", "data"}


@dataclass
class Page(HTMLParser):
    """Every start tag with its attributes, the text, and the script and style bodies."""

    tags: list[tuple[str, dict[str, str | None]]] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)
    _open: str = ""

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._open = tag

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        if self._open == "script":
            self.scripts.append(data)
        elif self._open == "style":
            self.styles.append(data)
        else:
            self.text.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._open = ""

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]

    def with_attr(self, name: str, value: str) -> list[dict[str, str | None]]:
        return [attrs for _, attrs in self.tags if attrs.get(name) == value]


def parse(out: str) -> Page:
    page = Page()
    page.feed(out)
    page.close()
    return page


def seed_result() -> AuditResult:
    """The seed map audited from its recorded evidence, as `claimcheck audit --replay` does,
    at a fixed time (paths relative to the repository, as a user in it would type them)."""
    evidence = ROOT / SEED_EVIDENCE
    used = SourceUsed("crossref", file=SEED_EVIDENCE)
    options = replace(FIXED_OPTIONS, source=Source(SEED_EVIDENCE, "replay", (used,)))
    claim_map = load_claim_map(ROOT / SEED_MAP, display_path=SEED_MAP)
    fetcher = ReplayFetcher(evidence, derive=singles_in_list)
    with CrossrefClient(fetcher, batch=False) as client:
        return run_audit(claim_map, client, options)


def hostile_result() -> AuditResult:
    """Hostile text in every place the page shows data: ids, paths, claim text, translation,
    the registry record, an editorial event and its notice DOI, the sources."""
    ref = Reference(
        id=f"R{IMG}",
        location=Location(3, 3),
        doi="10.1/x",
        title="A study",
        authors=("Jones A",),
        cited_as=HOSTILE,
    )
    bad = Reference(id="BAD", location=Location(5, 3), doi_input=HOSTILE, doi_error=HOSTILE)
    claim = Claim(
        id=f"C{SCRIPT}",
        text=HOSTILE,
        translation=f"translated {HOSTILE}",
        location=Location(9, 5),
        cites=(
            Citation(ref.id, Role.SUPPORTS, Location(11, 9)),
            Citation("BAD", Role.SUPPORTS, Location(12, 9)),
        ),
    )
    article = Article(title=HOSTILE, url="javascript:alert(1)", language=f'en"{SCRIPT}')
    claim_map = ClaimMap(f"claims/{SCRIPT}.yaml", 1, (ref, bad), (claim,), article)
    work = Work(
        doi="10.1/x",
        title=f"{SCRIPT} {IMG}",
        authors=(Author(HOSTILE, "A."),),
        year=2015,
        container_titles=(HOSTILE,),
        volume=HOSTILE,
    )
    used = (SourceUsed("crossref", url=f"https://evil.example/{IMG}"),)
    options = replace(FIXED_OPTIONS, source=Source(HOSTILE, f"online{IMG}", used))
    result = judge_works(claim_map, work, options=options)
    event = UpdateEvent(
        type=HOSTILE,
        direction=UpdateDirection.UPDATED_BY,
        doi=EVIL_DOI,
        date=HOSTILE,
        sources=(HOSTILE,),
        title=HOSTILE,
        kind=EventKind.RETRACTION,
    )
    editorial = EditorialStatus(Verdict.RETRACTED, events=(event,), retractions=(event,))
    disagreement = Disagreement(EventKind.RETRACTION, EVIL_DOI, (HOSTILE,), ("crossref",))
    first = replace(
        result.maps[0].references[0], editorial=editorial, disagreements=(disagreement,)
    )
    maps = (replace(result.maps[0], references=(first, *result.maps[0].references[1:])),)
    return replace(result, maps=maps)


@pytest.fixture(scope="module")
def seed() -> AuditResult:
    return seed_result()


@pytest.fixture(scope="module")
def hostile() -> str:
    return render(hostile_result())


def test_hostile_text_stays_text(hostile: str) -> None:
    page = parse(hostile)
    assert {tag for tag, _ in page.tags} <= OUR_TAGS
    assert len(page.all("script")) == 1
    assert page.scripts == [html_assets.JS]  # the one script is ours, nothing from the data
    assert page.styles == [html_assets.CSS]
    assert not [a for _, attrs in page.tags for a in attrs if a.startswith("on")]
    assert not [tag for tag, attrs in page.tags if "style" in attrs]
    text = "".join(page.text)
    # Shown as the very text it is, with the invisible characters made visible.
    assert f"{SCRIPT} {IMG}" in text
    assert "\\u202e \\u001b[31m" in text
    assert "\u202e" not in hostile
    assert "\x1b" not in hostile
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in hostile


def test_hostile_doi_stays_inside_a_doi_org_path(hostile: str) -> None:
    page = parse(hostile)
    links = [attrs["href"] or "" for attrs in page.all("a")]
    external = [href for href in links if not href.startswith("#")]
    assert external, "the notice and the disagreement link to doi.org"
    for href in external:
        assert href.startswith("https://doi.org/")
        assert re.fullmatch(r"https://doi\.org/[A-Za-z0-9%/._~-]*", href), href
    assert "https://doi.org/javascript%3Aalert%281%29//%22%3E%3Csvg" in hostile
    # A DOI that is not one is shown, not linked; the article's URL is not a link either.
    assert not [href for href in links if "javascript:" in href]


def test_anchors_are_made_from_indexes(hostile: str) -> None:
    page = parse(hostile)
    ids = [attrs["id"] for _, attrs in page.tags if "id" in attrs]
    data_ids = [i for i in ids if i and i.startswith("m")]
    assert data_ids == ["m0-c0", "m0-r0", "m0-r1"]
    for attrs in page.all("a"):
        href = attrs["href"] or ""
        assert href.startswith("https://doi.org/") or href.lstrip("#") in ids


def test_a_malformed_language_tag_is_dropped(hostile: str) -> None:
    assert not [
        attrs for _, attrs in parse(hostile).tags if "lang" in attrs and attrs["lang"] != "en"
    ]


@pytest.mark.parametrize(
    ("doi", "href"),
    [
        ("10.1000/abc", "https://doi.org/10.1000/abc"),
        ("10.1016/s0140-6736(20)31180-6", "https://doi.org/10.1016/s0140-6736%2820%2931180-6"),
        ('10.1/a"b<c>#?x y&z', "https://doi.org/10.1/a%22b%3Cc%3E%23%3Fx%20y%26z"),
        ("10.1/é\u202e", "https://doi.org/10.1/%C3%A9%E2%80%AE"),
        ("10.1/\ud800", "https://doi.org/10.1/%ED%A0%80"),  # a lone surrogate does not crash
        ("//evil.example/x", "https://doi.org///evil.example/x"),  # still on doi.org
    ],
)
def test_doi_href_percent_encodes(doi: str, href: str) -> None:
    assert doi_href(doi) == href


def test_every_finding_code_is_shown_and_filterable(every_code_result: AuditResult) -> None:
    page = parse(render(every_code_result))
    # Every code the fixture produces (test_audit_schema checks that it produces them all).
    codes = {f.code.value for f in every_code_result.findings}
    assert len(codes) >= 21
    rows = page.with_attr("data-kind", "finding")
    assert len(rows) == len(every_code_result.findings)
    assert {(r["data-f"] or "").split(":")[1] for r in rows} == codes
    options = {attrs["value"] for attrs in page.all("option")} - {""}
    assert options == codes
    text = "".join(page.text)
    for finding in every_code_result.findings:
        assert finding.message in text


def test_every_claim_and_reference_has_its_item(every_code_result: AuditResult) -> None:
    page = parse(render(every_code_result))
    claims = page.with_attr("data-kind", "claim")
    refs = page.with_attr("data-kind", "reference")
    assert len(claims) == len(every_code_result.claims)
    assert len(refs) == len(every_code_result.references)
    # An item's filter key names exactly the severities and codes of its findings.
    ret = next(r for r in every_code_result.references if r.reference.id == "RET")
    index = every_code_result.references.index(ret)
    assert "error:retracted" in (refs[index]["data-f"] or "").split()


def test_summary_has_the_gate_counts_and_sources(every_code_result: AuditResult) -> None:
    out = render(every_code_result)
    text = "".join(parse(out).text)
    assert gate_sentence(every_code_result) in text
    assert "Gate failed:" in text
    assert f"Exit code{every_code_result.exit_code}" in text
    errors = sum(1 for f in every_code_result.findings if f.severity.value == "error")
    assert f"{errors} error" in text
    assert "2026-01-01T00:00:00Z" in text
    for used in every_code_result.source.used:
        assert used.describe() in text


def test_seed_shows_claims_translations_and_the_registry_side_by_side(seed: AuditResult) -> None:
    # Expectations come from the result, not from the seed's current numbers: the seed map
    # and its evidence are edited as the checks grow.
    out = render(seed)
    page = parse(out)
    text = " ".join("".join(page.text).split())
    assert len(page.with_attr("data-kind", "claim")) == len(seed.claims) > 0
    assert len(page.with_attr("data-kind", "reference")) == len(seed.references) > 0
    for claim in seed.claims:
        assert claim.claim.translation, claim.claim.id  # every seed claim is translated
        assert " ".join(claim.claim.translation.split()) in text
    # The original text is marked as the article's language.
    assert len([a for _, a in page.tags if a.get("lang") == "zh"]) == len(seed.claims)
    # Each registry record beside the reference as cited, field by field.
    found = [r for r in seed.references if r.work is not None]
    assert found
    for ref in found:
        assert ref.work is not None
        assert " ".join(ref.work.title.split()) in text
        assert "; ".join(a.display for a in ref.work.authors) in text
        assert "; ".join(ref.reference.authors) in text
    # Every editorial event (the seed cites a retraction notice) links to doi.org.
    events = [e for r in seed.references for e in r.updates]
    assert events
    for event in events:
        assert f'href="{doi_href(event.doi)}"' in out
    assert "crossref: claims/stem-cell-safety.evidence" in text


def test_translation_is_shown_under_the_claim() -> None:
    claim = Claim("C1", "原文", Location(2, 3), translation="The original")
    article = Article(language="zh-Hans")
    result = judge_works(ClaimMap("m.yaml", 1, (), (claim,), article))
    out = render(result)
    assert '<p class="text" lang="zh-Hans">原文</p>' in out
    assert '<span class="muted">Translation:</span> The original</p>' in out


def test_same_result_same_bytes(every_code_result: AuditResult) -> None:
    first = render(every_code_result)
    assert render(every_code_result) == first
    assert "".join(chunks(every_code_result)) == first
    assert render(hostile_result()) == render(hostile_result())
    assert render(seed_result()) == render(seed_result())


def test_nothing_is_fetched_only_doi_org_is_linked(
    every_code_result: AuditResult, seed: AuditResult, hostile: str
) -> None:
    for out in (render(every_code_result), render(seed), hostile):
        page = parse(out)
        for _, attrs in page.tags:
            assert not RESOURCE_ATTRIBUTES & set(attrs), attrs
            href = attrs.get("href")
            if href is not None:
                assert href.startswith(("#", "https://doi.org/")), href
        csp = page.with_attr("http-equiv", "Content-Security-Policy")
        assert [c["content"] for c in csp] == [html_assets.CSP]
        assert out.startswith("<!DOCTYPE html>\n")
        assert out.endswith("</html>\n")
    for asset in (html_assets.CSS, html_assets.JS):
        assert not re.search(r"https?:|url\(|@import|//[a-z]", asset.replace("://", ""))
    assert not re.search(r"fetch|XMLHttpRequest|import\(|eval|WebSocket|innerHTML", html_assets.JS)


def test_matrix_marks_each_citation_with_status_and_role(every_code_result: AuditResult) -> None:
    page = parse(render(every_code_result))
    cells = [a for a in page.all("td") if "cite" in (a.get("class") or "").split()]
    cited = sum(len({c.ref for c in cr.claim.cites}) for cr in every_code_result.claims)
    assert len(cells) == cited
    # C11 cites RET as background: pale, and the cell's title says so in words.
    weak = [c for c in cells if "weak" in (c.get("class") or "").split()]
    assert any(c["title"] == "C11 cites RET as background; it is error" for c in weak)


def test_an_empty_audit_renders() -> None:
    result = judge_works(ClaimMap("empty.yaml", 1, (), ()))
    out = render(result)
    page = parse(out)
    assert "No findings." in page.text
    assert "Gate passed:" in page.text
    assert not page.all("svg")  # no bar to draw
    assert len(page.all("script")) == 1


def test_failure_page_says_what_went_wrong_inertly() -> None:
    problem = {"file": f"{SCRIPT}.yaml", "line": 3, "column": 5, "message": IMG}
    out = failure(2, f"bad map {SCRIPT}", [problem], datetime(2026, 1, 1, tzinfo=UTC))
    page = parse(out)
    assert {tag for tag, _ in page.tags} <= OUR_TAGS
    assert not page.all("script")
    assert [c["content"] for c in page.with_attr("http-equiv", "Content-Security-Policy")] == [
        html_assets.CSP
    ]
    text = "".join(page.text)
    assert "claimcheck: exit 2, nothing to report" in text
    assert f"bad map {SCRIPT}" in text
    assert f"{SCRIPT}.yaml:3:5: {IMG}" in text
    assert "2026-01-01T00:00:00Z" in text
