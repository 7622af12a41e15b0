"""The plain reader of the claim map's shape (inputs/plainshape.py) against the schema's
pydantic models it stands in for: it may decline anything, but what it accepts it must read
exactly as the models do, and it must accept nothing they refuse."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from claimcheck.inputs import plainshape, schema
from claimcheck.inputs.claimmap import _build
from claimcheck.inputs.plainshape import (
    PlainAcknowledgement,
    PlainArticle,
    PlainCite,
    PlainClaim,
    PlainClaimMap,
    PlainReference,
    read_plain_shape,
)
from claimcheck.inputs.shape_errors import validate_shape
from claimcheck.inputs.yamlnodes import read_yaml
from tests.conftest import DATA
from tests.test_cli import SEED_MAP

CLAIM_MAPS = [*sorted((DATA / "claimmaps").rglob("*.yaml")), SEED_MAP]


@pytest.mark.parametrize(
    ("plain", "model"),
    [
        (PlainClaimMap, schema.ClaimMapIn),
        (PlainArticle, schema.ArticleIn),
        (PlainReference, schema.ReferenceIn),
        (PlainCite, schema.CiteIn),
        (PlainAcknowledgement, schema.AcknowledgeIn),
        (PlainClaim, schema.ClaimIn),
    ],
)
def test_each_plain_form_has_its_models_fields_in_order(plain: Any, model: Any) -> None:
    assert plain._fields == tuple(model.model_fields)


def test_both_read_the_same_claim_map_version() -> None:
    assert plainshape.SUPPORTED_VERSION == schema.SUPPORTED_VERSION


def as_plain(model: schema.ClaimMapIn) -> PlainClaimMap:
    """What the models read, in the plain reader's form."""
    article = model.article
    return PlainClaimMap(
        model.claimcheck,
        None if article is None else PlainArticle(**article.model_dump()),
        {ref_id: PlainReference(**ref.model_dump()) for ref_id, ref in model.references.items()},
        [
            PlainClaim(
                c.id,
                c.text,
                c.translation,
                [PlainCite(cite.ref, cite.role) for cite in c.cites],
                [PlainAcknowledgement(a.finding, a.ref, a.reason, a.until) for a in c.acknowledge],
            )
            for c in model.claims
        ],
    )


def models_read(value: Any) -> PlainClaimMap | None:
    try:
        return as_plain(schema.ClaimMapIn.model_validate(value))
    except ValidationError:
        return None


# Values as the YAML reader gives them (text, null, lists, mappings), mostly right and often
# wrong in one of the ways the models refuse or the plain reader declines.
_INTEGERS = st.sampled_from(["1", "2010", "+5", "-0", "007", " 12", "12 ", "1_0", "12.0", "x"])
_DATES = st.sampled_from(
    # ISO 8601 in other forms too, which `date.fromisoformat` takes and the models refuse.
    [
        "2020-01-02",
        "2020-02-30",
        " 2020-01-02",
        "2020-1-02",
        "0000-01-01",
        "2024-02-29",
        "",
        "20200102",
        "2020-W01-1",
        "2020-01-02T00:00",
    ]
)
_TEXT = st.sampled_from(["", "x", "Smith J.", "et al.", "10.1234/a", "٣", "supports"])
_ODD = st.sampled_from([None, [], {}, ["x"], {"x": "y"}])
_ROLE = st.sampled_from(["supports", "contrasts", "background", "discusses", "Supports", ""])
_CODE = st.sampled_from(["retracted", "unverified", "doi-not-found", "nope", "RETRACTED"])


