"""Fast paths against the general paths they stand in for: each must give the very same text.

The sanitiser lets text through without its regex scans when `str.isprintable` vouches for it;
the JSON report writes references and findings straight to JSON text instead of building a dict
for the encoder. A difference here would change the bytes of a report, silently.
"""

from __future__ import annotations

import json
from dataclasses import replace
from types import MappingProxyType
from typing import Any
from unittest.mock import patch

from hypothesis import example, given
from hypothesis import strategies as st

from claimcheck.model import sanitize
from claimcheck.model.claimmap import Reference
from claimcheck.model.events import (
    Disagreement,
    EditorialStatus,
    EventKind,
    UpdateDirection,
    UpdateEvent,
    Verdict,
)
from claimcheck.model.findings import Finding, FindingCode, Severity
from claimcheck.model.location import Location
from claimcheck.model.record import Author, Lookup, LookupStatus, Work
from claimcheck.model.results import AuditResult, ReferenceResult, ReferenceStatus
from claimcheck.model.sanitize import UNSAFE, json_escape, visible
from claimcheck.reporters import json_entries, json_report, json_text
from tests.test_escaping import HOSTILE
from tests.test_reporters import result_with

# Printable text of every script, with now and then a character the sanitiser must escape,
# among them the Hangul fillers that `isprintable` alone lets through.
_UNSAFE_SAMPLES = ["\x1b", "\n", "\x7f", "\x9b", "\xad", "\u202e", "\ud800", "\ufffe", "\u115f"]
_UNSAFE_SAMPLES += ["\u1160", "\u3164", "\uffa0", "\u2028", "\U000e0041", "\U0010ffff"]
_MOSTLY_PRINTABLE = st.lists(
    st.one_of(
        st.characters(categories=["L", "M", "N", "P", "S"]),
        st.characters(),
        st.sampled_from(_UNSAFE_SAMPLES),
    ),
    max_size=30,
).map("".join)


def test_no_unsafe_code_point_passes_the_printable_check() -> None:
    # `_all_safe(text)` holds only if it holds for each of its characters, so checking every
    # code point once covers every text.
    unsafe = UNSAFE.findall("".join(map(chr, range(0x110000))))
    assert len(unsafe) > 2000
    assert [f"U+{ord(c):04X}" for c in unsafe if sanitize._all_safe(c)] == []


@example("Schrødder — “naïve” κ \u3164")
@example("plain ASCII, nothing to do")
@given(_MOSTLY_PRINTABLE)
def test_the_printable_check_changes_no_escape(text: str) -> None:
    json_text = json.dumps({"t": text}, ensure_ascii=False)
    general = sanitize._scan(sanitize._UNSAFE_IN_JSON_BMP, sanitize._json_escape, json_text)
    assert json_escape(json_text) == general
    for keep in ("", "\n"):
        assert visible(text, keep=keep) == sanitize._scan(
            sanitize._pattern(keep), sanitize._visible_escape, text
        )


# --- the JSON report's references and findings, written without a dict per entry ------------

# Text of every kind, the hostile characters among it; and values of types the fields do not
# declare, which must send the entry down the general path with the same result.
_TEXT = st.one_of(st.text(max_size=12), st.sampled_from(_UNSAFE_SAMPLES))
_ODD = st.one_of(st.integers(-3, 3), st.booleans(), st.floats(allow_nan=False), st.none())
_INT = st.one_of(st.integers(-(10**20), 10**20), st.none())
_ODD_INT = st.one_of(_INT, st.booleans(), st.floats(allow_nan=False))


def _optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


def _tuples(strategy: st.SearchStrategy[Any], size: int = 3) -> st.SearchStrategy[Any]:
    return st.lists(strategy, max_size=size).map(tuple)


def _event(text: st.SearchStrategy[Any]) -> st.SearchStrategy[UpdateEvent]:
    pairs = _tuples(st.tuples(text, text))
    return st.builds(
        UpdateEvent,
        type=text,
        direction=st.sampled_from(UpdateDirection),
        doi=text,
        date=_optional(text),
        sources=_tuples(text),
        source_types=pairs,
        title=text,
        kind=st.sampled_from(EventKind),
        source_dates=pairs,
        basis=text,
        unapplied_types=pairs,
    )


def _lookup(text: st.SearchStrategy[Any], number: st.SearchStrategy[Any]) -> Any:
    authors = _tuples(st.builds(Author, text, text, text), 4)
    work = st.builds(Work, doi=_TEXT, title=text, authors=authors, year=number, type=text)
    work = work.map(lambda w: replace(w, container_titles=(w.title,)))
    age = st.one_of(st.none(), st.floats(-1e6, 1e6), st.integers(0, 10**6))
    return st.builds(
        Lookup,
        doi=_TEXT,
        status=st.sampled_from(LookupStatus),
        work=_optional(work),
        cache_age=age,
        cache_source=_optional(text),
    )


