"""`--format sarif`: SARIF 2.1.0 for code-scanning dashboards. Pure.

One run, one rule per finding code (in enum order), one result per finding. A result's level
follows the gate, not the severity (gate.py gate_level): `error` exactly for what fails the
run, since code scanning fails a pull request's check on an error alert; the severity stays
in `properties.severity`. Each result has a partial fingerprint built from what identifies
the finding, never its line or message, so an alert survives edits elsewhere in the claim
map (sarif_fingerprints.py).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, NamedTuple

from claimcheck import __version__
from claimcheck.model.findings import Finding, FindingCode, Severity
from claimcheck.model.results import AuditResult, GatePolicy
from claimcheck.model.sanitize import visible
from claimcheck.reporters.gate import gate_level
from claimcheck.reporters.json_entries import plain_evidence, source_entry
from claimcheck.reporters.json_report import dumps
from claimcheck.reporters.sarif_fingerprints import FINGERPRINT, fingerprint
from claimcheck.reporters.sarif_locations import artifact_location, physical_location
from claimcheck.reporters.words import Labels, cited_labels, cited_suffix

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
EXIT_DESCRIPTION = {
    0: "the gate passes",
    1: "the gate fails",
    2: "usage error or invalid claim map",
    3: "incomplete: some lookups failed",
    70: "internal error",
}


class Rule(NamedTuple):
    short: str
    full: str
    help: str  # what to do; Markdown-flavoured plain text (backticks only)
    tags: tuple[str, ...]


RULES: dict[FindingCode, Rule] = {
    FindingCode.RETRACTED: Rule(
        "A cited work has been retracted.",
        "The cited work has been retracted, withdrawn or removed, according to its Crossref "
        "record or Retraction Watch. Under the role `discusses` the finding is only info.",
        "A retracted work is no longer evidence. If the claim relies on it, replace the "
        "citation with a sound source or revise the claim. If the article discusses the "
        "retraction itself, keep the citation and mark its role `discusses` in the claim map. "
        "The message names the retraction notice, its date and source: read it first.",
        ("integrity", "retraction"),
    ),
    FindingCode.CITES_RETRACTION_NOTICE: Rule(
        "The cited DOI is a retraction notice, not the work it retracts.",
        "The DOI in the claim map belongs to a retraction notice. A notice is not evidence for "
        "a claim; the message names the retracted original's DOI and title. Under the role "
        "`discusses` the finding is only info.",
        "If the article reports that the original was retracted, cite the original (its DOI is "
        "in the message) and mark that citation's role `discusses`. If you meant to use the "
        "original as support, don't: it is retracted, so find another source.",
        ("integrity", "retraction"),
    ),
    FindingCode.CITED_AFTER_RETRACTION: Rule(
        "The article cites a work that was retracted before the article was published.",
        "The cited work's retraction was public before the date the claim map gives as "
        "`article.published`: the retraction could have been known when the article cited it. "
        "A kind of `retracted`: `--fail-on retracted` and an acknowledgement of `retracted` "
        "cover it. Under the role `discusses` the finding is only info.",
        "Replace the citation with a sound source or revise the claim; if the article "
        "discusses the retraction itself, mark the citation's role `discusses`. The message "
        "names the notice and its date.",
        ("integrity", "retraction"),
    ),
    FindingCode.EXPRESSION_OF_CONCERN: Rule(
        "The cited work carries an expression of concern.",
        "The publisher or editors have published an expression of concern about the cited "
        "work: a serious doubt (data, ethics, reproducibility) that is being investigated.",
        "Read the notice named in the message. Prefer another source, or say in the text that "
        "the work is under concern: as the only evidence it leaves the claim weakened. To keep "
        "the citation on purpose, acknowledge the finding in the claim map with a reason and "
        "an `until` date so that it is looked at again.",
        ("integrity", "concern"),
    ),
    FindingCode.CORRECTED: Rule(
        "The cited work carries a correction or erratum.",
        "The cited work was corrected after publication (correction, erratum, corrigendum).",
        "Usually harmless. Check that the correction (its DOI is in the message) does not "
        "change the figure, result or wording the claim relies on, and quote corrected values.",
        ("integrity", "correction"),
    ),
    FindingCode.REINSTATED: Rule(
        "A retraction of the cited work was later reversed.",
        "The cited work was retracted and then reinstated; the reinstatement overrides the "
        "retraction, so the work stands as evidence again.",
        "No action is needed. The finding is shown so that a reader who remembers the "
        "retraction sees why it is not flagged; read the reinstatement notice if the claim "
        "rests on the disputed part.",
        ("integrity", "retraction"),
    ),
    FindingCode.CITES_CONCERN_NOTICE: Rule(
        "The cited DOI is an expression-of-concern notice, not the work it concerns.",
        "The DOI in the claim map belongs to an expression of concern. The notice is not "
        "evidence for a claim; the message names the work it concerns. Under the role "
        "`discusses` the finding is only info.",
        "Cite the work the notice concerns (its DOI is in the message) if that is what the "
        "claim rests on, and note that it is under concern; if the article discusses the "
        "concern itself, mark the citation's role `discusses`.",
        ("integrity", "concern"),
    ),
    FindingCode.CITES_CORRECTION_NOTICE: Rule(
        "The cited DOI is a correction notice, not the work it corrects.",
        "The DOI in the claim map belongs to a correction, erratum or corrigendum. The notice "
        "is not evidence for a claim on its own; the message names the corrected work.",
        "Cite the corrected work (its DOI is in the message), and check that the correction "
        "does not change what the claim relies on.",
        ("integrity", "correction"),
    ),
    FindingCode.UPDATE_ROLE_UNCLEAR: Rule(
        "The cited work is linked to an update, but not which record is the notice.",
        "The registry links the cited work to another record by a retraction, concern or "
        "correction, in a way that does not say which of the two is the notice (both list "
        "each other, and neither title says), or the cited work's own titles disagree "
        "(one marks it retracted, another a notice). The cited work may be the updated one.",
        "Open both records (the DOIs are in the message) and check which is the notice. If the "
        "cited work is retracted or under concern, treat it so; otherwise acknowledge the "
        "finding in the claim map with the reason.",
        ("integrity",),
    ),
    FindingCode.DOI_NOT_FOUND: Rule(
        "The DOI does not exist.",
        "Crossref has no record of the DOI, and no other registration agency knows it.",
        "The citation cannot be checked and a reader cannot follow it. It is usually a typo "
        "(a swapped or missing character, a truncated suffix). Look the work up by title at "
        "https://search.crossref.org and correct the `doi` in the claim map.",
        ("doi", "registry"),
    ),
    FindingCode.NON_CROSSREF_DOI: Rule(
        "The DOI is registered with another agency; its retraction status is not known.",
        "The DOI exists but is registered with DataCite, mEDRA or another agency. A "
        "DataCite record (read online or from a --replay snapshot) has its metadata compared "
        "and a retraction marker in its title reported; one not read makes the reference "
        "unverified instead. Other agencies' records are not read. No agency but Crossref gives "
        "retraction notices, so the work's status was not checked beyond that.",
        "Nothing to fix. Check the reference and its status by hand at the agency named in "
        "the message.",
        ("doi", "registry"),
    ),
    FindingCode.DOI_MISMATCH: Rule(
        "The DOI resolves to a different work.",
        "Both the title and the authors given in the claim map disagree with the registry "
        "record of the DOI, so the DOI points at another work.",
        "Usually a copy-paste slip or the DOI of a neighbouring article; the message shows "
        "the registry's title. Find the DOI of the work you meant, or fix the title and "
        "authors if the DOI is right.",
        ("doi", "metadata"),
    ),
    FindingCode.METADATA_MISMATCH: Rule(
        "Cited fields disagree with the registry record.",
        "One or more cited fields (first author, year beyond ±1, journal, volume, issue, first "
        "page) differ from the registry; each is shown, cited vs registry.",
        "Correct the reference in the claim map and in the article's bibliography. If the "
        "registry is wrong, acknowledge the finding in the claim map with a reason.",
        ("metadata",),
    ),
    FindingCode.DOI_INVALID: Rule(
        "The DOI is not a valid DOI.",
        "The `doi` value cannot be a DOI; the message says why (a DOI looks like "
        "`10.NNNN/suffix` and contains no white space).",
        "Fix the typo. If the work has no DOI, remove the `doi` and describe it with "
        "`cited_as` instead.",
        ("doi",),
    ),
    FindingCode.DOI_MISSING: Rule(
        "The reference has no DOI, so it cannot be verified.",
        "Without a DOI the reference cannot be checked against the registry, so a retraction "
        "or a wrong citation would go unnoticed.",
        "Add the DOI if the work has one (search by title at https://search.crossref.org). "
        "For works without a DOI (books, reports, web pages), acknowledge the finding with a "
        "reason (a failed search is also `unverified`, which cannot be acknowledged).",
        ("doi",),
    ),
    FindingCode.DOI_SUGGESTED: Rule(
        "The reference prints no DOI; a search by its metadata found one.",
        "Crossref's bibliographic search found a work whose title, authors, year and journal "
        "agree with the reference. A confident match is then checked like a printed DOI; a "
        "weak one only suggests.",
        "Check the suggested DOI against the reference and, if it is right, add it to the "
        "claim map.",
        ("doi",),
    ),
    FindingCode.DOI_AMBIGUOUS: Rule(
        "The reference prints no DOI, and more than one work matches its metadata.",
        "Two or more candidates validate equally well, so claimcheck does not choose: a wrong "
        "choice would check the wrong work.",
        "Pick the right DOI from the candidates listed and add it to the claim map.",
        ("doi",),
    ),
    FindingCode.POSSIBLY_RETRACTED: Rule(
        "The work this reference most likely is was retracted; the match is not certain.",
        "The reference prints no DOI. Its closest match by metadata was retracted, but the "
        "match is weak, so the retraction is not asserted.",
        "Confirm which work the reference is. If it is the retracted one, remove or requalify "
        "the citation; if not, add the right DOI.",
        ("doi",),
    ),
    FindingCode.UNVERIFIED: Rule(
        "The registry lookup failed, so nothing is known about the reference.",
        "The lookup failed (network error, rate limiting after retries, a server error or a "
        "malformed response), or, for a reference without a DOI, its search did (also offline "
        "with no cached answer, or missing from a replayed snapshot). The reference is never "
        "shown as clean.",
        "Rerun the audit later. If it keeps failing, check network access to the Crossref "
        "API. For a reference without a DOI, add its DOI, or run with `--no-match` to skip "
        "the search. The gate fails closed (exit code 3) unless `--allow-incomplete` is given.",
        ("registry", "incomplete"),
    ),
    FindingCode.UNCITED_CLAIM: Rule(
        "A claim cites no reference.",
        "The claim map lists a claim without any citation, so nothing backs it.",
        "Cite the work the claim rests on, with its role. If the claim needs no source "
        "(common knowledge, the author's own view), acknowledge the finding with a reason.",
        ("claims",),
    ),
    FindingCode.UNSUPPORTED_CLAIM: Rule(
        "No evidence citation of the claim holds up.",
        "The claim has citations, but every `supports` or `discusses` citation fails "
        "(retracted, not found, a mismatch, invalid or unverified), or none is evidence at all "
        "(only `background` or `contrasts`).",
        "The message lists each failing citation and why. Fix those references or cite a "
        "sound source that supports the claim; otherwise revise or remove the claim.",
        ("claims", "integrity"),
    ),
    FindingCode.UNUSED_REFERENCE: Rule(
        "No claim cites the reference.",
        "The reference is listed in the claim map but no claim cites it.",
        "Cite it from the claim it supports, or remove it from the claim map (and from the "
        "bibliography if the article does not use it either).",
        ("claims",),
    ),
    FindingCode.ACKNOWLEDGED: Rule(
        "A finding was acknowledged with a reason.",
        "A person reviewed the finding and acknowledged it in the claim map; the message "
        "keeps the original finding and the reason. It no longer fails the gate.",
        "Nothing to do now. Review the acknowledgement when the evidence changes, and give it "
        "an `until` date so that it is reviewed again.",
        ("acknowledgement",),
    ),
    FindingCode.ACKNOWLEDGEMENT_EXPIRED: Rule(
        "An acknowledgement is past its `until` date.",
        "The acknowledgement's `until` date has passed, so the original finding applies again "
        "and is reported beside this one.",
        "Review the original finding: fix its cause, or renew the acknowledgement with a "
        "current reason and a new `until` date.",
        ("acknowledgement",),
    ),
}
RULE_INDEX = {code: index for index, code in enumerate(FindingCode)}


def render(result: AuditResult) -> str:
    return dumps(document(result))


def document(result: AuditResult) -> dict[str, Any]:
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run(result)]}


def run(result: AuditResult) -> dict[str, Any]:
    labels = cited_labels(result)
    return {
        "tool": {"driver": driver()},
        "invocations": [invocation(result)],
        "artifacts": [
            {"location": artifact_location(path), "roles": ["analysisTarget"]}
            for path in result.files
        ],
        "results": [result_entry(f, labels, result.policy) for f in result.findings],
        "columnKind": "unicodeCodePoints",
        "properties": {
            "gatePolicy": result.policy.describe(),
            "allowIncomplete": result.policy.allow_incomplete,
            "source": source_entry(result.source),
            "checkedAt": timestamp(result.checked_at),
        },
    }


def driver() -> dict[str, Any]:
    return {
        "name": "claimcheck",
        "version": __version__,
        "semanticVersion": __version__,
        "rules": [rule_entry(code) for code in FindingCode],
    }


def rule_entry(code: FindingCode) -> dict[str, Any]:
    return descriptor(code.value, RULES[code], LEVEL[code.default_severity])


def descriptor(rule_id: str, rule: Rule, level: str) -> dict[str, Any]:
    """The reportingDescriptor of a rule (SARIF 2.1.0 §3.49)."""
    return {
        "id": rule_id,
        "name": "".join(part.capitalize() for part in rule_id.split("-")),
        "shortDescription": {"text": rule.short},
        "fullDescription": {"text": rule.full},
        "help": {
            "text": f"{rule.full}\n\nWhat to do: {rule.help}",
            "markdown": f"{rule.full}\n\n**What to do:** {rule.help}",
        },
        "defaultConfiguration": {"level": level},
        "properties": {"tags": ["claimcheck", *rule.tags]},
    }


def invocation(result: AuditResult) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "executionSuccessful": result.exit_code != 70,
        "exitCode": result.exit_code,
    }
    if result.exit_code in EXIT_DESCRIPTION:
        entry["exitCodeDescription"] = EXIT_DESCRIPTION[result.exit_code]
    entry["endTimeUtc"] = timestamp(result.checked_at)
    return entry


def result_entry(finding: Finding, labels: Labels, policy: GatePolicy) -> dict[str, Any]:
    # The message names the reference as the article printed it; the fingerprint does not
    # read the message, so an edit to the printed reference moves no alert.
    text = message_text(finding.message + cited_suffix(finding, labels))
    entry: dict[str, Any] = {
        "ruleId": finding.code.value,
        "ruleIndex": RULE_INDEX[finding.code],
        "level": LEVEL[gate_level(finding, policy)],
        "message": {"text": text},
    }
    if finding.file:
        entry["locations"] = [
            {"physicalLocation": physical_location(finding.file, finding.location)}
        ]
    entry["partialFingerprints"] = {FINGERPRINT: fingerprint(finding)}
    entry["properties"] = {
        "severity": finding.severity.value,
        "reference": finding.reference,
        "claim": finding.claim,
        "evidence": plain_evidence(finding.evidence),
    }
    return entry


# SARIF 2.1.0 §3.11.6: in a plain-text message `\`, `[` and `]` are the "escaped link
# characters", each written after a backslash; `[text](target)` unescaped is an embedded link.
_LINK_CHARACTER = re.compile(r"([\\\[\]])")


def message_text(message: str) -> str:
    """The message as a SARIF viewer must show it, never as markup. Control, bidi and invisible
    formatting characters are made visible (a viewer shows the message, not the JSON escape).
    Registry titles must not become links, so `\\`, `[` and `]` are each escaped with a
    backslash, in one pass (§3.11.6): a title's own `\\[` then reads as a literal backslash and
    a literal bracket, never as an escape in front of a real link. Curly braces are doubled, as
    §3.11.5 requires of literal `{` and `}` in every message string, so that `{0}` in a title
    is not a placeholder that a viewer fails to fill."""
    escaped = _LINK_CHARACTER.sub(r"\\\1", visible(message, keep="\n"))
    return escaped.replace("{", "{{").replace("}", "}}")


def timestamp(moment: datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
