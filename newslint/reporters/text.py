"""The human format: one line per finding, then a ruff-style summary.

Lines read ``path:line:col: CODE [*] message`` (flake8/ruff concise), with 1-based line and column
counted in code points, so a finding after ten Chinese characters is at column 11 whatever the
encoding. A JSONL record is located as ``corpus.jsonl:record 42:3:7`` (ruff's notebook-cell form):
line and column are inside that record's text field. ``[*]`` marks a fix ``newslint fix`` would
apply with the flags of this run, never one it would skip.

Inputs that could not be checked are listed as ``path: error: message``; they are not findings and
are counted apart. ``--statistics`` replaces the per-finding lines with a count-per-check table.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TextIO

from newslint.model import Applicability, Finding
from newslint.report import ReportOptions, RunResult
from newslint.reporters import (
    files_with,
    fix_available,
    ordered,
    plural,
    problem_level,
    problem_where,
    severity_breakdown,
)
from newslint.spool import FindingLog, finding_stats


def write(result: RunResult, options: ReportOptions, out: TextIO) -> None:
    unsafe = result.unsafe_fixes_enabled
    findings = result.findings
    if options.statistics:
        lines: Iterable[str] = statistics_table(findings, unsafe)
    elif isinstance(findings, FindingLog) and findings.rendered == "text":
        lines = findings.lines()  # rendered by the workers
    else:
        lines = (finding_line(f, unsafe) for f in ordered(findings))
    for line in lines:
        out.write(line)
        out.write("\n")
    for p in result.problems:
        out.write(f"{problem_where(p)}: {problem_level(p)}: {one_line(p.message)}\n")
    if not options.quiet:
        out.write("".join(line + "\n" for line in summary(result, findings)))


def finding_line(finding: Finding, unsafe_enabled: bool) -> str:
    marker = "[*] " if fix_available(finding, unsafe_enabled) else ""
    loc = finding.location
    message = one_line(finding.message)
    return f"{finding.display_path()}:{loc.line}:{loc.column}: {finding.code} {marker}{message}"


_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """Keep one finding on one line and the terminal safe.

    Messages quote matched text, which can hold a line break (an HTML comment over two lines) or an
    escape sequence from a scraped page; those are shown escaped (``\\n``, ``\\x1b``), never sent raw.
    """
    return _CONTROL.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{ord(char):02x}" if ord(char) <= 0xFF else f"\\u{ord(char):04x}"


_NAMED = {"\n": "\\n", "\r": "\\r"}


def statistics_table(findings: Iterable[Finding], unsafe_enabled: bool) -> list[str]:
    """ruff's ``--statistics``: count, code, name and ``[*]`` if any of them can be fixed now."""
    stats = finding_stats(findings)
    counts = stats.by_code()
    names = stats.names()
    fixable = {code for code in counts if stats.with_fix(Applicability.SAFE, code)
               or (unsafe_enabled and stats.with_fix(Applicability.UNSAFE, code))}
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if not rows:
        return []
    count_width = max(len(str(n)) for _, n in rows)
    code_width = max(len(code) for code, _ in rows)
    name_width = max(len(names[code]) for code, _ in rows)
    out = []
    for code, count in rows:
        marker = "[*]" if code in fixable else ""
        line = f"{count:>{count_width}}  {code:<{code_width}}  {names[code]:<{name_width}}  {marker}"
        out.append(line.rstrip())
    return out


def summary(result: RunResult, findings: Iterable[Finding]) -> list[str]:
    lines: list[str] = []
    if result.fix_mode:
        total = sum(result.fixed.values())
        if total:
            per_code = ", ".join(
                f"{code}: {count}"
                for code, count in sorted(result.fixed.items(), key=lambda item: (-item[1], item[0]))
                if count
            )
            verb = "Would fix" if result.dry_run else "Fixed"  # ruff's wording for --diff
            lines.append(
                f"{verb} {plural(total, 'finding')} in {plural(result.files_changed, 'file')} ({per_code})."
            )
        elif finding_stats(findings).total:
            lines.append("No fixes applied.")
    total_found = finding_stats(findings).total
    if total_found:
        what = plural(total_found, "remaining finding" if result.fix_mode else "finding")
        lines.append(
            f"Found {what} ({severity_breakdown(findings)}) in {plural(files_with(findings), 'file')}."
        )
        lines.extend(_fix_hints(result, findings))
    errors = [p for p in result.problems if not p.skipped]
    skipped = [p for p in result.problems if p.skipped]
    if errors:
        lines.append(
            f"{plural(len(errors), 'input error')} in {plural(len({p.path for p in errors}), 'file')}"
            " (see above): not everything was checked."
        )
    unread = [p for p in skipped if p.message.startswith("skipped")]
    left = [p for p in skipped if not p.message.startswith("skipped")]
    if unread:
        lines.append(f"Skipped {plural(len({p.path for p in unread}), 'non-text file')}.")
    if left:
        count = len({p.path for p in left})
        lines.append(f"Left {plural(count, 'file')} as {'it was' if count == 1 else 'they were'} (see above).")
    if not total_found and not errors:
        fixed_some = result.fix_mode and sum(result.fixed.values()) > 0
        remain = "No findings would remain." if result.dry_run else "No findings remain."
        lines.append(remain if fixed_some else "All checks passed!")
    return lines


def _fix_hints(result: RunResult, findings: Iterable[Finding]) -> list[str]:
    unsafe = result.unsafe_fixes_enabled
    stats = finding_stats(findings)
    safe_count, unsafe_count = stats.with_fix(Applicability.SAFE), stats.with_fix(Applicability.UNSAFE)
    now = safe_count + (unsafe_count if unsafe else 0)
    hidden = 0 if unsafe else unsafe_count
    command = "newslint fix --unsafe-fixes" if unsafe and unsafe_count else "newslint fix"
    hint = (
        f"({plural(hidden, 'hidden fix', 'hidden fixes')} can be enabled with the `--unsafe-fixes` option.)"
    )
    if now and hidden:
        return [f"[*] {now} fixable with `{command}` {hint}"]
    if now:
        return [f"[*] {now} fixable with `{command}`."]
    if hidden:
        return [f"No fixes available {hint}"]
    return []
