"""A claim map and replay server that together produce every finding code.

Shared by the audit tests and the reporter tests (SARIF, JUnit, Markdown, JSON Schema).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

from claimcheck.audit import AuditOptions, run_audit
from claimcheck.checks.matching import bibliographic_query
from claimcheck.inputs.claimmap import load_claim_map
from claimcheck.model.findings import Severity
from claimcheck.model.results import AuditResult, GatePolicy, Source
from claimcheck.sources.crossref.batching import envelope
from claimcheck.sources.crossref.client import CrossrefClient
from claimcheck.sources.crossref.search import BibliographicSearch
from claimcheck.testing import Fault, ReplayServer
from claimcheck.transport.fetch import HttpFetcher
from tests.conftest import RECONSTRUCTED, RECORDED
from tests.factories import SkippedWaits, search_item, update, work_envelope, work_list
from tests.sbmv import SBMV

MAP = """
claimcheck: 1
article:
  published: 2020-06-01
references:
  RET:
    doi: 10.5555/retracted
    title: A study of things
    authors: [Smith J]
  NOTICE:
    doi: 10.1158/0008-5472.CAN-10-2451
    authors: [De la Fuente, Bernad A]
    year: 2013
    journal: Cancer Res.
  EOC: {doi: 10.5555/concern, title: A study of things}
  CORR:
    doi: https://doi.org/10.1371/journal.pone.0033693
    title: Methylphenidate exposure induces dopamine neuron loss and activation of microglia
      in the basal ganglia of mice
    authors: [Sadasivan S, et al.]
    year: 2012
    journal: PLoS One
  REIN: {doi: 10.5555/reinstated}
  NF: {doi: 10.9999/missing}
  DC: {doi: doi:10.5061/dryad.example}
  MIS:
    doi: 10.1186/scrt90
    title: Human embryonic stem cells possess immune-privileged properties
    authors: [Li L, Baroja ML]
  META:
    doi: 10.1097/JCN.0b013e318197a6a5
    authors: [Biehl J.K., Russell B.]
    year: 2009
    pages: 98-103
  INV: {doi: 10.12/not a doi}
  NODOI: {cited_as: "Someone. A paper. 1999."}
  FAIL: {doi: 10.1038/nbt.2816}
  UNUSED: {doi: 10.1634/stemcells.22-4-448}
  WAKE: {doi: 10.1016/S0140-6736(97)11096-0}
  LANCET: {doi: 10.1016/s0140-6736(20)31180-6}
  ERRATUM: {doi: 10.1002/job.1858}
  EOCN: {doi: 10.5555/eoc-notice}
  # No DOI printed: matched by metadata (see SEARCHES below).
  SUGG: {authors: [Tkaczyk D], journal: IJDAR, volume: '18', pages: '317', year: 2015}
  WEAKRET:
    title: Ileal-lymphoid-nodular hyperplasia, non-specific colitis, and pervasive developmental
      disorder in children
    authors: [Wakefield AJ, Murch SH]
    journal: Lancet
    volume: '351'
    pages: 637-41
    year: 2001
  TWIN:
    title: A study of twins and their things
    authors: [Smith J]
    journal: Journal of Things
    volume: '3'
    pages: 10-20
    year: 2015
claims:
  - {id: C1, text: relies on a retracted paper, cites: [RET]}
  - id: C2
    text: says the paper was retracted
    cites: [{ref: RET, role: discusses}]
  - {id: C3, text: cites a notice as support, cites: [NOTICE]}
  - {id: C4, text: cites nothing, cites: []}
  - {id: C5, text: its only source could not be checked, cites: [FAIL]}
  - {id: C6, text: a concern and a correction, cites: [EOC, CORR]}
  - id: C7
    text: pages acknowledged
    cites: [META]
    acknowledge:
      - {finding: metadata-mismatch, ref: META, reason: the registry is wrong}
  - id: C8
    text: an old acknowledgement
    cites: [NODOI]
    acknowledge:
      - {finding: doi-missing, ref: NODOI, reason: checked by hand, until: 2020-01-01}
  - {id: C9, text: every evidence fails, cites: [NF, MIS, INV]}
  - {id: C10, text: other agency and reinstated, cites: [DC, REIN]}
  - id: C11
    text: background only
    cites: [{ref: RET, role: background}]
  - {id: C12, text: relies on a paper retracted long before the article, cites: [WAKE]}
  - {id: C13, text: relies on the registry study retracted after the article, cites: [LANCET]}
  - {id: C14, text: cites an erratum and a concern notice, cites: [ERRATUM, EOCN]}
  - {id: C15, text: matched by metadata, cites: [SUGG, WEAKRET, TWIN]}
