"""The result of a run, as every reporter receives it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from newslint.model import Finding, Severity
from newslint.registry import CheckSpec
from newslint.spool import FindingLog, finding_stats


@dataclass(frozen=True)
class InputProblem:
    """An input that could not be checked (unreadable, binary, malformed record): exit code 2."""

    path: str
    message: str
    record: int | None = None
    skipped: bool = False  # a binary or otherwise non-text file: reported, but not an error exit


@dataclass
class RunResult:
    findings: list[Finding] | FindingLog  # a log for runs (spooled to disk), a list when built by hand
    checks: Mapping[str, CheckSpec]
    problems: list[InputProblem] = field(default_factory=list)
    files_checked: int = 0
    fix_mode: bool = False
    fixed: Counter[str] = field(default_factory=Counter)
    files_changed: int = 0
    unsafe_fixes_enabled: bool = False
    dry_run: bool = False  # fix --diff: the fixes were shown, not written
    # the paths the run was asked to check (set by the command line): with none of their files
    # checked, the summary says so instead of "All checks passed!"
    paths: tuple[str, ...] = ()

    @property
    def nothing_checked(self) -> bool:
        return bool(self.paths) and self.files_checked == 0 and not self.problems

    def count_at_or_above(self, threshold: Severity) -> int:
        counts = finding_stats(self.findings).by_severity()
        return sum(n for severity, n in counts.items() if severity.rank >= threshold.rank)


@dataclass(frozen=True)
class ReportOptions:
    statistics: bool = False
    quiet: bool = False
    version: str = ""
    # text format: "full" (source line, caret, fix hint; corpus repeats grouped) or "concise" (one
    # line per finding); colour (ANSI) on a terminal; --verbose keeps internal detail in messages
    text_style: str = "concise"
    color: bool = False
    verbose: bool = False
    stdin: Mapping[str, bytes] = field(default_factory=dict)  # standard input's bytes, by display name
    show_source: bool = True  # False when the run's text is not what is on disk (fix --diff, fix -)
