"""SARIF 2.1.0 for GitHub code scanning (``github/codeql-action/upload-sarif``) and other viewers.

What GitHub needs and how it is met:

* one run, ``tool.driver`` named ``newslint`` with a ``rules`` entry for every selected check
  (``shortDescription``, ``fullDescription``, ``help`` built from the check's docs), and each result
  pointing at its rule by ``ruleId`` and ``ruleIndex``;
* ``artifactLocation.uri`` relative to the repository (paths as given, POSIX, percent-encoded), so
  alerts line up with files; ``region`` with 1-based lines and ``endColumn`` one past the end;
  columns in code points, declared once as ``run.columnKind = unicodeCodePoints``;
* ``partialFingerprints.primaryLocationLineHash`` that does not contain line numbers, so an alert
  survives text being inserted above it: a hash of code, path, record, field and message, plus
  ``:n`` for the n-th identical finding in that file (GitHub's own scheme for repeated lines).

A JSONL record is one physical line of its file (``newslint.inputs`` numbers records by line), so a
record's finding is placed on that line, without columns: the finding's line:column are inside the
field's *decoded value*, which do not map onto the JSON text. The record, field and in-field
position go into ``logicalLocations`` and ``properties``; such findings carry no SARIF ``fixes``
either, since their offsets are not offsets into the file.

Fixes of whole-file findings become ``fixes[].artifactChanges[].replacements`` with
``deletedRegion.charOffset/charLength`` in code points (plus line/column when known). Inputs that
could not be checked become ``invocations[0].toolExecutionNotifications``.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from newslint.model import Finding, Severity
from newslint.registry import CheckSpec
from newslint.report import InputProblem, ReportOptions, RunResult
from newslint.reporters import edit_position, ordered

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/newslint/"

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render(result: RunResult, options: ReportOptions) -> str:
    return json.dumps(sarif_log(result, options), ensure_ascii=False, indent=2) + "\n"


def sarif_log(result: RunResult, options: ReportOptions) -> dict[str, Any]:
    findings = ordered(result.findings)
    rules, index = _rules(result.checks, findings)
    driver: dict[str, Any] = {"name": "newslint", "informationUri": INFORMATION_URI}
    if options.version:
        driver["semanticVersion"] = options.version
        driver["version"] = options.version
    driver["rules"] = rules
    fingerprints = _fingerprints(findings)
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "invocations": [_invocation(result.problems)],
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, index[f.code], fp) for f, fp in zip(findings, fingerprints, strict=True)],
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def artifact_uri(path: str) -> str:
    """A repository-relative URI reference for a path as the user gave it."""
    posix = path.replace("\\", "/")
    while posix.startswith("./"):
        posix = posix[2:]
    if posix.startswith("/"):
        return "file://" + quote(posix, safe="/")
    return quote(posix, safe="/")


# -- rules ----------------------------------------------------------------------------------------


def _rules(checks: Mapping[str, CheckSpec], findings: list[Finding]) -> tuple[list[dict], dict[str, int]]:
    """Every selected check, by code; a finding whose check is unknown still gets a minimal rule."""
    specs = {spec.code: spec for spec in checks.values()}
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for code in sorted(specs):
        index[code] = len(rules)
        rules.append(_rule(specs[code]))
    for finding in findings:
        if finding.code not in index:
            index[finding.code] = len(rules)
            rules.append({
                "id": finding.code,
                "name": finding.name,
                "shortDescription": {"text": finding.name},
                "fullDescription": {"text": finding.name},
                "help": {"text": finding.name, "markdown": finding.name},
                "defaultConfiguration": {"level": LEVELS[finding.severity]},
            })
    return rules, index


def _rule(spec: CheckSpec) -> dict[str, Any]:
    docs = spec.docs
    short = spec.summary or _first_line(docs.what) or spec.name
    full = docs.what or short
    text_parts = [short if not docs.what else docs.what]
    md_parts = [text_parts[0]]
    if docs.why:
        text_parts.append(f"Why: {docs.why}")
        md_parts.append(f"**Why.** {docs.why}")
    if docs.example:
        text_parts.append(f"Example:\n{docs.example}")
        md_parts.append(f"**Example**\n\n```text\n{docs.example}\n```")
    if docs.fix:
        text_parts.append(f"Fix: {docs.fix}")
        md_parts.append(f"**Fix.** {docs.fix}")
    fixable = {"safe": "safe fix", "unsafe": "unsafe fix"}.get(spec.fix.value)
    if fixable:
        text_parts.append(f"newslint fix offers a {fixable}.")
        md_parts.append(f"`newslint fix` offers a {fixable}.")
    tags = list(dict.fromkeys(["newslint", *spec.tags]))[:20]  # GitHub keeps at most 20 tags
    return {
        "id": spec.code,
        "name": spec.name,
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "help": {"text": "\n\n".join(text_parts), "markdown": "\n\n".join(md_parts)},
        "defaultConfiguration": {"level": LEVELS[spec.severity]},
        "properties": {"tags": tags, "precision": "high" if spec.fix.value == "safe" else "medium"},
    }


def _first_line(text: str) -> str:
    return text.strip().split("\n")[0] if text else ""


# -- results --------------------------------------------------------------------------------------


def _fingerprints(findings: list[Finding]) -> list[str]:
    """Line-number-free hashes, made unique per file by an occurrence count (GitHub's ``hash:n``)."""
    seen: Counter[tuple[str, str]] = Counter()
    out = []
    for finding in findings:
        key = "\0".join(
            [finding.code, finding.path, str(finding.record or ""), finding.field_name or "", finding.message]
        )
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]  # (lone surrogates too)
        seen[(finding.path, digest)] += 1
        out.append(f"{digest}:{seen[(finding.path, digest)]}")
    return out


