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

    def count_at_or_above(self, threshold: Severity) -> int:
        counts = finding_stats(self.findings).by_severity()
        return sum(n for severity, n in counts.items() if severity.rank >= threshold.rank)


@dataclass(frozen=True)
class ReportOptions:
    statistics: bool = False
    quiet: bool = False
    version: str = ""
