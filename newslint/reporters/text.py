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
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from newslint.model import Applicability, Finding
from newslint.report import ReportOptions, RunResult
from newslint.reporters import (
    edit_position,
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
    style = Style(options.color)
    if options.statistics:
        lines: Iterable[str] = statistics_table(findings, unsafe)
    elif isinstance(findings, FindingLog) and findings.rendered:
        lines = findings.lines()  # rendered by the workers
    elif options.text_style == "full":
        lines = full_blocks(result, options, style)
    else:
        lines = (finding_line(f, unsafe, style) for f in ordered(findings))
    for line in lines:
        out.write(line)
        out.write("\n")
    for p in result.problems:
        level = problem_level(p)
        out.write(f"{style.path(problem_where(p))}: {style.level(level, level)}: {one_line(p.message)}\n")
    if not options.quiet:
        if options.text_style == "full" and not options.statistics and finding_stats(findings).total:
            out.write("\n")  # (ruff: a blank line between the last snippet and the summary)
        out.write("".join(line + "\n" for line in summary(result, findings)))


def finding_line(finding: Finding, unsafe_enabled: bool, style: Style | None = None) -> str:
    """The concise form, and the first line of the full one: ``path:line:col: CODE [*] message``."""
    marker = "[*] " if fix_available(finding, unsafe_enabled) else ""
    loc = finding.location
    message = one_line(finding.message)
    if style is None or not style.enabled:
        return f"{finding.display_path()}:{loc.line}:{loc.column}: {finding.code} {marker}{message}"
    return (f"{style.path(finding.display_path())}{style.dim(f':{loc.line}:{loc.column}:')} "
            f"{style.level(finding.severity.value, finding.code)} {style.fix(marker)}{message}")


# -- the full format ------------------------------------------------------------------------------

MAX_MESSAGE = 240  # characters of a message shown in the full format; JSON keeps the whole text
MAX_SOURCE_LINES = 4  # of a multi-line span, then "… N more lines"
MAX_WIDTH = 110  # display columns of a source line; longer lines are windowed around the span
MAX_PLACES = 6  # places listed for a grouped corpus finding, then "(+N more)"

# NL503's pairing evidence (score, runner-up and feature scores): internal, shown under --verbose
_PAIR_SCORES = re.compile(r" \(score \d+\.\d+, runner-up \d+\.\d+;[^)]*\)")


class Style:
    """ANSI colour for a terminal (ruff's palette: bold path, red code, cyan ``[*]``), or nothing."""

    _LEVEL = {"error": "31", "warning": "33", "info": "34"}

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def _paint(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled and text else text

    def path(self, text: str) -> str:
        return self._paint(text, "1")

    def dim(self, text: str) -> str:
        return self._paint(text, "2")

    def fix(self, text: str) -> str:
        return self._paint(text, "36")

    def level(self, level: str, text: str) -> str:
        return self._paint(text, "1;" + self._LEVEL.get(level, "0"))

    def gutter(self, text: str) -> str:
        return self._paint(text, "1;34")


def shown_message(finding: Finding, verbose: bool, limit: int = MAX_MESSAGE) -> str:
    """The message as the full format shows it: internal scores left out (unless ``verbose``), on
    one line, cut at ``limit`` characters with a pointer to the JSON output, which has it whole."""
    message = finding.message
    if not verbose:
        message = _PAIR_SCORES.sub("", message)
    message = one_line(message)
    if len(message) > limit and not verbose:
        message = message[: limit - 1].rstrip() + "… (cut; whole in --output-format json)"
    return message


def full_blocks(result: RunResult, options: ReportOptions, style: Style) -> Iterator[str]:
    """ruff's full format: the finding line, its source line(s) with the span underlined, and the
    fix as a hint. A corpus check's finding repeated with the same message (one name variant in
    seventeen places) is shown once, with its count and places."""
    from newslint.model import Scope
    from newslint.reporters.source import SourceReader

    unsafe = result.unsafe_fixes_enabled
    corpus_codes = {code for code, spec in result.checks.items() if spec.scope is Scope.CORPUS}
    places: dict[tuple[str, str], list[str]] = {}
    counts: Counter[tuple[str, str]] = Counter()
    if corpus_codes:
        for finding in ordered(result.findings):
            if finding.code in corpus_codes:
                key = (finding.code, finding.message)
                counts[key] += 1
                if counts[key] <= MAX_PLACES + 1:
                    loc = finding.location
                    places.setdefault(key, []).append(f"{finding.display_path()}:{loc.line}:{loc.column}")
    reader = SourceReader(dict(options.stdin), enabled=options.show_source)
    try:
        first = True
        for finding in ordered(result.findings):
            key = (finding.code, finding.message)
            count = counts.get(key, 0)
            if count > 1 and key not in places:
                continue  # shown with its first place
            if not first:
                yield ""
            first = False
            header = finding_line(finding, unsafe, style)
            message = one_line(finding.message)
            short = shown_message(finding, options.verbose)
            if short != message:
                header = header[: len(header) - len(message)] + short
            yield header
            yield from snippet(finding, reader, style)
            hint = fix_hint(finding, reader, unsafe)
            pad = " " * (len(str(finding.location.line)) + 1)  # (under the snippet's gutter bar)
            if hint:
                yield f"{pad}{style.gutter('=')} {style.fix('help')}: {hint}"
            if count > 1:
                shown = places.pop(key)
                more = f" (+{count - len(shown[:MAX_PLACES])} more)" if count > MAX_PLACES else ""
                yield f"{pad}{style.gutter('=')} {count} places: {', '.join(shown[:MAX_PLACES])}{more}"
    finally:
        reader.close()


def snippet(finding: Finding, reader: Any, style: Style) -> Iterator[str]:
    """The source lines of the finding's span with carets under it, aligned by display width."""
    start, end = finding.location, finding.end_location
    last = end.line if end.line >= start.line else start.line
    if end.line > start.line and end.column == 1:
        last -= 1  # a span ending at a line break ends on the line before
    numbers = list(range(start.line, last + 1))
    shown = numbers[:MAX_SOURCE_LINES]
    texts = [reader.line(finding, n) for n in shown]
    if not texts or any(t is None for t in texts):
        return
    width = len(str(shown[-1]))
    bar = style.gutter(" " * width + " |")
    yield bar
    for number, text in zip(shown, texts, strict=True):
        assert text is not None
        first = 1 if number != start.line else start.column
        stop = len(text) + 1 if number != end.line else end.column
        if stop <= first:
            stop = first + 1  # an empty span (an insertion point): one caret
        line, carets = _underline(text, first, stop)
        yield f"{style.gutter(str(number).rjust(width) + ' |')} {line}"
        label = f" {finding.severity.value}: {finding.name}" if number == shown[-1] else ""
        yield f"{bar} {' ' * carets[0]}{style.level(finding.severity.value, '^' * carets[1] + label)}"
    if len(numbers) > len(shown):
        yield f"{bar} … {plural(len(numbers) - len(shown), 'more line')}"
    yield bar


def _underline(text: str, first: int, stop: int) -> tuple[str, tuple[int, int]]:
    """``text`` as drawn (escapes, tabs, wide characters; windowed when long) and the caret run
    under columns ``first`` … ``stop - 1`` (1-based code points) as (indent, length) in cells."""
    from newslint.reporters.source import char_cell

    cells = [char_cell(c) for c in text]
    before = sum(w for _, w in cells[: first - 1])
    span = sum(w for _, w in cells[first - 1: stop - 1])
    total = sum(w for _, w in cells)
    left = 0
    if total > MAX_WIDTH:  # keep the start of the span in view, with some context before it
        left = max(0, min(before - 20, total - MAX_WIDTH))
    drawn: list[str] = []
    column = 0
    for shown, w in cells:
        if column >= left and column + w <= left + MAX_WIDTH:
            drawn.append(shown)
        column += w
    prefix = "…" if left else ""
    suffix = "…" if left + MAX_WIDTH < total else ""
    indent = before - left + len(prefix)
    length = max(1, min(span, MAX_WIDTH - (before - left)))
    return prefix + "".join(drawn) + suffix, (indent, length)


def fix_hint(finding: Finding, reader: Any, unsafe_enabled: bool) -> str:
    """The fix in one line: what it replaces with what, and whether ``fix`` applies it now."""
    fix = finding.fix
    if fix is None or fix.applicability is Applicability.NONE:
        return ""
    if fix.message:
        what = one_line(fix.message)
    elif fix.drop_record:
        what = "drop this record (kept in a .dropped file beside it)"
    elif fix.encoding and not fix.edits:
        what = f"rewrite the file as {fix.encoding}"
    else:
        what = _edit_summary(finding, reader)
    if fix.applicability is Applicability.SAFE:
        how = "safe fix"
    elif unsafe_enabled:
        how = "unsafe fix, applied with --unsafe-fixes"
    else:
        how = "unsafe fix: review, then `newslint fix --unsafe-fixes`"
    return f"{what} ({how})"


def _edit_summary(finding: Finding, reader: Any) -> str:
    fix = finding.fix
    assert fix is not None
    edits = [e for e in fix.edits if e.start != e.end or e.replacement]
    if len(edits) != 1:
        return f"{plural(len(edits), 'edit')}"
    edit = edits[0]
    old = None
    begin, stop = edit_position(finding, edit.start), edit_position(finding, edit.end)
    if begin is not None and stop is not None and begin.line == stop.line:
        line = reader.line(finding, begin.line)
        if line is not None:
            old = line[begin.column - 1: stop.column - 1]
    elif edit.end - edit.start <= 200:  # an edit reaching past the finding (the space around a tag)
        old = reader.text_between(finding, edit.start, edit.end)
    new = _quoted(edit.replacement)
    if old is None:
        return f"replace {plural(edit.end - edit.start, 'character')} with {new}" if edit.replacement \
            else f"delete {plural(edit.end - edit.start, 'character')}"
    if not edit.replacement:
        return f"delete {_quoted(old)}"
    return f"replace {_quoted(old)} with {new}"


def _quoted(text: str, limit: int = 40) -> str:
    shown = one_line(text)
    if len(shown) > limit:
        shown = shown[: limit - 1] + "…"
    return f"“{shown}”" if shown else "nothing"


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
    if result.nothing_checked and not total_found:
        lines.append(f"warning: {no_files_message(result)}")
    elif not total_found and not errors:
        fixed_some = result.fix_mode and sum(result.fixed.values()) > 0
        remain = "No findings would remain." if result.dry_run else "No findings remain."
        lines.append(remain if fixed_some else "All checks passed!")
    return lines


def no_files_message(result: RunResult) -> str:
    """ruff's wording when a run found nothing to look at (a misspelt folder, a wrong extension)."""
    return f"No files to check under {', '.join(result.paths)}."


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
