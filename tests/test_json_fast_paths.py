"""Fast paths against the general paths they stand in for: each must give the very same text.

The sanitiser lets text through without its regex scans when `str.isprintable` vouches for it;
the JSON report writes references and findings straight to JSON text instead of building a dict
for the encoder. A difference here would change the bytes of a report, silently.
"""

from __future__ import annotations

import json

from hypothesis import example, given
from hypothesis import strategies as st

from claimcheck.model import sanitize
from claimcheck.model.sanitize import UNSAFE, json_escape, visible

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
