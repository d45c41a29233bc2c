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
from collections import Counter
from typing import Any

from newslint.model import Finding, Position
from newslint.report import ReportOptions, RunResult
from newslint.reporters import edit_position, fix_available, ordered


def render(result: RunResult, options: ReportOptions) -> str:
    """A JSON array, one object per line: readable, and each object goes through the C encoder
    (``indent`` would switch every finding to the pure-Python one, the slowest part of a warm run)."""
    objects = _objects(result, options)
    if not objects:
        return "[]\n"
    return "[\n" + ",\n".join(json.dumps(obj, ensure_ascii=False) for obj in objects) + "\n]\n"


def render_lines(result: RunResult, options: ReportOptions) -> str:
    return "".join(json.dumps(obj, ensure_ascii=False) + "\n" for obj in _objects(result, options))


def _objects(result: RunResult, options: ReportOptions) -> list[dict[str, Any]]:
    findings = ordered(result.findings)
    if options.statistics:
        return statistics(findings, result.unsafe_fixes_enabled)
    return [finding_object(f) for f in findings]


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


def statistics(findings: list[Finding], unsafe_enabled: bool) -> list[dict[str, Any]]:
    """ruff's JSON statistics: one entry per code, most frequent first."""
    counts: Counter[str] = Counter(f.code for f in findings)
    names = {f.code: f.name for f in findings}
    fixable = Counter(f.code for f in findings if fix_available(f, unsafe_enabled))
    return [
        {"code": code, "name": names[code], "count": count, "fixable": fixable[code] > 0,
         "fixable_count": fixable[code]}
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
