"""GitHub Actions workflow commands: findings as annotations on the pull request's files.

``::error file=…,line=…,endLine=…,col=…,endColumn=…,title=newslint (CODE)::message``, escaped as
``actions/toolkit`` does (message: ``%``, CR, LF; property values also ``:`` and ``,``), so a
message with a newline or a path with a comma cannot break the command. Columns are left out when a
finding spans lines (GitHub then misplaces them, ruff#22074).

GitHub shows at most 10 annotations of each level per step and silently drops the rest, so the
most severe findings are annotated first, nothing more is emitted for a level once it has 10, and a
plain summary line gives the full counts and points to SARIF for bulk results. A JSONL record is
annotated on its line of the file (record N is line N); its in-field position is in the message.
Inputs that could not be checked are annotated first: a file that was never checked matters most.
"""

from __future__ import annotations

from collections import Counter

from newslint.model import Finding, Severity
from newslint.report import InputProblem, ReportOptions, RunResult
from newslint.reporters import SEVERITY_ORDER, files_with, ordered, plural, problem_level, severity_breakdown
from newslint.spool import finding_stats

PER_LEVEL_CAP = 10
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, properties: dict[str, object], message: str) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{level} {props}::{escape_data(message)}"


def render(result: RunResult, options: ReportOptions) -> str:
    shown: Counter[str] = Counter()
    lines: list[str] = []
    for problem in sorted(result.problems, key=lambda p: (p.skipped, p.path, p.record or 0)):
        level = problem_level(problem)
        if shown[level] < PER_LEVEL_CAP:
            shown[level] += 1
            lines.append(_problem_annotation(problem, level))
    # most severe first, file order within a level: the first few of each level, in one pass
    first: dict[Severity, list[Finding]] = {severity: [] for severity in SEVERITY_ORDER}
    for finding in ordered(result.findings):
        kept = first[finding.severity]
        if len(kept) < PER_LEVEL_CAP:
            kept.append(finding)
    for severity in SEVERITY_ORDER:
        for finding in first[severity]:
            level = LEVELS[severity]
            if shown[level] < PER_LEVEL_CAP:
                shown[level] += 1
                lines.append(annotation(finding))
    if not options.quiet:
        lines.append(_summary(result, shown))
    return "".join(line + "\n" for line in lines)


def annotation(finding: Finding) -> str:
    start, end = finding.location, finding.end_location
    message = f"{finding.display_path()}:{start.line}:{start.column}: {finding.code} {finding.message}"
    if finding.record is not None and not finding.in_container:  # (a container's <doc>: the file's lines)
        if finding.field_name:
            message += f" (field {finding.field_name})"
        props: dict[str, object] = {"file": finding.path, "line": finding.record, "endLine": finding.record}
    else:
        props = {"file": finding.path, "line": start.line, "endLine": end.line}
        if start.line == end.line:
            props["col"] = start.column
            props["endColumn"] = end.column
    props["title"] = f"newslint ({finding.code})"
    return command(LEVELS[finding.severity], props, message)


def _problem_annotation(problem: InputProblem, level: str) -> str:
    props: dict[str, object] = {"file": problem.path}
    if problem.record is not None:
        props["line"] = problem.record
    props["title"] = "newslint (input skipped)" if problem.skipped else "newslint (input error)"
    return command(level, props, problem.message)


def _summary(result: RunResult, shown: Counter[str]) -> str:
    findings = result.findings
    count = finding_stats(findings).total
    errors = [p for p in result.problems if not p.skipped]
    parts: list[str] = []
    if count:
        parts.append(
            f"{plural(count, 'finding')} ({severity_breakdown(findings)})"
            f" in {plural(files_with(findings), 'file')}"
        )
    if errors:
        parts.append(f"{plural(len(errors), 'input error')}")
    if not parts:
        return "newslint: all checks passed."
    text = "newslint: " + "; ".join(parts) + "."
    total = count + len(result.problems)
    annotated = sum(shown.values())
    if annotated < total:
        text += (
            f" Annotated {annotated} of {total}: GitHub shows at most {PER_LEVEL_CAP} annotations per level"
            " per step. Use --output-format sarif with github/codeql-action/upload-sarif to see them all."
        )
    return text