def _results(text: st.SearchStrategy[Any], number: st.SearchStrategy[Any]) -> Any:
    reference = st.builds(
        Reference,
        id=text,
        location=_optional(st.builds(Location, number, number)),
        doi=_optional(text),
        doi_input=_optional(text),
        cited_as=_optional(text),
        title=_optional(text),
        authors=_tuples(text),
        authors_truncated=st.booleans(),
    )
    editorial = st.builds(
        EditorialStatus, verdict=st.sampled_from(Verdict), events=_tuples(_event(text))
    )
    disagreement = st.builds(
        Disagreement, st.sampled_from(EventKind), _TEXT, _tuples(_TEXT), _tuples(_TEXT)
    )
    return st.builds(
        ReferenceResult,
        reference=reference,
        status=st.sampled_from(ReferenceStatus),
        lookup=_optional(_lookup(text, number)),
        editorial=_optional(editorial),
        disagreements=_tuples(disagreement, 2),
    )


# Evidence as the checks make it: dicts keyed by text, lists, text and null.
_PLAIN_EVIDENCE = st.recursive(
    st.one_of(_TEXT, st.none()),
    lambda inner: st.one_of(st.dictionaries(_TEXT, inner, max_size=4), st.lists(inner, max_size=3)),
    max_leaves=12,
)


class _Shown(str):
    """Text whose str() is not itself, as with a member of a (str, Enum): plain_evidence
    writes a key by its str()."""

    def __str__(self) -> str:
        return f"shown as {super().__str__()}"


_SHOWN = st.builds(_Shown, _TEXT)


# And as they might make it: codes and severities, numbers of every kind, tuples, keys that
# are not text, mappings that are not dicts.
_EVIDENCE = st.recursive(
    st.one_of(
        _TEXT,
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.sampled_from([*FindingCode, *Severity]),
        _SHOWN,
    ),
    lambda inner: st.one_of(
        st.dictionaries(_TEXT, inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(FindingCode), _SHOWN), inner, max_size=2),
        st.dictionaries(st.integers(), inner, max_size=2),
        st.dictionaries(_TEXT, inner, max_size=2).map(MappingProxyType),
        st.lists(inner, max_size=3),
        _tuples(inner),
    ),
    max_leaves=12,
)


def _findings(text: st.SearchStrategy[Any], evidence: st.SearchStrategy[Any]) -> Any:
    return st.builds(
        Finding,
        code=st.sampled_from(FindingCode),
        severity=st.sampled_from(Severity),
        message=text,
        reference=_optional(text),
        claim=_optional(text),
        evidence=evidence,
        location=_optional(st.builds(Location, _INT, _INT)),
        file=text,
    )


def _general_reference(result: ReferenceResult, file: Any) -> str:
    return json_text.COMPACT.encode(json_entries.reference_entry(result, file))


def _general_finding(finding: Finding) -> str:
    return json_text.COMPACT.encode(json_entries.finding_entry(finding))


# Numbers of other types than int (a bool, a float) are written in place, as the encoder does.
@given(_results(_TEXT, _ODD_INT), _TEXT)
def test_a_reference_is_written_as_its_dict_is_encoded(result: ReferenceResult, file: str) -> None:
    general = _general_reference(result, file)
    # Fields of their declared types never fall back to the dict: the fast path is what runs.
    with patch.object(json_text, "reference_entry", side_effect=AssertionError("fell back")):
        assert json_text.reference_text(result, file) == general


@given(_results(st.one_of(_TEXT, _ODD), _ODD_INT), st.one_of(_TEXT, _ODD))
def test_a_reference_with_odd_values_is_written_as_its_dict_is_encoded(
    result: ReferenceResult, file: Any
) -> None:
    assert json_text.reference_text(result, file) == _general_reference(result, file)


@given(_findings(_TEXT, st.dictionaries(_TEXT, _PLAIN_EVIDENCE, max_size=5)))
def test_a_finding_is_written_as_its_dict_is_encoded(finding: Finding) -> None:
    general = _general_finding(finding)
    with (
        patch.object(json_text, "finding_entry", side_effect=AssertionError("fell back")),
        patch.object(json_text, "plain_evidence", side_effect=AssertionError("long way")),
    ):
        assert json_text.finding_text(finding) == general


@example(Finding(FindingCode.RETRACTED, Severity.ERROR, "m", evidence={"a": {_Shown("k"): 1}}))
@given(_findings(_TEXT, st.one_of(st.dictionaries(_TEXT, _EVIDENCE), _EVIDENCE)))
def test_odd_evidence_is_written_as_plain_evidence_is_encoded(finding: Finding) -> None:
    general = _general_finding(finding)
    with patch.object(json_text, "finding_entry", side_effect=AssertionError("fell back")):
        assert json_text.finding_text(finding) == general


@given(_findings(st.one_of(_TEXT, _ODD), _EVIDENCE))
def test_a_finding_with_odd_values_is_written_as_its_dict_is_encoded(finding: Finding) -> None:
    assert json_text.finding_text(finding) == _general_finding(finding)


def test_the_report_is_the_document_as_dicts_would_write_it(every_code_result: AuditResult) -> None:
    hostile = result_with(f"Schrødder {HOSTILE} \u3164 \U000e0041")
    for result in (every_code_result, hostile):
        general = json_report.dumps_document(json_report.document(result))
        assert json_report.render(result) == general
    assert "Schrødder \\u001b" in general  # escaped, and only the unsafe characters
