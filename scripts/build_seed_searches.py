"""Add reconstructed `query.bibliographic` answers to claims/stem-cell-safety.evidence/.

Run from the project root, after scripts/build_seed_evidence.py (which rewrites the index
with the `/works/{doi}` records only):

    python scripts/build_seed_searches.py          # write or refresh the entries
    python scripts/build_seed_searches.py --check  # exit 1 if anything would change

The seed article prints no DOI for refs 1-17, so claimcheck searches Crossref for them by
their metadata: `GET /works?query.bibliographic=<q>&rows=<n>`. No machine this project runs
on can reach Crossref, so for each reference whose DOI was confirmed from a public PubMed,
PMC or publisher record (CONFIRMED below), this script writes a RECONSTRUCTED answer to that
exact request: a Crossref `work-list` with one item, the snapshot's own record of the
confirmed DOI (the `message` of its `/works/{doi}` body, byte for byte) plus a `score`.

- The request string is computed, not typed: `search_path(bibliographic_query(ref),
  rows_for(ref))` for the reference as `load_claim_map` reads it from the claim map.
- The score is not Crossref's. Crossref's relevance scores are not documented facts, so
  claimcheck chooses score = round(len(query) * SCORE_PER_CHAR, 3), which passes claimcheck's
  own relevance floor (score / len(query) >= MIN_NORMALISED_SCORE = 0.4), not Crossref's.
- `total-results` is the number of items given (1), `items-per-page` the rows asked for, and
  `query` is `{"start-index": 0, "search-terms": null}` as in every recorded
  `query.bibliographic` answer under tests/data/crossref/recorded/.
- Every body gets a `.provenance.json` sidecar saying all of this, and naming the record the
  item copies and the public records that confirm the DOI.
- References with no confirmed DOI get no answer: replaying the snapshot, their search fails
  ("not in the evidence snapshot"): they are `doi-missing` and `unverified`.

Deterministic: the same map and snapshot give the same bytes, and a second run changes
nothing. Entries this script wrote before and no longer wants (a reference taken out of
CONFIRMED, or a query that changed) are removed with their files.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from claimcheck.checks.matching import (  # noqa: E402
    MIN_NORMALISED_SCORE,
    bibliographic_query,
    rows_for,
    validate,
)
from claimcheck.inputs.claimmap import load_claim_map  # noqa: E402
from claimcheck.model.claimmap import Reference  # noqa: E402
from claimcheck.sources.crossref.answers import singles_in_list, works_path  # noqa: E402
from claimcheck.sources.crossref.search import BibliographicSearch, search_path  # noqa: E402
from claimcheck.transport.evidence import (  # noqa: E402
    INDEX_NAME,
    ReplayFetcher,
    body_filename,
    load_index,
    render_index,
)
from claimcheck.transport.fetch import DEFAULT_BASE_URL  # noqa: E402
from claimcheck.transport.files import write_atomic  # noqa: E402

MAP = ROOT / "claims" / "stem-cell-safety.yaml"
SNAPSHOT = ROOT / "claims" / "stem-cell-safety.evidence"
GENERATOR = "scripts/build_seed_searches.py"
SEARCH_PREFIX = "/works?query.bibliographic="
CONTENT_TYPE = "application/json"

# Chosen by claimcheck, not Crossref's: 0.6 per query character, over the 0.4 floor.
SCORE_PER_CHAR = 0.6

# The references whose DOI a public PubMed, PMC or publisher record names together with the
# title, each confirmed again before use. (url, what the stored page shows.)
CONFIRMED: tuple[dict[str, Any], ...] = (
    {
        "ref": "R1",
        "doi": "10.1186/scrt90",
        "sources": [
            (
                "http://pubmed.gov/22169120/",
                'PubMed record, PMID 22169120: the title and "Stem Cell Res Ther. 2011 Nov 14;'
                '2(6):49. doi: 10.1186/scrt90."',
            ),
            (
                "http://stemcellres.biomedcentral.com/articles/10.1186/scrt90",
                "the publisher's article page (BioMed Central) at this DOI: the title",
            ),
        ],
    },
    {
        "ref": "R5",
        "doi": "10.1097/JCN.0b013e318197a6a5",
        "sources": [
            (
                "https://de.scribd.com/document/430206456/Introduction-to-Stem-Cell-Theraphy-Week-8",
                'a copy of the NIH Public Access author manuscript (the PMC deposit): "J '
                'Cardiovasc Nurs. 2009 ; 24(2): 98-105. doi:10.1097/JCN.0b013e318197a6a5.", '
                'title "Introduction to Stem Cell Therapy", Jesse K. Biehl and Brenda Russell. '
                "Caveat: a third-party copy of the NIH manuscript; no pubmed.gov, PMC or "
                "publisher page naming the DOI was found.",
            ),
        ],
    },
    {
        "ref": "R10",
        "doi": "10.1371/journal.pone.0033438",
        "sources": [
            (
                "http://pubmed.gov/22438931/",
                'PubMed record, PMID 22438931: the title and "PLoS One. 2012;7(3):e33438. '
                'doi: 10.1371/journal.pone.0033438. Epub 2012 Mar 16."',
            ),
            (
                "https://pmc.ncbi.nlm.nih.gov/articles/PMC3306393",
                'PMC article PMC3306393: "2012 Mar 16;7(3):e33438. doi: '
                '10.1371/journal.pone.0033438", the title, 11 authors',
            ),
            (
                "http://www.plosone.org/article/info%253Adoi%252F10.1371%252Fjournal.pone.0033438",
                "the publisher's article page (PLOS) at this DOI: the title and authors",
            ),
        ],
    },
    {
        "ref": "R13",
        "doi": "10.1046/j.1365-2141.2000.01986.x",
        "sources": [
            (
                "https://pubmed.ncbi.nlm.nih.gov/10848804/?dopt=Abstract",
                'PubMed record, PMID 10848804: the title and "Br J Haematol. 2000 Apr;'
                '109(1):235-42. doi: 10.1046/j.1365-2141.2000.01986.x."',
            ),
        ],
    },
    {
        "ref": "R17",
        "doi": "10.1091/mbc.e02-02-0105",
        "sources": [
            (
                "https://searchworks.staging.jioinstitute.edu.in/articles/cmedm__12475952",
                "the MEDLINE record, accession number (PMID) 12475952, as a library discovery "
                'service shows it: the title, 10 authors, "Molecular biology of the cell [Mol '
                'Biol Cell] 2002 Dec; Vol. 13 (12), pp. 4279-95", "Full Text: '
                'https://doi.org/10.1091/mbc.e02-02-0105". Caveat: a mirror of the MEDLINE '
                "record, not pubmed.gov itself.",
            ),
        ],
    },
)

# DOIs found earlier for refs 1-17 that no PubMed, PMC or publisher record was found to name
# when they were checked again. They get no answer (the reference stays `doi-missing`); move
# one to CONFIRMED, with its record, once such a record is found.
NOT_CONFIRMED: dict[str, dict[str, Any]] = {
    "R2": {
        "doi": "10.1038/mt.2009.62",
        "found": [
            "https://ouci.dntb.gov.ua/works/7XoDOLr9: reference 6 of Pandey et al. 2011 (seed "
            "ref 1) names the title and this DOI; a citation of the work, not a record of it",
            "https://pmc.ncbi.nlm.nih.gov/articles/PMC2835176: the abstract matches the "
            "article, but the stored page shows neither its DOI nor its citation",
        ],
    },
    "R3": {
        "doi": "10.1073/pnas.0704421104",
        "found": [
            "https://www.ncbi.nlm.nih.gov/pubmed/17569781: PubMed record with the title and "
            '"Proc Natl Acad Sci U S A. 2007 Jun 26;104(26):11002-7", but no DOI shown',
            "https://peeref.com/works/67277579 and https://staging.scite.ai/reports/"
            "interleukin-1-receptor-antagonist-mediates-9kWlrb: aggregator pages naming the "
            "title and this DOI; not PubMed or the publisher",
        ],
    },
    "R14": {
        "doi": "10.1089/scd.2006.0110",
        "found": [
            "http://repub.eur.nl/pub/36989/: the authors' university repository (Erasmus "
            'University) gives "Stem Cells and Development, 16(4), 597-604. '
            'doi:10.1089/scd.2006.0110"; not PubMed or the publisher',
        ],
    },
}


def wire(document: Any) -> bytes:
    """Crossref's wire format, as in the snapshot's bodies: compact JSON, ASCII with \\uXXXX
    escapes, "/" escaped as "\\/" (a "/" occurs only inside JSON strings)."""
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=True)
    return text.replace("/", "\\/").encode("ascii")


def pretty(document: Any) -> bytes:
    """The sidecars' format, as the snapshot's other provenance files."""
    return (json.dumps(document, indent=1, ensure_ascii=True) + "\n").encode("ascii")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def record_of(index: dict[str, dict[str, Any]], doi: str) -> tuple[dict[str, Any], bytes]:
    """The snapshot's `/works/{doi}` entry and body, checked against the entry's sha256."""
    entry = index.get(works_path(doi))
    if entry is None:
        raise SystemExit(f"the snapshot has no record of {doi} ({works_path(doi)})")
    body = (SNAPSHOT / entry["file"]).read_bytes()
    if sha256(body) != entry.get("sha256"):
        raise SystemExit(f"{entry['file']} does not match its sha256 in {INDEX_NAME}")
    if wire(json.loads(body)) != body:
        raise SystemExit(f"{entry['file']} is not in wire format; its item would not be verbatim")
    return entry, body


def build(
    reference: Reference, spec: dict[str, Any], index: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """The index entry, body and sidecar of one reconstructed search answer."""
    if reference.doi or reference.doi_input:
        raise SystemExit(f"{reference.id} prints a DOI in the map; it would not be searched")
    query = bibliographic_query(reference)
    if query is None:
        raise SystemExit(f"{reference.id} cites too little to be searched")
    rows = rows_for(reference)
    request = search_path(query, rows)
    doi = spec["doi"].lower()
    record_entry, record_body = record_of(index, doi)
    message = json.loads(record_body)["message"]
    if str(message.get("DOI", "")).lower() != doi:
        raise SystemExit(f"{record_entry['file']} is the record of {message.get('DOI')}, not {doi}")
    score = round(len(query) * SCORE_PER_CHAR, 3)
    item = {**message, "score": score}
    body = wire(
        {
            "status": "ok",
            "message-type": "work-list",
            "message-version": "1.0.0",
            "message": {
                "facets": {},
                "total-results": 1,
                "items": [item],
                "items-per-page": rows,
                "query": {"start-index": 0, "search-terms": None},
            },
        }
    )
    # The item is the record's `message` byte for byte, with `score` added at its end.
    verbatim = wire(message)[:-1] + b',"score":' + json.dumps(score).encode() + b"}"
    assert verbatim in body, f"{reference.id}: the item is not the record verbatim"
    name = body_filename(request, 200, CONTENT_TYPE)
    provenance_name = name.removesuffix(".json") + ".provenance.json"
    record_file = record_entry["file"]
    origin = record_entry.get("origin", "recorded")
    number = reference.id.removeprefix("R")
    sidecar = {
        "file": Path(name).name,
        "request": request,
        "seed_reference": number,
        "status": "reconstructed",
        "generated_by": GENERATOR,
        "represents": (
            f"Seed ref {number}: claimcheck's search by metadata for a reference that prints "
            f"no DOI, answered with the one work whose DOI was confirmed ({doi})"
        ),
        "reconstruction": (
            "RECONSTRUCTION, NOT A RECORDING. No Crossref server produced this body: "
            f"{GENERATOR} built it from the claim map and the snapshot's record of {doi}. A "
            f"real answer would list up to {rows} ranked candidates, usually other works besides, "
            "with Crossref's own scores; this one holds only the confirmed work, so it cannot "
            "show how Crossref ranks it or what else it returns."
        ),
        "format": (
            'Crossref wire format (compact, ASCII with \\uXXXX escapes, "/" escaped as '
            '"\\/"), as the snapshot\'s other bodies'
        ),
        "query": query,
        "rows": rows,
        "request_derivation": (
            "claimcheck.sources.crossref.search.search_path(q, n) with q = "
            "claimcheck.checks.matching.bibliographic_query(reference) and n = "
            f"claimcheck.checks.matching.rows_for(reference), for reference {reference.id} as "
            "claimcheck.inputs.claimmap.load_claim_map reads it from claims/stem-cell-safety.yaml"
        ),
        "fields": {
            "message.items[0]": {
                "basis": origin,
                "source": [
                    f"the snapshot's {origin} record of DOI {doi}: {record_file} (its "
                    f"`message`, byte for byte; sha256 of the whole body "
                    f"{record_entry['sha256']})",
                    f"that record's own sources: {record_entry.get('provenance', '(none)')}",
                ],
                "note": "`score` is added at the end of the record; nothing else is changed",
            },
            "message.items[0].score": {
                "basis": "chosen by claimcheck",
                "value": score,
                "note": (
                    "NOT Crossref's score. Crossref's relevance scores are not documented "
                    "facts, and no real score for this query is known. claimcheck chose "
                    f"score = round(len(query) * {SCORE_PER_CHAR}, 3) = {score} for a query of "
                    f"{len(query)} characters, so score / len(query) = {SCORE_PER_CHAR} passes "
                    "claimcheck's own relevance floor (claimcheck.checks.matching."
                    f"MIN_NORMALISED_SCORE = {MIN_NORMALISED_SCORE}), not any floor of Crossref's."
                ),
            },
            "message.total-results": {
                "basis": "chosen by claimcheck",
                "note": (
                    "the number of items given (1). A real answer counts every work that "
                    "loosely matches, typically millions (6337223 in tests/data/crossref/"
                    "recorded/works_query.bibliographic__structured_ref_Tkaczyk_IJDAR__"
                    "crossref-sbmv-tests_2018.json)"
                ),
            },
            "message.items-per-page": {
                "basis": "reconstructed",
                "note": (
                    "the rows asked for, as recorded answers echo `rows` (20 with rows=20 in "
                    "tests/data/crossref/recorded/works_query.bibliographic__van_Staal_ref_"
                    "with_unrelated_2C_answer_nomatch__crossref-sbmv-tests_2019.json)"
                ),
            },
            "message.query / message.facets": {
                "basis": "reconstructed",
                "note": (
                    '{"start-index": 0, "search-terms": null} and {} as in every recorded '
                    "query.bibliographic answer in tests/data/crossref/recorded/"
                ),
            },
            "status / message-type / message-version": {
                "basis": "reconstructed",
                "note": "envelope constants of a work-list answer: ok, work-list, 1.0.0",
            },
        },
        "doi_confirmed_by": [{"url": url, "shows": shows} for url, shows in spec["sources"]],
        "notes": [
            "The DOI is not in the claim map: the article prints none for this reference. It "
            "is the auditor's, confirmed from the public records above; the audit finds it "
            "only through this reconstructed answer.",
        ],
    }
    entry = {
        "request": request,
        "url": DEFAULT_BASE_URL + request,  # as the snapshot's other entries write it
        "status": 200,
        "content_type": CONTENT_TYPE,
        "file": name,
        "sha256": sha256(body),
        "fetched_at": None,
        "origin": "reconstructed",
        "provenance": provenance_name,
    }
    return {
        "entry": entry,
        "body": body,
        "sidecar": pretty(sidecar),
        "reference": reference,
        "query": query,
    }


def ours(entry: dict[str, Any]) -> bool:
    """An entry this script wrote: a reconstructed search whose sidecar names this script."""
    if not entry["request"].startswith(SEARCH_PREFIX) or entry.get("origin") != "reconstructed":
        return False
    try:
        sidecar = json.loads((SNAPSHOT / str(entry["provenance"])).read_bytes())
    except (KeyError, OSError, ValueError):
        return False
    return isinstance(sidecar, dict) and sidecar.get("generated_by") == GENERATOR


def plan() -> tuple[dict[Path, bytes], list[Path], list[dict[str, Any]]]:
    """(files to write, files to delete, the answers built)."""
    claim_map = load_claim_map(MAP)
    references = {r.id: r for r in claim_map.references}
    index = load_index(SNAPSHOT)
    built = [build(references[spec["ref"]], spec, index) for spec in CONFIRMED]
    wanted = {b["entry"]["request"]: b["entry"] for b in built}
    if len(wanted) != len(built):
        raise SystemExit("two references give the same request")
    stale = [e for r, e in index.items() if ours(e) and r not in wanted]
    kept = [e for r, e in index.items() if r not in wanted and e not in stale]
    clash = [r for r in wanted if r in index and not ours(index[r])]
    if clash:
        raise SystemExit(f"the snapshot already answers {clash[0]} with an entry not made here")
    writes: dict[Path, bytes] = {}
    for b in built:
        writes[SNAPSHOT / b["entry"]["file"]] = b["body"]
        writes[SNAPSHOT / b["entry"]["provenance"]] = b["sidecar"]
    writes[SNAPSHOT / INDEX_NAME] = render_index([*kept, *wanted.values()])
    keep = set(writes)
    deletes = [
        SNAPSHOT / str(e[key])
        for e in stale
        for key in ("file", "provenance")
        if e.get(key) and SNAPSHOT / str(e[key]) not in keep
    ]
    return writes, deletes, built


def replay(built: list[dict[str, Any]]) -> None:
    """Answer each search from the snapshot as `claimcheck audit --replay` does, and validate."""
    fetcher = ReplayFetcher(SNAPSHOT, derive=singles_in_list)
    search = BibliographicSearch(fetcher)
    for b in built:
        reference = b["reference"]
        answer = search.search(b["query"], rows_for(reference))
        if answer.error is not None:
            raise SystemExit(f"{reference.id}: the replayed search failed: {answer.error}")
        outcome = validate(reference, answer.candidates)
        print(f"  {reference.id}: {outcome.status.value}: {outcome.why}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    args = parser.parse_args()
    writes, deletes, built = plan()
    changed = [p for p, data in writes.items() if not p.is_file() or p.read_bytes() != data]
    gone = [p for p in deletes if p.exists()]
    shown = [str(p.relative_to(ROOT)) for p in [*changed, *gone]]
    if args.check:
        print("\n".join(f"stale: {s}" for s in shown) or "up to date")
        return 1 if shown else 0
    for path in changed:
        write_atomic(path, writes[path])
    for path in gone:
        path.unlink()
    print(
        f"{len(built)} reconstructed search answers in {SNAPSHOT.relative_to(ROOT)}; "
        f"{len(changed)} files written, {len(gone)} removed"
    )
    replay(built)
    skipped = ", ".join(f"{r} ({v['doi']})" for r, v in NOT_CONFIRMED.items())
    print(f"  no answer (DOI not confirmed from a PubMed, PMC or publisher record): {skipped}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
