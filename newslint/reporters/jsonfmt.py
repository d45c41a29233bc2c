"""Machine formats: ``json`` (one array) and ``jsonl`` (one object per line).

Fields mirror ruff's JSON so existing tooling reads them: ``code``, ``name``, ``message``,
``filename``, ``location {row, column}``, ``end_location``, ``fix {applicability, message, edits}``,
plus ``severity``, ``path`` (the same as ``filename``), and ``record`` / ``field`` for JSONL input
(ruff's ``cell``). Rows and columns are 1-based, columns in Unicode code points.

``start``/``end`` are code-point offsets into the checked text: the whole decoded file, or the
record's field value for JSONL. A fix's edits carry their own ``start``/``end`` offsets in that same
text; their ``location``/``end_location`` are given when they follow from the finding's own position
(see :func:`newslint.reporters.edit_position`) and are ``null`` otherwise.

Inputs that could not be checked are not findings: like ruff, they go to standard error (the CLI
prints them), so the output stays a plain array of findings. With ``--statistics`` the output is a
list of ``{code, name, count, fixable}`` instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from newslint.model import Applicability, Finding, Position
from newslint.report import ReportOptions, RunResult
from newslint.reporters import edit_position, ordered
from newslint.spool import FindingLog, finding_stats


def write(result: RunResult, options: ReportOptions, out: TextIO) -> None:
    """A JSON array, one object per line: readable, streamable, and each object goes through the C
    encoder (``indent`` would switch every finding to the pure-Python one)."""
    first = True
    for line in _lines(result, options):
        out.write("[\n" if first else ",\n")
        out.write(line)
        first = False
    out.write("[]\n" if first else "\n]\n")


def write_lines(result: RunResult, options: ReportOptions, out: TextIO) -> None:
    for line in _lines(result, options):
        out.write(line)
        out.write("\n")


def _lines(result: RunResult, options: ReportOptions) -> Iterator[str]:
    findings = result.findings
    if options.statistics:
        return (json.dumps(obj, ensure_ascii=False) for obj in statistics(findings, result.unsafe_fixes_enabled))
    if isinstance(findings, FindingLog) and findings.rendered == "json":
        return findings.lines()  # rendered by the workers
    return (finding_json(finding) for finding in ordered(findings))


_str = json.encoder.encode_basestring  # what json.dumps(…, ensure_ascii=False) escapes strings with


def _pos(pos: Position | None) -> str:
    return "null" if pos is None else f'{{"row": {int(pos.line)}, "column": {int(pos.column)}}}'


def finding_json(finding: Finding) -> str:
    """``json.dumps(finding_object(finding), ensure_ascii=False)``, written out directly: the same
    text (strings escaped by the same C function ``json`` uses), without building the dictionaries
    first — a corpus run renders a report line per finding, by the hundred thousand."""
    fix = finding.fix
    fix_text = "null"
    if fix is not None:
        edits = ", ".join(
            f'{{"content": {_str(edit.replacement)}, "start": {edit.start}, "end": {edit.end}, '
            f'"location": {_pos(edit_position(finding, edit.start))}, '
            f'"end_location": {_pos(edit_position(finding, edit.end))}}}'
            for edit in sorted(fix.edits)
        )
        fix_text = (f'{{"applicability": {_str(fix.applicability.value)}, '
                    f'"message": {_str(fix.message) if fix.message else "null"}, '
                    f'"encoding": {"null" if fix.encoding is None else _str(fix.encoding)}, "edits": [{edits}]}}')
    path = _str(finding.path)
    return (f'{{"code": {_str(finding.code)}, "name": {_str(finding.name)}, '
            f'"severity": {_str(finding.severity.value)}, "message": {_str(finding.message)}, '
            f'"filename": {path}, "path": {path}, '
            f'"record": {"null" if finding.record is None else int(finding.record)}, '
            f'"field": {"null" if finding.field_name is None else _str(finding.field_name)}, '
            f'"location": {_pos(finding.location)}, "end_location": {_pos(finding.end_location)}, '
            f'"start": {int(finding.start)}, "end": {int(finding.end)}, "fix": {fix_text}}}')


def _position(pos: Position | None) -> dict[str, int] | None:
    return None if pos is None else {"row": pos.line, "column": pos.column}


def finding_object(finding: Finding) -> dict[str, Any]:
    fix = None
    if finding.fix is not None:
        fix = {
            "applicability": finding.fix.applicability.value,
            "message": finding.fix.message or None,
            "encoding": finding.fix.encoding,
            "edits": [
                {
                    "content": edit.replacement,
                    "start": edit.start,
                    "end": edit.end,
                    "location": _position(edit_position(finding, edit.start)),
                    "end_location": _position(edit_position(finding, edit.end)),
                }
                for edit in sorted(finding.fix.edits)
            ],
        }
    return {
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity.value,
        "message": finding.message,
        "filename": finding.path,
        "path": finding.path,
        "record": finding.record,
        "field": finding.field_name,
        "location": _position(finding.location),
        "end_location": _position(finding.end_location),
        "start": finding.start,
        "end": finding.end,
        "fix": fix,
    }


def statistics(findings: Iterable[Finding], unsafe_enabled: bool) -> list[dict[str, Any]]:
    """ruff's JSON statistics: one entry per code, most frequent first."""
    stats = finding_stats(findings)
    counts = stats.by_code()
    names = stats.names()
    fixable = {code: stats.with_fix(Applicability.SAFE, code)
               + (stats.with_fix(Applicability.UNSAFE, code) if unsafe_enabled else 0) for code in counts}
    return [
        {"code": code, "name": names[code], "count": count, "fixable": fixable[code] > 0,
         "fixable_count": fixable[code]}
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
