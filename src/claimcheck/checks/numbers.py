"""Volume and issue numbers as references print them and as registries hold them: the key
each is compared by (`number_key`), when two agree (`numbers_agree`), and a supplement cited
in the volume read as the issue it names (`volume_and_issue`). Pure."""

from __future__ import annotations

import re

from claimcheck.checks.folded import fold

__all__ = ["names_supplement", "number_key", "numbers_agree", "volume_and_issue"]

_LEADING_ZEROS = re.compile(r"(?<![0-9])0+(?=[0-9])")
# "Vol. 23", "No. 29", "Issue 3": the label of a volume or an issue is no part of its number.
_NUMBER_LABEL = re.compile(r"^\s*(?:volume|vol|number|num|issue|iss|no|nr)\.?\s*(?=\d)", re.I)

# A supplement's issue as NLM prints it ("Suppl 2") and as registries hold it ("Supplement_2"
# at OUP, "Supplement 2", "S2", "Suppl. 2", "Suppl2", "Supp 2"): "s2" each, after `fold`.
# A plain "2" stays another issue: a supplement is numbered apart from the volume's regular
# issues (NLM prints "41(2)" for one and "41(Suppl 2)" for the other), so issue 2 cited for
# supplement 2, or the reverse, names another part of the volume.
_SUPPLEMENT = re.compile(r"\b(?:supplement|suppl|supp|s)\s*(?=[0-9]|$)")

# A special issue as PubMed prints it ("Spec No", "Spec Iss", Citing Medicine's "Special
# Number" and "Special Issue" abbreviated) and as registries hold it ("Special Issue", "SI"):
# "special" each, its number kept ("Spec No 1", "SI1": "special1"). It names no regular issue
# ("3") and no supplement ("S1"): those are numbered apart, and still disagree.
_SPECIAL = re.compile(r"(?<![a-z0-9])(?:spec(?:ial)?\s*(?:no|nr|number|iss|issue)|si)(?![a-z])\s*")

# An issue printed in parts ("3 Pt 1", "3 Pt 2": Citing Medicine's "Issue with part", each
# part bound apart under the one issue number), as registries hold it: "3 Pt 1", "3pt1",
# "3 Part 1", or only "3". A part is a number or a letter ("Pt A").
_PART = re.compile(r"^(.*?)\s*(?<![a-z])(?:pt|part)\s*([0-9]+|[a-z])$")

# NLM's volume with supplement ("2009;41 Suppl 2:S1-S10"), which importers and users cite as
# the volume "41 Suppl 2" (or "41(Suppl 2)", "41, Suppl. 2"), the issue left empty, where the
# record holds volume "41" and the supplement as its issue ("Supplement_2", "S2").
# Matched on the volume stripped of its closing spaces and brackets: a lazy group before a
# run of them at the end took time growing with the square of the run, and a registry field
# may be megabytes long. No volume is longer than `_LONGEST_VOLUME`.
_VOLUME_SUPPLEMENT = re.compile(
    r"(?P<volume>[^\s(,](?:[^(,]*?[^\s(,])?)[\s(,]*(?P<supplement>(?:supplement|suppl|supp)"
    r"(?![a-z]).*)",
    re.I,
)
_LONGEST_VOLUME = 64
# A supplement's key word (`number_key`): "s", "s2".
_SUPPLEMENT_KEY = re.compile(r"s[0-9]*")


def number_key(value: str) -> str:
    """The comparable form of a volume or issue: folded, without a label or leading zeros,
    a supplement as "s2", a special issue as "special" and a part as "3 pt1"."""
    key = _SPECIAL.sub("special", fold(_NUMBER_LABEL.sub("", value)))
    key = _LEADING_ZEROS.sub("", _SUPPLEMENT.sub("s", key))
    issue, part = _without_part(key)
    return key if part is None else f"{issue} pt{part}".lstrip()


def _without_part(key: str) -> tuple[str, str | None]:
    """("3", "1") for the key of "3 Pt 1"; (key, None) for a key naming no part."""
    match = _PART.match(key)
    return (match.group(1), match.group(2)) if match else (key, None)


def numbers_agree(cited: str, registry: str) -> bool:
    """Whether a cited volume or issue and the record's name the same one. An issue cited
    with its part ("3 Pt 1") agrees with the record's issue without one ("3"), and the
    reverse: a record holding "3" for an article of part 1 is no evidence of another work,
    whose issue number it shares. Two parts named ("3 Pt 1", "3 Pt 2") must be the same."""
    a, b = number_key(cited), number_key(registry)
    if a == b or _in_combined_issue(a, b) or _in_combined_issue(b, a):
        return True
    (issue_a, part_a), (issue_b, part_b) = _without_part(a), _without_part(b)
    if not issue_a or issue_a != issue_b:
        return False
    return part_a == part_b or part_a is None or part_b is None


def _in_combined_issue(one: str, combined: str) -> bool:
    """Whether `one` is a number of the combined issue `combined` ("3" of "3-4", a double
    issue printed as one, as Russian and Ukrainian journals often are): a citation may
    give either number. Keys split the range into its two numbers ("3 4")."""
    numbers = combined.split()
    return (
        one.isdigit()
        and len(numbers) == 2
        and all(n.isdigit() for n in numbers)
        and (int(numbers[0]) <= int(one) <= int(numbers[1]))
    )


def volume_and_issue(volume: str | None, issue: str | None) -> tuple[str | None, str | None]:
    """The volume and the issue to compare: a supplement cited in the volume ("41 Suppl 2")
    is the issue's, the volume "41". With no issue cited, the supplement is the issue
    ("Suppl 2"); with one that does not name it ("3"), it is added ("3 Suppl 2", NLM's
    "Issue with supplement"), so that it still disagrees with the regular issue 3."""
    text = volume.strip().rstrip(" \t)") if volume else ""
    if len(text) > _LONGEST_VOLUME:
        return volume, issue
    match = _VOLUME_SUPPLEMENT.fullmatch(text)
    if match is None:
        return volume, issue
    supplement = match.group("supplement")
    if not issue or not issue.strip():
        return match.group("volume"), supplement
    if number_key(supplement) in number_key(issue).split():
        return match.group("volume"), issue
    return match.group("volume"), f"{issue.strip()} {supplement}"


def names_supplement(issue: str | None) -> bool:
    """Whether `issue` names a supplement or a special issue: a part of the volume numbered
    and often paginated apart from its regular issues ("S151" beside a regular page 151)."""
    return bool(issue) and any(
        word.startswith("special") or _SUPPLEMENT_KEY.fullmatch(word)
        for word in number_key(issue or "").split()
    )
