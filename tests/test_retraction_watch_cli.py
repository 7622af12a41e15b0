"""The Retraction Watch CSV through the command line when the copy is damaged or written
otherwise than Crossref's, when its index is damaged, and when one notice retracts many
papers: never a false clean, never an internal error."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from claimcheck.sources.retraction_watch.rows import HEADER
from claimcheck.testing import ReplayServer
from tests.factories import work_envelope, write_map
from tests.test_cli import run
from tests.test_retraction_watch_damage import damage_doi_index
from tests.test_sources_cli import audit, findings, one_reference

PAPER = "10.5555/claimcheck.rw.paper"
NOTICE = "10.5555/claimcheck.rw.notice"
COLUMNS = HEADER.split(",")


def rw_row(record_id: str, paper: str, notice: str, **fields: str) -> dict[str, str]:
    return {
        "Record ID": record_id,
        "Title": "A paper",
        "OriginalPaperDOI": paper,
        "RetractionDOI": notice,
        "RetractionNature": "Retraction",
        "RetractionDate": "2/6/2010 0:00",
        **fields,
    }


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    """A CSV in the layout of Crossref's copy (its header, CRLF line ends)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, restval="", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def filler(count: int) -> list[dict[str, str]]:
    return [rw_row(str(i), f"10.5555/x.{i}", f"10.5555/n.{i}") for i in range(count)]


@pytest.fixture
def crossref() -> ReplayServer:
    with ReplayServer() as server:
        server.add_work(work_envelope(PAPER, title="A paper"))
        yield server


@pytest.mark.parametrize("quiet", [(), ("-q",)])
def test_a_copy_a_stray_quote_damaged_is_refused_naming_its_line(
    crossref: ReplayServer, tmp_path: Path, quiet: tuple[str, ...]
) -> None:
    # The cited paper's retraction is on line 7; line 4 opens a quote nothing closes. The
    # csv module read lines 4 to the end as one row: the gate passed, warning of "1 row".
    rows = [*filler(5), rw_row("p", PAPER, NOTICE), *filler(3)]
    path = write_csv(tmp_path / "rw.csv", rows)
    lines = path.read_bytes().decode().split("\r\n")
    lines[3] = lines[3].replace(",A paper,", ',"A paper,', 1)
    path.write_bytes("\r\n".join(lines).encode())
    body = write_map(tmp_path, one_reference(PAPER))
    result = run("audit", body, "--crossref-url", crossref.url, "--retraction-watch", path, *quiet)
    assert result.exit_code == 2
    assert f"--retraction-watch: {path}:4: a row running over lines 4-10" in result.stderr
    assert "Traceback" not in result.stderr


def test_rows_and_cells_not_read_are_warned_of_with_quiet_and_counted_in_the_report(
    crossref: ReplayServer, tmp_path: Path
) -> None:
    rows = [
        rw_row("1", "10.5555/x.1", "10.5555/n.1"),
        rw_row("2", "10.5555/x.2", "10.5555/n.2", RetractionNature="Withdrawn?"),  # line 3
        rw_row("3", "10.5555/x 3", "10.5555/n.3"),  # line 4: a DOI with a space
        rw_row("4", "10.5555/x.4", "10.5555/n.4", RetractionDate="6 Feb 2010"),  # line 5
    ]
    path = write_csv(tmp_path / "rw.csv", rows)
    args = ("--crossref-url", crossref.url, "--retraction-watch", path, "-q")
    _code, doc, stderr = audit(tmp_path, one_reference(PAPER), *args)
    assert f"--retraction-watch {path}: 1 row(s) could not be read, one line each" in stderr
    assert "line 3): a retraction they record is not seen" in stderr
    assert "1 row(s) hold a DOI cell with a piece that is not a DOI (line 4)" in stderr
    assert "1 row(s) hold a RetractionDate or OriginalPaperDate that cannot be read (line 5)" in (
        stderr
    )
    (used,) = [s for s in doc["source"]["sources"] if s["name"] == "retraction-watch-csv"]
    assert (used["rows"], used["skipped_rows"]) == (3, 1)
    assert (used["unread_doi_rows"], used["unread_date_rows"]) == (1, 1)


