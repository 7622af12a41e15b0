"""Title markers on a record's other titles, and its translated subtitles. Crossref's
`title` holds "Work titles, including translated titles" (a Russian title, then its English
translation), beside `original-title`:
a publisher may retitle only one language "RETRACTED: …". A marker there counts as one on
the first title does, and the finding names the title; titles whose markers disagree are
`unclear`, never a guess. Crossref's `subtitle` holds "Work subtitles, including original
language and translated", so a work cited by its English title and English subtitle is the
work cited. Unit tests on the editorial status, its findings and the metadata comparison,
then the command line over real HTTP to the replay server.

Every record here is made up, in Crossref's schema (tests/factories.py): no recording holds a
record with translated titles.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimcheck.checks.datacite import datacite_status
from claimcheck.checks.editorial import editorial_status
from claimcheck.checks.metadata import compare
from claimcheck.checks.metadata_findings import metadata_findings
from claimcheck.checks.references import role_findings, status_findings
from claimcheck.checks.titles import TitleReading, TitleSignal, read_titles
from claimcheck.model.claimmap import Reference, Role
from claimcheck.model.datacite import DataCiteLookup
from claimcheck.model.events import UpdateDirection, Verdict
from claimcheck.model.findings import Finding, FindingCode
from claimcheck.model.location import Location
from claimcheck.model.record import Lookup, LookupStatus, Work
from claimcheck.sources.crossref.records import parse_work
from claimcheck.sources.datacite.records import parse_datacite
from claimcheck.testing import ReplayServer
from tests.factories import fresh_cache_dir, update, work_envelope, write_map
from tests.test_cli import run
from tests.test_datacite import _attributes

RUSSIAN = "Регенерация печени у мышей"
ENGLISH = "Liver regeneration in mice"


def bilingual(doi: str, first: str, *others: str, **extra: object) -> Work:
    """A made-up record whose `title` list holds `first`, then `others`."""
    return parse_work(json.loads(bilingual_body(doi, first, *others, **extra))["message"])


def bilingual_body(doi: str, first: str, *others: str, **extra: object) -> bytes:
    body = json.loads(work_envelope(doi, title=first, **extra))
    body["message"]["title"] = [first, *others]
    return json.dumps(body).encode()


def findings(work: Work, related: dict[str, Lookup] | None = None) -> list[Finding]:
    status = editorial_status(work, related or {})
    reference = Reference(id="R1", location=Location(3, 3), doi=work.doi)
    found = status_findings(reference, status)
    found += role_findings(reference, status, related={}, role=Role.SUPPORTS, claim="C1")
    return found


@pytest.mark.parametrize(
    ("titles", "expected"),
    [
        # A marker on the English title only: read, and named.
        (
            (RUSSIAN, f"RETRACTED: {ENGLISH}"),
            TitleReading(TitleSignal.RETRACTED_ORIGINAL, "retraction", f"RETRACTED: {ENGLISH}"),
        ),
        # Markers that agree: the first of them.
        (
            (f"RETRACTED: {RUSSIAN}", f"Retracted: {ENGLISH}"),
            TitleReading(TitleSignal.RETRACTED_ORIGINAL, "retraction", f"RETRACTED: {RUSSIAN}"),
        ),
        # A retracted correction notice: retracted, as "Retracted: Correction to …" is.
        (
            (f"Correction to: {ENGLISH}", f"RETRACTED: Correction to: {ENGLISH}"),
            TitleReading(
                TitleSignal.RETRACTED_ORIGINAL, "retraction", f"RETRACTED: Correction to: {ENGLISH}"
            ),
        ),
        # Hindawi titles notices "Retracted: <title>": beside a retraction notice's marker
        # the record may be either, so no reading.
        (
            (f"Retraction: {ENGLISH}", f"RETRACTED: {ENGLISH}"),
            TitleReading(disagree=(f"Retraction: {ENGLISH}", f"RETRACTED: {ENGLISH}")),
        ),
        (
            (f"Erratum: {ENGLISH}", f"Expression of concern: {ENGLISH}"),
            TitleReading(disagree=(f"Erratum: {ENGLISH}", f"Expression of concern: {ENGLISH}")),
        ),
        ((RUSSIAN, ENGLISH), TitleReading()),
    ],
)
def test_every_title_is_read_together(titles: tuple[str, ...], expected: TitleReading) -> None:
    assert read_titles(titles) == expected


def test_a_retraction_marker_on_the_translated_title_only_is_retracted() -> None:
    work = bilingual("10.5555/ru", RUSSIAN, f"RETRACTED: {ENGLISH}")
    status = editorial_status(work, {})
    assert status.verdict is Verdict.RETRACTED
    assert status.retracted_by_title
    assert status.marked_title == f"RETRACTED: {ENGLISH}"
    (finding,) = findings(work)
    assert finding.code is FindingCode.RETRACTED
    assert finding.evidence["basis"] == "title marker in another title; no notice registered"
    assert finding.evidence["marked_title"] == f"RETRACTED: {ENGLISH}"
    assert "by another of its registry titles (a translated" in finding.message
    assert f"RETRACTED: {ENGLISH}" in finding.message


def test_a_notice_marker_on_the_translated_title_only_reads_as_a_notice() -> None:
    # SciELO's shape: "Retratação: …" carries no marker the rule knows; its English does.
    work = bilingual("10.5555/pt", "Retratação: Regeneração hepática", f"Retraction: {ENGLISH}")
    assert editorial_status(work, {}).verdict is Verdict.RETRACTION_NOTICE
    (finding,) = findings(work)
    assert finding.code is FindingCode.CITES_RETRACTION_NOTICE
    assert finding.evidence["marked_title"] == f"Retraction: {ENGLISH}"
    assert finding.evidence["basis"] == "title marker in another title"
    assert finding.message.startswith("Another of R1's registry titles (a translated")


@pytest.mark.parametrize("updated", [False, True])
def test_titles_that_disagree_are_unclear_never_retracted(updated: bool) -> None:
    # `updated`: the general path, with a correction linked by convention beside the titles.
    extra = {"updated_by": [update("10.5555/erratum", "erratum")]} if updated else {}
    work = bilingual(
        "10.5555/both", f"RETRACTED: {ENGLISH}", f"Retraction notice to “{ENGLISH}”", **extra
    )
    related = {"10.5555/erratum": Lookup("10.5555/erratum", LookupStatus.NOT_FOUND)}
    status = editorial_status(work, related)
    assert status.verdict is Verdict.UNCLEAR
    assert not status.retracted_by_title
    assert status.notice_by_title is None
    codes = [f.code for f in findings(work, related)]
    assert FindingCode.RETRACTED not in codes
    (unclear,) = [f for f in findings(work, related) if f.code is FindingCode.UPDATE_ROLE_UNCLEAR]
    assert unclear.evidence["basis"] == "titles-disagree"
    assert "R1's registry titles carry markers that disagree" in unclear.message


def test_a_translated_notice_title_naming_the_translated_original_settles_a_two_way_link() -> None:
    # Both records list each other (publisher only), so the sides say nothing, and neither
    # Portuguese title carries a marker the rule knows: the notice's English title names the
    # original's English title (row 3), and the original is retracted.
    original = bilingual(
        "10.5555/orig", "Regeneração hepática", ENGLISH,
        updated_by=[update("10.5555/notice", "retraction", "2021-03-04", "publisher")],
    )  # fmt: skip
    notice = bilingual(
        "10.5555/notice", "Retratação: Regeneração hepática", f"Retracted: {ENGLISH}",
        update_to=[update("10.5555/orig", "retraction", "2021-03-04", "publisher")],
    )  # fmt: skip
    found = Lookup(notice.doi, LookupStatus.FOUND, work=notice)
    status = editorial_status(original, {notice.doi: found})
    assert status.verdict is Verdict.RETRACTED
    (event,) = status.retractions
    assert (event.direction, event.basis) == (UpdateDirection.UPDATED_BY, "title-names-the-other")
    back = Lookup(original.doi, LookupStatus.FOUND, work=original)
    assert editorial_status(notice, {original.doi: back}).verdict is Verdict.RETRACTION_NOTICE


def test_a_work_updated_in_place_reads_none_of_its_titles_for_other_links() -> None:
    # Withdrawn in place (Elsevier's shape), so its titles name that withdrawal: its English
    # "Withdrawal notice to …" must not make it the notice of the retraction linked to it.
    work = bilingual(
        "10.5555/inplace", "Отзыв статьи", f"Withdrawal notice to “{ENGLISH}”",
        updated_by=[
            update("10.5555/inplace", "withdrawal", "2022-01-01", "publisher"),
            update("10.5555/notice", "retraction", "2022-02-01", "publisher"),
        ],
    )  # fmt: skip
    notice = bilingual("10.5555/notice", f"Retraction: {ENGLISH}")
    related = {notice.doi: Lookup(notice.doi, LookupStatus.FOUND, work=notice)}
    status = editorial_status(work, related)
    (linked,) = [e for e in status.events if e.doi == notice.doi]
    assert (linked.direction, linked.basis) == (UpdateDirection.UPDATED_BY, "convention")


def test_a_retraction_marker_on_a_datacite_translated_title_is_retracted() -> None:
    # DataCite's TranslatedTitle is kept as another title, as Crossref's translations are.
    titles = [{"title": "Données du panel"}, {"title": "RETRACTED: Panel data", "lang": "en"}]
    titles[1]["titleType"] = "TranslatedTitle"
    record = parse_datacite(_attributes(titles=titles), "10.1/x")
    status = datacite_status(DataCiteLookup("10.1/x", LookupStatus.FOUND, record), None, {})
    assert status is not None
    assert (status.verdict, status.titled_by) == (Verdict.RETRACTED, "datacite")
    assert status.marked_title == "RETRACTED: Panel data"


# --- translated subtitles ------------------------------------------------------------------

RUSSIAN_SUBTITLE = "экспериментальное исследование"
ENGLISH_SUBTITLE = "an experimental study of partial hepatectomy in aged animals"
# Cited by its English title and English subtitle, the authors written in Latin letters.
CITED = Reference(
    "R1", Location(3, 3), doi="10.5555/sub", title=f"{ENGLISH}: {ENGLISH_SUBTITLE}",
    authors=("Ivanov II",), year=2015,
)  # fmt: skip


@pytest.mark.parametrize(
    "subtitles",
    [
        [RUSSIAN_SUBTITLE, ENGLISH_SUBTITLE],
        [ENGLISH_SUBTITLE],  # the Russian title has none: the English subtitle comes first
    ],
)
def test_a_translated_title_with_its_translated_subtitle_is_the_work_cited(
    subtitles: list[str],
) -> None:
    work = bilingual(
        "10.5555/sub", RUSSIAN, ENGLISH, subtitle=subtitles, authors=("Иванов",), year=2015
    )
    assert work.subtitles == tuple(subtitles)
    assert compare(CITED, work).title_agrees is True
    # The authors, romanised, agree too (model/romanise.py): no finding at all.
    assert metadata_findings(CITED, work) == []


# --- the command line ----------------------------------------------------------------------


def test_the_command_line_fails_a_work_retracted_only_in_its_translated_title(
    tmp_path: Path,
) -> None:
    marked = f"RETRACTED: {ENGLISH}"
    body = work_envelope("10.5555/ru.1", title=RUSSIAN, year=2019)
    message = json.loads(body)
    message["message"]["title"] = [RUSSIAN, marked]
    path = write_map(
        tmp_path,
        "claimcheck: 1\nreferences:\n  R1: {doi: '10.5555/ru.1'}\n"
        "claims:\n  - {id: C1, text: a claim, cites: [R1]}\n",
    )
    with ReplayServer(tmp_path) as replay:  # no recorded answers: only this one
        replay.add_work(json.dumps(message).encode())
        result = run("audit", path, "-f", "json", "--crossref-url", replay.url)
    document = json.loads(result.stdout)
    assert result.exit_code == 1
    (reference,) = document["references"]
    assert reference["verdict"] == "retracted"
    (retracted,) = [f for f in document["findings"] if f["code"] == "retracted"]
    assert retracted["evidence"]["marked_title"] == marked
    assert marked in retracted["message"]


def test_the_command_line_reads_a_translated_subtitle_live_and_from_the_cache(
    tmp_path: Path,
) -> None:
    body = bilingual_body(
        "10.5555/sub", RUSSIAN, ENGLISH, subtitle=[RUSSIAN_SUBTITLE, ENGLISH_SUBTITLE],
        authors=("Иванов",), year=2015,
    )  # fmt: skip
    path = write_map(
        tmp_path,
        "claimcheck: 1\nreferences:\n"
        f"  R1: {{doi: '10.5555/sub', title: '{CITED.title}', authors: [Ivanov II], year: 2015}}"
        "\nclaims:\n  - {id: C1, text: a claim, cites: [R1]}\n",
    )
    env = {"CLAIMCHECK_CACHE_DIR": fresh_cache_dir()}
    with ReplayServer(tmp_path) as replay:  # no recorded answers: only this one
        replay.add_work(body)
        live = run("audit", path, "-f", "json", "--crossref-url", replay.url, env=env)
        url = replay.url
    # The second run reads the work the cache stored (for that server): its other subtitles too.
    cached = run("audit", path, "-f", "json", "--crossref-url", url, "--offline", env=env)
    for result in (live, cached):
        document = json.loads(result.stdout)
        # Without the subtitle, the title would disagree (a metadata-mismatch).
        assert document["findings"] == []
        assert result.exit_code == 0
