"""The one place that decides which characters claimcheck never writes raw, and how it shows
them instead. Every reporter, and the stderr notice helper, goes through it.

Registry data (titles, authors, a server's Content-Type) is untrusted. Some characters in it
act on whoever reads the output rather than being read: C0 and C1 controls drive a terminal
(ESC and U+009B both start a control sequence), DEL and lone surrogates break tools, and
format characters (bidi embeddings, overrides and isolates, U+061C, zero-width spaces and
joiners, the soft hyphen, tag characters) reorder or hide text without being seen, as in
"Trojan Source" (CVE-2021-42574). Line and paragraph separators (U+2028/9) break lines where a
reader does not expect it.

For people (table, Markdown, JUnit, stderr) each such character becomes a visible escape:
`\\u202e`, or `\\U000e0041` beyond the BMP. For JSON (the JSON report, SARIF) it becomes a JSON
`\\uXXXX` escape (a surrogate pair beyond the BMP), so `json.loads` gives back the exact text
while a person reading the file still sees the escape.

Private-use (Co) and unassigned (Cn) code points stay raw: they neither move nor hide text,
and which code points are unassigned depends on the Unicode version of the running Python, so
escaping them would make the same result render differently on another interpreter. The set
is therefore written out, not looked up in `unicodedata`. Two kinds of Cn are in it all the
same: the reserved code points inside the format blocks (U+2065, U+E0000, …), invisible
whenever they get assigned, and the noncharacters, never text (XML 1.0 forbids U+FFFE/F).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

# C0 controls, kept apart because JSON text already escapes them inside strings, and because
# a format may keep `\n` (and only that) as a real line break.
_C0 = r"\x00-\x1f"
# DEL and C1 controls (Cc); lone surrogates (Cs); line and paragraph separators (Zl, Zp);
# every format character (Cf) as of Unicode 15.1, with the reserved, default-ignorable code
# points in the same blocks (U+2065, U+E0000, U+E0002-U+E001F); the Hangul fillers, letters
# that render as nothing and so hide text like a zero-width space does. In the BMP, and
# beyond it (kept apart: see _sub).
_BEYOND_C0_BMP = (
    r"\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u180e"
    r"\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ud800-\udfff\ufeff\uffa0\ufff9-\ufffb"
)
_BEYOND_C0_ASTRAL = (
    r"\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    r"\U000e0000-\U000e007f"
)
# Noncharacters: permanently not text (U+FDD0-U+FDEF and the last two code points of every
# plane).
_NONCHARACTERS_BMP = r"\ufdd0-\ufdef\ufffe\uffff"
_NONCHARACTERS_ASTRAL = "".join(f"\\U{plane:04x}fffe\\U{plane:04x}ffff" for plane in range(1, 0x11))

UNSAFE = re.compile(
    f"[{_C0}{_BEYOND_C0_BMP}{_BEYOND_C0_ASTRAL}{_NONCHARACTERS_BMP}{_NONCHARACTERS_ASTRAL}]"
)
# The same set, split: a class of BMP code points only compiles to a bitmap, one lookup per
# character, while one that also holds astral ranges is scanned range by range (17 times
# slower on the JSON report of 10,000 references). The astral part is searched only in text
# that holds an astral character.
_ASTRAL = re.compile(f"[{_BEYOND_C0_ASTRAL}{_NONCHARACTERS_ASTRAL}]")
# In JSON text a raw C0 character can only be the layout's own line breaks: json.dumps
# escapes every one inside a string.
_UNSAFE_IN_JSON_BMP = re.compile(f"[{_BEYOND_C0_BMP}{_NONCHARACTERS_BMP}]")


def _sub(bmp: re.Pattern[str], escape: Callable[[re.Match[str]], str], text: str) -> str:
    return text if _all_safe(text) else _scan(bmp, escape, text)


# The unsafe characters that `str.isprintable` counts as printable: the Hangul fillers, letters
# (Lo) that render as nothing. Every other one is a control, a format character, a surrogate,
# a line or paragraph separator or unassigned (a C* or Z* category), which it rejects.
_PRINTABLE_UNSAFE = ("\u115f", "\u1160", "\u3164", "\uffa0")


def _all_safe(text: str) -> bool:
    """Whether `text` surely holds no unsafe character: one pass of `isprintable` and a search
    for each filler, in C, about three times as fast as the scans of `_scan` on the non-ASCII
    lines of the JSON report, which are nearly all printable. False for text it cannot vouch
    for (a line break, a no-break space, a private-use character), which `_scan` then reads.

    `isprintable` reads the running Python's Unicode data, while the unsafe set is written out:
    test_json_fast_paths checks, for every code point, that no unsafe one passes.
    """
    return text.isprintable() and not any(c in text for c in _PRINTABLE_UNSAFE)


def _scan(bmp: re.Pattern[str], escape: Callable[[re.Match[str]], str], text: str) -> str:
    text = bmp.sub(escape, text)  # every replacement is ASCII: the passes never meet
    # One range test per character, in C (`max(text)` made a string of each character: about
    # 30 us for each line of the JSON report that is not ASCII).
    if _ANY_ASTRAL.search(text):
        text = _ASTRAL.sub(escape, text)
    return text


_ANY_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _visible_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000  # JSON has only \uXXXX: a surrogate pair (RFC 8259, section 7)
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


@lru_cache(maxsize=8)
def _pattern(keep: str) -> re.Pattern[str]:
    """The BMP part of UNSAFE without the C0 controls in `keep`."""
    if any(ord(c) > 0x1F for c in keep):
        raise ValueError("only C0 controls (such as \\n or \\t) can be kept")
    c0 = "".join(f"\\x{code:02x}" for code in range(0x20) if chr(code) not in keep)
    return re.compile(f"[{c0}{_BEYOND_C0_BMP}{_NONCHARACTERS_BMP}]")


def visible(text: str, *, keep: str = "") -> str:
    """`text` with every unsafe character shown as `\\uXXXX` (`\\UXXXXXXXX` beyond the BMP).

    `keep` names C0 controls the format needs as themselves, e.g. `"\\n"` for a table cell
    that may span lines.
    """
    return _sub(_pattern(keep), _visible_escape, text)


def json_escape(json_text: str) -> str:
    """JSON text (from `json.dumps(..., ensure_ascii=False)`) with every unsafe character
    written as a JSON escape: the same JSON value, but nothing raw for a reader to miss."""
    return _sub(_UNSAFE_IN_JSON_BMP, _json_escape, json_text)
