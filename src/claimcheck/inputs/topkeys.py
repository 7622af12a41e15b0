"""Whether a file that the quick byte check passed over may still be a claim map.

Discovery's quick check (discovery.looks_like_claim_map) finds the top-level key where
nearly every map puts it: at column 0, or anywhere in a file that opens with `{`. A map
may put it elsewhere, and skipping one lets the gate pass on a file it never checked: keys
indented, a first line `--- {...}`, a flow mapping below a comment line (the
`# yaml-language-server:` line the README suggests), or text that is not UTF-8 at all
(PowerShell 5.1's `>` writes UTF-16). So a file is skipped only when this is sure it is not
a map, from the top-level keys of its first document as libyaml's parse events give them:
nothing is built, and every nested value is read past.
"""

from __future__ import annotations

from typing import Any

import yaml

from claimcheck.inputs.yamlcompose import MERGE_TAG, Loader, resolve_scalar
from claimcheck.inputs.yamlnodes import gc_paused

_VERSION_KEY = "claimcheck"
# Both without the version key: a map whose version key is missing or misspelt, which is
# loaded so that mistake is reported (the quick check's rule too).
_BODY_KEYS = frozenset({"references", "claims"})


def may_be_claim_map(data: bytes) -> bool:
    """False only when `data` is certainly not a claim map: UTF-8 YAML whose first document
    is empty or not a mapping, or a mapping with neither a `claimcheck` key nor both
    `references` and `claims`. True for anything else, so that the loader reads it and
    reports its problem at its place: text that is not UTF-8 (a UTF-16 or UTF-32 file fails
    to decode, or has NUL bytes, which the parser refuses), and YAML that does not parse
    before the answer is known."""
    try:
        # Decoded here as the loader decodes (yamlnodes.decode): given bytes, libyaml would
        # read UTF-16 with a BOM as YAML, a file the loader refuses as not UTF-8.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return True
    loader = None
    try:
        loader = Loader(text)
        with gc_paused():  # thousands of short-lived events, none in a cycle
            return _top_level_decides(loader)
    except Exception:  # a parser error, or anything unforeseen: the loader says what it is
        return True
    finally:
        if loader is not None:
            loader.dispose()


def _top_level_decides(loader: Any) -> bool:
    """Read the first document's root and, for a mapping, its keys until one shows a claim
    map, passing over each value; the later documents are never read."""
    get = loader.get_event
    get()  # stream start
    if loader.check_event(yaml.StreamEndEvent):
        return False  # empty, or only comments
    get()  # document start
    if not isinstance(get(), yaml.MappingStartEvent):
        return False  # a list, text or null at the root: the loader would refuse it
    keys: set[str] = set()
    while True:
        key = get()
        if isinstance(key, yaml.MappingEndEvent):
            return False
        if isinstance(key, yaml.AliasEvent) or _is_merge(key):
            return True  # its keys are known only by following it: the loader does that
        if isinstance(key, yaml.ScalarEvent):
            keys.add(key.value)
            if _VERSION_KEY in keys or keys >= _BODY_KEYS:
                return True
        else:
            _pass_over(loader, key)  # a list or mapping as a key: never a claim map's
        _pass_over(loader, get())


def _is_merge(event: Any) -> bool:
    """A `<<` key, which merges other mappings' keys into this one (yamlcompose's rule)."""
    if not isinstance(event, yaml.ScalarEvent):
        return False
    tag = event.tag
    if tag is None or tag == "!":
        tag = resolve_scalar(event.value, event.implicit)
    return bool(tag == MERGE_TAG)


def _pass_over(loader: Any, event: Any) -> None:
    """Read past the node `event` starts: the events up to its end, holding none."""
    if not isinstance(event, yaml.CollectionStartEvent):
        return  # a scalar or an alias is one event
    get, depth = loader.get_event, 1
    while depth:
        inner = get()
        if isinstance(inner, yaml.CollectionStartEvent):
            depth += 1
        elif isinstance(inner, yaml.CollectionEndEvent):
            depth -= 1
