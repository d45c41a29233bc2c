"""Output formats for a run's result: ``text`` (full or concise), ``json``, ``jsonl``, ``sarif``,
``github`` and ``html``.

Each format lives in its own module, imported only when asked for, so ``newslint check`` in a
pre-commit hook never pays for building SARIF. :func:`write` streams a report to a file object:
the line formats (``text``, ``json``, ``jsonl``) write finding by finding as they are read back
from the run's spool, so a report on millions of findings never sits in memory whole; ``sarif``
(one JSON document) and ``github`` (most severe first) are built whole. :func:`render` returns the
report as one string that ends in a newline (or is empty, e.g. ``text --quiet`` with nothing found).

The helpers here are the rules every format shares, so they cannot drift apart: which fixes a user
can apply *now* (ruff's ``[*]``), how severities are counted and worded, and where an edit of a fix
sits in line:column terms when that can be known without the document.
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Iterable
from typing import TextIO

from newslint.model import Applicability, Finding, Position, Severity
from newslint.report import InputProblem, ReportOptions, RunResult
from newslint.spool import FindingLog, finding_stats

FORMATS = ("text", "json", "jsonl", "sarif", "github", "html")

_MODULES = {"text": "text", "json": "jsonfmt", "jsonl": "jsonfmt", "sarif": "sarif", "github": "github",
            "html": "html"}

# Most severe first: annotations and summaries list errors before warnings before info.
SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)


def write(fmt: str, result: RunResult, options: ReportOptions, out: TextIO) -> None:
    """Write ``result`` in format ``fmt`` (one of :data:`FORMATS`) to ``out``."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown output format {fmt!r} (known: {', '.join(FORMATS)})")
    module = importlib.import_module(f"newslint.reporters.{_MODULES[fmt]}")
    if fmt == "jsonl":
        module.write_lines(result, options, out)
    elif hasattr(module, "write"):
        module.write(result, options, out)
    else:
        out.write(module.render(result, options))


def render(fmt: str, result: RunResult, options: ReportOptions) -> str:
    """The report of ``result`` in format ``fmt``, as one string."""
    buffer = io.StringIO()
    write(fmt, result, options, buffer)
    return buffer.getvalue()


def fix_available(finding: Finding, unsafe_enabled: bool) -> bool:
    """True when ``newslint fix`` (with the flags of this run) would apply the finding's fix.

    ruff marks ``[*]`` only on fixes the user can apply right now: safe ones, and unsafe ones only
    when ``--unsafe-fixes`` was given. Showing ``[*]`` on a fix that ``fix`` then skips would lie.
    """
    fix = finding.fix
    if fix is None:
        return False
    if fix.applicability is Applicability.SAFE:
        return True
    return unsafe_enabled and fix.applicability is Applicability.UNSAFE


def hidden_unsafe(finding: Finding, unsafe_enabled: bool) -> bool:
    """An unsafe fix exists but this run's flags hide it (worth a hint about ``--unsafe-fixes``)."""
    fix = finding.fix
    return not unsafe_enabled and fix is not None and fix.applicability is Applicability.UNSAFE


def ordered(findings: Iterable[Finding]) -> Iterable[Finding]:
    """Findings in file order (path, record, field, offset, code): stable across runs. A run's log
    is read back in that order already (and is not loaded whole to sort it)."""
    if isinstance(findings, FindingLog):
        return findings
    return sorted(findings, key=Finding.sort_key)


def by_severity(findings: Iterable[Finding]) -> list[Finding]:
    """Most severe first, file order within a severity."""
    return sorted(findings, key=lambda f: (-f.severity.rank, *f.sort_key()))


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def severity_breakdown(findings: Iterable[Finding]) -> str:
    """``3 errors, 8 warnings, 1 info`` (zero counts left out), most severe first."""
    counts = finding_stats(findings).by_severity()
    words = {Severity.ERROR: ("error", "errors"), Severity.WARNING: ("warning", "warnings"),
             Severity.INFO: ("info", "info")}
    parts = [plural(counts[s], *words[s]) for s in SEVERITY_ORDER if counts[s]]
    return ", ".join(parts)


def files_with(findings: Iterable[Finding]) -> int:
    return len(finding_stats(findings).paths)


def problem_where(problem: InputProblem) -> str:
    """``path`` or ``path:record N``, the same form a finding's location uses."""
    if problem.record is None:
        return problem.path
    return f"{problem.path}:record {problem.record}"


def problem_level(problem: InputProblem) -> str:
    """Skipped inputs (binary files) are warnings; anything else stops a file being checked: error."""
    return "warning" if problem.skipped else "error"


def edit_position(finding: Finding, offset: int) -> Position | None:
    """The line:column of a code-point ``offset`` in the finding's document, when it can be known.

    A finding stores its own start/end offsets and their positions, not the text, so a position is
    known at those two offsets, and anywhere between them when the finding lies on one line with no
    line break inside (its column span equals its offset span). Elsewhere it is ``None``.
    """
    if offset == finding.start:
        return finding.location
    if offset == finding.end:
        return finding.end_location
    one_line = (
        finding.location.line == finding.end_location.line
        and finding.end_location.column - finding.location.column == finding.end - finding.start
    )
    if one_line and finding.start <= offset <= finding.end:
        return Position(finding.location.line, finding.location.column + offset - finding.start)
    return None
