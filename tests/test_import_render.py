"""`claimcheck import`'s claim-map skeleton, written from imported references: awkward text
quoted so it reads back exactly, the same bytes on every run, notes and match comments in
the header, and a caller's mistake refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from claimcheck.inputs.claimmap import parse_claim_map
from claimcheck.inputs.importers import (
    ImportedReference,
    ImportResult,
    import_references,
    render_claim_map,
)
from tests.test_importers import TEXT_LIST, _write


def _result(*references: ImportedReference, notes: tuple[str, ...] = ()) -> ImportResult:
    return ImportResult(Path("refs.txt"), "text", references, notes)


def _ref(ref_id: str, cited_as: str | None = "x", doi: str | None = None) -> ImportedReference:
    return ImportedReference(ref_id, cited_as, doi, None, (), None, None, None, None, None, 1)


AWKWARD = [
    '"Quoted" title: with a colon # and no comment',
    "- a leading dash, 'single' quotes and a back\\slash",
    "κB 干细胞\u00a0no-break\u3000ideographic, tab\tand emoji 🧬",
    "line\u2028separator, NEL\x85, bidi \u202e override, BOM \ufeff",
    "@, `, |, >, !, %, &, *: YAML indicators",
]


def test_awkward_text_is_quoted_and_reads_back_exactly() -> None:
    references = [
        _ref(ref_id, text)
        for ref_id, text in zip(("1", "yes", "R.3", "a-b", "_5"), AWKWARD, strict=True)
    ]
    text = render_claim_map(_result(*references), source_name="refs.txt")
    loaded = parse_claim_map(text, "map.yaml").references
    assert [(r.id, r.cited_as) for r in loaded] == [(r.id, r.cited_as) for r in references]
    # Nothing a reader cannot see is written raw; the no-break space as the example map does.
    assert "\\u00a0no-break" in text
    for char in "\u00a0\u3000\u2028\x85\u202e\ufeff\t":
        assert char not in text


def test_output_is_deterministic(tmp_path: Path) -> None:
    first = import_references(_write(tmp_path, "a.txt", TEXT_LIST))
    second = import_references(_write(tmp_path, "b.txt", TEXT_LIST))
    rendered = {render_claim_map(r, source_name="article.txt") for r in (first, second, first)}
    assert len(rendered) == 1


def test_header_names_the_source_and_the_notes() -> None:
    result = _result(_ref("R1"), notes=("a note\nclaims: [injected]",))
    text = render_claim_map(result, source_name="refs\n.txt")
    assert text.startswith("# Claim map started by `claimcheck import` from refs\\u000a.txt\n")
    assert "# - a note\\u000aclaims: [injected]\n" in text
    assert "claimcheck audit" in text
    assert parse_claim_map(text, "map.yaml").claims == ()


def test_match_comments_and_dois() -> None:
    result = _result(_ref("R1"), _ref("R2", doi="10.1000/printed"), _ref("R3"))
    text = render_claim_map(
        result,
        source_name="refs.txt",
        match_comments={"R1": "# matched by metadata: 10.1000/xyz (score 0.91)", "R3": "a\nb"},
        dois={"R1": "10.1000/XYZ", "R2": "10.1000/other"},
    )
    assert "  # matched by metadata: 10.1000/xyz (score 0.91)\n  R1:" in text
    assert '    doi: "10.1000/XYZ"  # filled in by --match' in text
    assert "    # --match found 10.1000/other, not the printed DOI: check both\n" in text
    assert "  # a\n  # b\n  R3:" in text
    r1, r2, r3 = parse_claim_map(text, "map.yaml").references
    assert (r1.doi, r2.doi, r3.doi) == ("10.1000/xyz", "10.1000/printed", None)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"dois": {"R9": "10.1000/x"}}, "no imported reference has the id 'R9'"),
        ({"match_comments": {"R9": "x"}}, "no imported reference has the id 'R9'"),
        ({"dois": {"R1": "not a doi"}}, "is not a DOI"),
    ],
)
def test_render_refuses_a_callers_mistake(
    options: dict[str, dict[str, str]], expected: str
) -> None:
    with pytest.raises(ValueError, match=expected):
        render_claim_map(_result(_ref("R1")), source_name="refs.txt", **options)


def test_every_character_reads_back_and_a_lone_surrogate_as_u_fffd() -> None:
    # The loader refuses a `\ud83d` escape: no text a caller passes may make it refuse the map.
    # Every BMP code point, and the first and last 256 of each astral plane.
    astral = [
        base + k
        for base in range(0x10000, 0x110000, 0x10000)
        for k in (*range(256), *range(0xFF00, 0x10000))
    ]
    points = [*range(0x10000), *astral]
    chunks = ["".join(map(chr, points[k : k + 4096])) for k in range(0, len(points), 4096)]
    references = [_ref(f"R{n}", chunk) for n, chunk in enumerate(chunks)]
    text = render_claim_map(_result(*references), source_name="refs.txt")
    loaded = parse_claim_map(text, "map.yaml").references
    mended = [re.sub("[\ud800-\udfff]", "\ufffd", chunk) for chunk in chunks]
    assert [r.cited_as for r in loaded] == mended