def _maybe(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(values, values, values, _ODD, _TEXT)


def _record(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Mappings of some of `fields`, sometimes with an unknown key."""
    keys = st.lists(st.sampled_from([*fields, "unknown"]), unique=True)
    return keys.flatmap(
        lambda chosen: st.fixed_dictionaries({key: fields.get(key, _TEXT) for key in chosen})
    )


_REFERENCE = _record(
    {
        "doi": _maybe(_TEXT),
        "cited_as": _maybe(_TEXT),
        "title": _maybe(_TEXT),
        "authors": st.one_of(st.lists(_TEXT, max_size=3), _ODD),
        "year": _maybe(_INTEGERS),
        "journal": _maybe(_TEXT),
        "volume": _maybe(_TEXT),
        "issue": _maybe(_TEXT),
        "pages": _maybe(_TEXT),
    }
)
_CITE = st.one_of(_TEXT, _record({"ref": _maybe(_TEXT), "role": _maybe(_ROLE)}), _ODD)
_ACK = _record(
    {
        "finding": _maybe(_CODE),
        "ref": _maybe(_TEXT),
        "reason": _maybe(_TEXT),
        "until": _maybe(_DATES),
    }
)
_CLAIM = _record(
    {
        "id": _maybe(_TEXT),
        "text": _maybe(_TEXT),
        "translation": _maybe(_TEXT),
        "cites": st.one_of(st.lists(_CITE, max_size=3), _ODD),
        "acknowledge": st.one_of(st.lists(_ACK, max_size=2), _ODD),
    }
)
_ARTICLE = _record(
    {
        "title": _maybe(_TEXT),
        "url": _maybe(_TEXT),
        "language": _maybe(_TEXT),
        "published": _maybe(_DATES),
    }
)
_MAP = _record(
    {
        "claimcheck": _maybe(st.sampled_from(["1", "01", "+1", "2", " 1"])),
        "article": st.one_of(_ARTICLE, _ODD),
        "references": st.one_of(st.dictionaries(_TEXT, _REFERENCE, max_size=3), _ODD),
        "claims": st.one_of(st.lists(_CLAIM, max_size=3), _ODD),
    }
)


def _optional(fields: dict[str, st.SearchStrategy[Any]], *required: str) -> Any:
    """Mappings with every required field and some of the others, all of the right type."""
    optional = [key for key in fields if key not in required]
    return st.lists(st.sampled_from(optional), unique=True).flatmap(
        lambda chosen: st.fixed_dictionaries({k: fields[k] for k in (*required, *chosen)})
    )


_RIGHT_TEXT = st.one_of(_TEXT, st.none())
_RIGHT_ROLE = st.sampled_from(["supports", "contrasts", "background", "discusses"])
_RIGHT_MAP = st.fixed_dictionaries(
    {
        "claimcheck": st.sampled_from(["1", "01", "+1"]),
        "references": st.dictionaries(
            _TEXT,
            _optional(
                {
                    "doi": _RIGHT_TEXT,
                    "title": _RIGHT_TEXT,
                    "authors": st.one_of(st.lists(_TEXT, max_size=3), st.none()),
                    "year": st.one_of(st.sampled_from(["2010", "+5", "-0", "007"]), st.none()),
                    "pages": _RIGHT_TEXT,
                }
            ),
            max_size=3,
        ),
        "claims": st.lists(
            _optional(
                {
                    "id": _TEXT,
                    "text": _TEXT,
                    "translation": _RIGHT_TEXT,
                    "cites": st.lists(
                        st.one_of(
                            _TEXT,
                            _optional({"ref": _TEXT, "role": _RIGHT_ROLE}, "ref"),
                        ),
                        max_size=3,
                    ),
                    "acknowledge": st.lists(
                        _optional(
                            {
                                "finding": st.sampled_from(["retracted", "doi-not-found"]),
                                "reason": _TEXT,
                                "ref": _RIGHT_TEXT,
                                "until": st.sampled_from(["2020-01-02", "2024-02-29"]),
                            },
                            "finding",
                            "reason",
                        ),
                        max_size=2,
                    ),
                },
                "id",
                "text",
            ),
            max_size=3,
        ),
    }
)


@pytest.mark.fuzz
@given(value=_RIGHT_MAP)
def test_a_map_of_the_right_shape_is_read_plainly_as_the_models_read_it(value: Any) -> None:
    # Every value here is one the plain reader takes (no role is "Supports", no date has a
    # space): it must accept the map, and read it as the models do.
    plain = read_plain_shape(value)
    assert plain is not None
    assert plain == models_read(value)


@pytest.mark.fuzz
@given(value=st.one_of(_MAP, _ODD, _TEXT))
def test_the_plain_reader_reads_what_it_accepts_as_the_models_do(value: Any) -> None:
    plain = read_plain_shape(value)
    if plain is not None:
        assert plain == models_read(value)


@pytest.mark.fuzz
@given(value=st.one_of(_MAP, _ODD, _TEXT))
def test_the_plain_reader_accepts_nothing_the_models_refuse(value: Any) -> None:
    if models_read(value) is None:
        assert read_plain_shape(value) is None


def test_a_plain_map_is_read_plainly_and_odd_values_are_declined() -> None:
    # The generated maps above might all be declined; these must not be, and these must.
    value = {
        "claimcheck": "1",
        "article": {"title": "A", "published": "2020-01-02"},
        "references": {"R1": {"doi": "10.1/x", "authors": ["Smith J.", "et al."], "year": "+5"}},
        "claims": [
            {"id": "C1", "text": "t", "cites": ["R1", {"ref": "R1", "role": "contrasts"}]},
            {"id": "C2", "text": "t", "cites": None, "acknowledge": [{"finding": "retracted",
             "ref": "R1", "reason": "r", "until": "2024-02-29"}]},
        ],
    }  # fmt: skip
    assert read_plain_shape(value) == models_read(value) is not None
    for odd in (
        {**value, "claimcheck": " 1"},  # the models take it; the plain reader declines
        {**value, "article": {"published": "2020-02-30"}},
        {**value, "references": {"R1": {"year": "1_0"}}},
        {**value, "extra": "x"},
    ):
        assert read_plain_shape(odd) is None


@pytest.mark.parametrize("path", CLAIM_MAPS, ids=lambda p: p.name)
def test_every_claim_map_in_the_test_data_builds_the_same_either_way(path: Path) -> None:
    tree = read_yaml(path.read_text(encoding="utf-8"))
    if tree is None or tree.problems:
        return  # a map the tests keep for its YAML problems: no shape to compare
    plain = read_plain_shape(tree.value)
    model, problems = validate_shape(tree)
    if model is None:
        assert plain is None
        assert problems
        return
    if plain is not None:
        assert _build(plain, tree, str(path)) == _build(model, tree, str(path))


def test_reading_a_plain_claim_map_never_imports_pydantic() -> None:
    # A fresh interpreter, as a user runs the command: the seed map is read whole, and
    # pydantic (with the schema's validators) is never imported for it.
    probe = (
        "import json, sys\n"
        "from claimcheck.inputs.claimmap import load_claim_map\n"
        "claim_map = load_claim_map(sys.argv[1])\n"
        "print(json.dumps([len(claim_map.references), 'pydantic' in sys.modules]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(SEED_MAP)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(done.stdout) == [25, False]


def _places(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a map: each value of each mapping and list, by its path."""
    found = [path]
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else []
    )
    for key, inner in items:
        found += _places(inner, (*path, key))
    return found


def _replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = new if len(path) == 1 else _replaced(value[path[0]], path[1:], new)
    return copy


_WRONG = st.one_of(_ODD, _INTEGERS, _DATES, _ROLE, _CODE, st.integers(), st.booleans())


@settings(max_examples=500)
@given(value=_RIGHT_MAP, data=st.data())
def test_one_wrong_value_anywhere_is_declined_or_read_as_the_models_read_it(
    value: Any, data: st.DataObject
) -> None:
    # One value of a right map replaced, or one unknown key added: the plain reader must
    # decline it unless the models read it, and then read it the same.
    path = data.draw(st.sampled_from(_places(value)))
    if data.draw(st.booleans()):
        wrong = _replaced(value, path, data.draw(_WRONG))
    else:
        target = value
        for key in path:
            target = target[key]
        if not isinstance(target, dict):
            return
        wrong = _replaced(value, path, {**target, "unknown": "x"})
    expected = models_read(wrong)
    plain = read_plain_shape(wrong)
    if expected is None:
        assert plain is None
    elif plain is not None:
        assert plain == expected


_BASE = {
    "claimcheck": "1",
    "article": {"title": "A", "published": "2020-01-02"},
    "references": {"R1": {"title": "T", "year": "2010"}},
    "claims": [
        {
            "id": "C1",
            "text": "t",
            "translation": "u",
            "cites": [{"ref": "R1", "role": "supports"}],
            "acknowledge": [
                {"finding": "retracted", "ref": "R1", "reason": "r", "until": "2021-01-01"}
            ],
        }
    ],
}  # fmt: skip
_TYPED_PLACES = [
    ("claimcheck",),
    ("article", "published"),
    ("article", "url"),
    ("references", "R1", "year"),
    ("references", "R1", "title"),
    ("references", "R1", "authors"),
    ("claims", 0, "id"),
    ("claims", 0, "translation"),
    ("claims", 0, "cites", 0),
    ("claims", 0, "cites", 0, "role"),
    ("claims", 0, "acknowledge", 0, "finding"),
    ("claims", 0, "acknowledge", 0, "until"),
    ("claims", 0, "acknowledge", 0, "ref"),
]
_EVERY_VALUE = [
    None, [], {}, ["x"], {"x": "y"}, 5, True, "", "x", "1", "01", " 1", "+5", "-0", "1_0", "12.0",
    "٣", "2020-01-02", "2020-02-30", " 2020-01-02", "20200102", "2020-W01-1", "2020-01-02T00:00",
    "0000-01-01", "supports", "Supports", "contrasts", "retracted", "RETRACTED", "nope",
]  # fmt: skip


@pytest.mark.parametrize("place", _TYPED_PLACES, ids=lambda p: ".".join(map(str, p)))
def test_every_kind_of_value_at_each_typed_place_is_declined_or_read_as_the_models_read_it(
    place: tuple[Any, ...],
) -> None:
    assert read_plain_shape(_BASE) == models_read(_BASE) is not None
    for value in _EVERY_VALUE:
        given_map = _replaced(_BASE, place, value)
        expected, plain = models_read(given_map), read_plain_shape(given_map)
        assert plain is None or plain == expected, value
        if expected is None:
            assert plain is None, value
