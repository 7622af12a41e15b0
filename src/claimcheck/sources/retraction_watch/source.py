"""The Retraction Watch CSV answering an audit: each record becomes the update entries
Crossref would list, so its events join Crossref's in one editorial status.

A record names the paper (`OriginalPaperDOI`) and its notice (`RetractionDOI`). For a cited
paper it is an `updated-by` entry naming the notice; for a cited notice, an `update-to`
entry naming the paper: the sides Retraction Watch's own entries take inside Crossref's
records, so the role table reads both alike. A notice the CSV gives no DOI for
("unavailable") is an entry naming no record, still on the paper's side.
"""

from __future__ import annotations

from collections.abc import Collection

from claimcheck.model.audit_options import SourceUsed
from claimcheck.model.errors import UsageError
from claimcheck.model.events import SourceEntries, UpdateEntry
from claimcheck.sources.retraction_watch.index import RetractionWatchIndex
from claimcheck.sources.retraction_watch.rows import (
    SOURCE,
    RetractionWatchError,
    RetractionWatchRecord,
)


class RetractionWatchSource:
    """An EventSource (sources/interface.py) over an opened index."""

    def __init__(self, index: RetractionWatchIndex) -> None:
        self.index = index

    def used(self) -> SourceUsed:
        index = self.index
        return SourceUsed(
            SOURCE,
            file=str(index.csv_path),
            sha256=index.sha256,
            rows=index.rows,
            skipped_rows=index.skipped_rows,
            unread_doi_rows=index.lost_dois.count,
            unread_date_rows=index.lost_dates.count,
        )

    def entries(self, dois: Collection[str]) -> dict[str, SourceEntries]:
        try:
            as_paper = self.index.by_original(dois)
            as_notice = self.index.by_notice(dois)
        except RetractionWatchError as exc:
            # The index was damaged and could not be built again from the CSV: nothing this
            # run reports could be trusted to include the CSV's retractions, so it stops, as
            # when the CSV cannot be indexed at the start (exit 2, the file named).
            raise UsageError(f"--retraction-watch: {exc}") from None
        found = {}
        for doi in sorted(as_paper.keys() | as_notice.keys()):
            updated_by = tuple(
                _entry(notice, record)
                for record in as_paper.get(doi, ())
                for notice in record.notice_dois or ("",)
            )
            update_to = tuple(
                _entry(paper, record)
                for record in as_notice.get(doi, ())
                for paper in record.original_dois or ("",)
            )
            found[doi] = SourceEntries(updated_by, update_to)
        return found

    def close(self) -> None:
        self.index.close()


def _entry(doi: str, record: RetractionWatchRecord) -> UpdateEntry:
    return UpdateEntry(
        doi=doi,
        type=record.nature,
        label=record.nature.replace("_", " "),
        date=record.date,
        source=SOURCE,
        record_id=record.record_id,
    )