@pytest.mark.parametrize(
    "written", ["2010-02-06 00:00:00", "2010-02-06T00:00:00", "2/6/2010 12:00:00 AM"]
)
def test_dates_as_an_export_writes_them_still_date_the_retraction(
    crossref: ReplayServer, tmp_path: Path, written: str
) -> None:
    # Undated, the retraction could be neither before the map's publication nor before the
    # reinstatement: cited-after-retraction was lost, and the paper stayed retracted.
    path = write_csv(tmp_path / "rw.csv", [rw_row("1", PAPER, NOTICE, RetractionDate=written)])
    body = one_reference(PAPER).replace(
        "references:", "article: {published: 2015-01-01}\nreferences:"
    )
    args = ("--crossref-url", crossref.url, "--retraction-watch", path)
    _code, doc, _ = audit(tmp_path, body, *args, "--fail-on", "cited-after-retraction")
    assert findings(doc, "cited-after-retraction")
    reinstated = rw_row(
        "2",
        PAPER,
        "10.5555/claimcheck.rw.reinstated",
        RetractionNature="Reinstatement",
        RetractionDate=written.replace("2010", "2012"),
    )
    path = write_csv(
        tmp_path / "rw.csv", [rw_row("1", PAPER, NOTICE, RetractionDate=written), reinstated]
    )
    code, doc, _ = audit(tmp_path, one_reference(PAPER), *args)
    assert doc["references"][0]["verdict"] == "reinstated"
    assert code == 0


def test_a_notice_retracting_more_than_50_papers_is_a_notice_not_unverified(
    tmp_path: Path,
) -> None:
    # One RetractionDOI on 60 rows, as a publisher's mass retraction is listed: Retraction
    # Watch settles each link's direction, so no paper needs reading and the cap on linked
    # records read made the cited notice `unverified` (exit 3) for nothing. The papers are
    # registered, as a real mass retraction's are: `resolve` reads the first 50 of them in one
    # list, where 50 unknown DOIs would each cost a lookup and an agency request (20 s).
    papers = [f"10.5555/mass.{i}" for i in range(60)]
    rows = [rw_row(str(i), paper, NOTICE) for i, paper in enumerate(papers)]
    path = write_csv(tmp_path / "rw.csv", rows)
    with ReplayServer() as server:
        server.add_work(work_envelope(NOTICE, title="Retraction notice"))
        for paper in papers:
            server.add_work(work_envelope(paper, title=f"Paper {paper}"))
        args = ("--crossref-url", server.url, "--retraction-watch", path)
        code, doc, _ = audit(tmp_path, one_reference(NOTICE), *args)
        assert findings(doc, "unverified") == []
        assert findings(doc, "cites-retraction-notice")
        assert doc["references"][0]["verdict"] == "retraction-notice"
        assert code != 3
        resolved = run("resolve", NOTICE, "-f", "json", *args)
    assert resolved.exit_code == 0
    assert '"verdict": "retraction-notice"' in resolved.stdout


def test_an_index_damaged_where_opening_does_not_look_is_built_again(
    crossref: ReplayServer, tmp_path: Path
) -> None:
    # The damage showed only at the first lookup, as an internal error (exit 70) on every run.
    path = write_csv(tmp_path / "rw.csv", [*filler(3000), rw_row("p", PAPER, NOTICE)])
    args = ("--crossref-url", crossref.url, "--retraction-watch", path, "--cache-dir", tmp_path)
    code, doc, _ = audit(tmp_path, one_reference(PAPER), *args)
    assert code == 1
    (index_path,) = tmp_path.glob("retraction-watch-*.sqlite")
    damage_doi_index(index_path)
    code, doc, stderr = audit(tmp_path, one_reference(PAPER), *args)
    assert "internal error" not in stderr
    assert findings(doc, "retracted")
    assert code == 1