"""

# A real erratum notice, stored as a bare list item: served as its own /works answer.
ERRATUM_ITEM = (
    "work-item_10.1002_job.1858__erratum_notice_update-to_correction__fathomlabs_2017.json"
)


SBMV_STRUCTURED = SBMV.format("structured_ref_Tkaczyk_IJDAR")


def searches() -> dict[str, bytes]:
    """What Crossref's search answers for each reference that prints no DOI: the recorded
    answer of Crossref's own matcher test for SUGG; for WEAKRET a list built here from the
    recorded Wakefield record (score chosen); for TWIN two made-up works equally alike."""
    wakefield = next(RECORDED.glob("works_10.1016_s0140-6736(97)11096-0__*[!a].json"))
    twins = [
        search_item(
            work_envelope(
                f"10.5555/twin-{n}",
                title="A study of twins and their things",
                year=2015,
                volume="3",
                page="10-20",
            ),
            70.0,
        )
        for n in ("a", "b")
    ]
    return {
        "SUGG": (RECORDED / SBMV_STRUCTURED).read_bytes(),
        "WEAKRET": work_list(search_item(wakefield.read_bytes(), 90.0)),
        "TWIN": work_list(*twins),
    }


def every_code_server() -> ReplayServer:
    """Not started: use it as a context manager."""
    # mEDRA, not DataCite: the audit here asks no DataCite, and a DataCite DOI whose record
    # was not read is `unverified`; another agency's DOI is never read, so it stays the
    # info `non-crossref-doi` this map needs.
    replay = ReplayServer(RECONSTRUCTED, RECORDED, agencies={"10.5061/dryad.example": "medra"})
    replay.add_work(
        work_envelope(
            "10.5555/retracted",
            updated_by=[
                update("10.5555/notice", "retraction", "2021-03-01", "publisher"),
                update("10.5555/notice", "retraction", "2021-02-27", "retraction-watch"),
            ],
        )
    )
    replay.add_work(
        work_envelope(
            "10.5555/concern", updated_by=[update("10.5555/eoc", "expression_of_concern")]
        )
    )
    replay.add_work(
        work_envelope(
            "10.5555/reinstated",
            updated_by=[
                update("10.5555/r", "retraction", "2019-01-01"),
                update("10.5555/back", "reinstatement", "2020-06-01"),
            ],
        )
    )
    replay.add_work(envelope(json.loads((RECORDED / ERRATUM_ITEM).read_bytes())))
    replay.add_work(
        work_envelope(
            "10.5555/eoc-notice",
            title="Expression of concern: A study of things",
            update_to=[update("10.5555/concern", "expression_of_concern", "2022-05-01")],
        )
    )
    replay.add_fault(Fault.http(500, match="10.1038/nbt.2816"))
    # SUGG's match, as its own /works answer: the item of the recorded list.
    items = json.loads((RECORDED / SBMV_STRUCTURED).read_bytes())["message"]["items"]
    replay.add_work(envelope(next(i for i in items if i["DOI"] == "10.1007/s10032-015-0249-8")))
    return replay


def audit(server: ReplayServer, path: Path, fail_on: Severity = Severity.ERROR) -> AuditResult:
    # FAIL's 500s fail its list request and then its own: two failures in about 30 requests,
    # which Crossref's 10% etiquette would answer by stopping the run. Here one reference
    # must end unverified, not every later lookup.
    # The pace is not the subject: about 50 requests at the single-lookup pace took 5 s of
    # waiting (spinning, with a sleep that returned at once on the real clock).
    waits = SkippedWaits()
    fetcher = HttpFetcher(
        server.url,
        mailto="t@example.org",
        retries=1,
        sleep=waits.sleep,
        clock=waits.clock,
        stop_min_requests=1000,
    )
    options = AuditOptions(
        policy=GatePolicy(fail_on),
        today=date(2026, 1, 1),
        checked_at=datetime(2026, 1, 1, tzinfo=UTC),
        source=Source(server.url, "online"),
    )
    claim_map = load_claim_map(path)
    answers = searches()
    for reference in claim_map.references:
        if reference.id in answers:
            query = bibliographic_query(reference)
            assert query is not None
            server.add_search(answers[reference.id], query)
    with CrossrefClient(fetcher) as client:
        search = BibliographicSearch(fetcher)
        return run_audit(claim_map, client, options, search=search)