def _result(finding: Finding, rule_index: int, fingerprint: str) -> dict[str, Any]:
    uri = artifact_uri(finding.path)
    location: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": uri}}}
    properties: dict[str, Any] = {"severity": finding.severity.value}
    if finding.in_container:  # a container's <doc> element: line:column are the file's own
        where = f"doc {finding.record}"
        location["logicalLocations"] = [
            {"name": where, "fullyQualifiedName": f"{finding.path}:{where}", "kind": "element"}
        ]
        properties.update(doc=finding.record)
    if finding.record is None or finding.in_container:
        location["physicalLocation"]["region"] = {
            "startLine": finding.location.line,
            "startColumn": finding.location.column,
            "endLine": finding.end_location.line,
            "endColumn": finding.end_location.column,
        }
    else:
        location["physicalLocation"]["region"] = {"startLine": finding.record, "endLine": finding.record}
        where = f"record {finding.record}" + (f"/{finding.field_name}" if finding.field_name else "")
        location["logicalLocations"] = [
            {"name": where, "fullyQualifiedName": f"{finding.path}:{where}", "kind": "element"}
        ]
        properties.update(
            record=finding.record,
            field=finding.field_name,
            fieldRegion={
                "startLine": finding.location.line,
                "startColumn": finding.location.column,
                "endLine": finding.end_location.line,
                "endColumn": finding.end_location.column,
            },
        )
    out: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [location],
        "partialFingerprints": {"primaryLocationLineHash": fingerprint},
    }
    if finding.fix is not None:
        properties["fixApplicability"] = finding.fix.applicability.value
        if finding.fix.encoding:
            properties["fixEncoding"] = finding.fix.encoding
        if finding.record is None and finding.fix.edits:
            out["fixes"] = [_fix(finding, uri)]
    out["properties"] = properties
    return out


def _fix(finding: Finding, uri: str) -> dict[str, Any]:
    assert finding.fix is not None
    replacements = []
    for edit in sorted(finding.fix.edits):
        region: dict[str, int] = {}
        start, end = edit_position(finding, edit.start), edit_position(finding, edit.end)
        if start is not None and end is not None:
            region.update(startLine=start.line, startColumn=start.column, endLine=end.line, endColumn=end.column)
        region.update(charOffset=edit.start, charLength=edit.end - edit.start)
        replacements.append({"deletedRegion": region, "insertedContent": {"text": edit.replacement}})
    description = finding.fix.message or f"{finding.fix.applicability.value} fix for {finding.code}"
    return {
        "description": {"text": description},
        "artifactChanges": [{"artifactLocation": {"uri": uri}, "replacements": replacements}],
    }


# -- input problems -------------------------------------------------------------------------------


def _invocation(problems: list[InputProblem]) -> dict[str, Any]:
    notifications = []
    for problem in problems:
        location: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": artifact_uri(problem.path)}}}
        if problem.record is not None:
            location["physicalLocation"]["region"] = {"startLine": problem.record}
        notifications.append({
            "level": "warning" if problem.skipped else "error",
            "message": {"text": problem.message},
            "locations": [location],
        })
    invocation: dict[str, Any] = {"executionSuccessful": not any(not p.skipped for p in problems)}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return invocation
