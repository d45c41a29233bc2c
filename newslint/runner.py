"""One run of ``check`` or ``fix`` over many inputs.

Each input is handled on its own (read → documents → findings, or → fixed text → atomic write), so
one unreadable file is reported and the others still run. Per-file ignores get their own linter,
built once per distinct ignore set.
"""

from __future__ import annotations

import bisect
import difflib
import sys
from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from newslint.config import Settings
from newslint.document import Document
from newslint.inputs import SourceFile, atomic_write, discover, encode_output, load, render_jsonl
from newslint.linter import Linter
from newslint.model import Finding, Position
from newslint.registry import CheckSpec, CorpusDetector
from newslint.report import InputProblem, RunResult
from newslint.selection import matches, select_checks


@dataclass
class RunRequest:
    paths: Sequence[str]
    settings: Settings
    specs: Sequence[CheckSpec]
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    force_exclude: bool = False
    stdin_filename: str = "-"


@dataclass
class RunOutput:
    result: RunResult
    diff: str = ""
    stdout_text: str | None = None  # fixed standard input, printed instead of written
    changed_paths: list[str] = field(default_factory=list)


@dataclass
class _DocRef:
    """What the reduce phase needs of a document to locate a hit, without keeping its text."""

    path: str
    record: int | None
    field_name: str | None
    line_starts: array

    def position(self, offset: int) -> Position:
        line = bisect.bisect_right(self.line_starts, offset) - 1
        return Position(line + 1, offset - self.line_starts[line] + 1)


class _CorpusPhase:
    """Map each document through the corpus detectors as it is read; reduce once at the end."""

    def __init__(self, linter: Linter) -> None:
        self.linter = linter
        self.detectors = [d for d in linter.corpus_detectors if isinstance(d, CorpusDetector)]
        self.summaries: list[list[tuple[int, object]]] = [[] for _ in self.detectors]
        self.refs: list[_DocRef] = []

    def add(self, doc: Document) -> None:
        if not self.detectors:
            return
        index = len(self.refs)
        self.refs.append(_DocRef(doc.path, doc.record, doc.field_name, array("l", doc.line_starts())))
        for bucket, detector in zip(self.summaries, self.detectors, strict=True):
            if detector.check.applies_to(doc):
                bucket.append((index, detector.map(doc)))

    def findings(self, settings: Settings) -> list[Finding]:
        out: list[Finding] = []
        for bucket, detector in zip(self.summaries, self.detectors, strict=True):
            spec = detector.check
            for index, hit in detector.reduce(bucket):
                ref = self.refs[index]
                if any(matches(sel, spec) for sel in settings.ignored_for(ref.path)):
                    continue
                out.append(self.linter.located(spec, hit, ref.path, ref.record, ref.field_name, ref.position))
        return out


class _Linters:
    """Linters per distinct per-file-ignore set (usually just one)."""

    def __init__(self, specs: Sequence[CheckSpec], settings: Settings) -> None:
        self.specs = specs
        self.settings = settings
        self._cache: dict[tuple[str, ...], Linter] = {}

    def for_path(self, display: str) -> Linter:
        ignored = tuple(sorted(self.settings.ignored_for(display)))
        linter = self._cache.get(ignored)
        if linter is None:
            specs = select_checks(self.specs, None, (), ignored) if ignored else list(self.specs)
            specs = [s for s in specs if s in self.specs]
            linter = Linter(specs, self.settings.severity)
            self._cache[ignored] = linter
        return linter


def run(request: RunRequest) -> RunOutput:
    settings = request.settings
    linters = _Linters(list(request.specs), settings)
    corpus = _CorpusPhase(Linter(list(request.specs), settings.severity))
    findings: list[Finding] = []
    problems: list[InputProblem] = []
    fixed: Counter[str] = Counter()
    diffs: list[str] = []
    changed: list[str] = []
    stdout_text: str | None = None
    files = 0
    for entry in discover(request.paths, settings, request.force_exclude):
        loaded = load(entry, settings, request.stdin_filename)
        if isinstance(loaded, InputProblem):
            problems.append(loaded)
            continue
        files += 1
        problems.extend(loaded.problems)
        linter = linters.for_path(loaded.display)
        for doc in loaded.documents:
            corpus.add(doc)
        if not request.fix:
            for doc in loaded.documents:
                findings.extend(linter.check(doc))
            continue
        outcome = _fix_source(loaded, linter, request.unsafe_fixes)
        findings.extend(outcome.remaining)
        fixed.update(outcome.fixed)
        problems.extend(outcome.problems)
        if loaded.path is None and not request.diff:
            stdout_text = outcome.new_text  # ruff's convention: fixed stdin goes to stdout
            continue
        if outcome.new_bytes is None:
            continue
        if request.diff:
            diffs.append(_unified_diff(loaded.display, outcome.old_text, outcome.new_text))
        else:
            atomic_write(loaded.path, outcome.new_bytes)
            changed.append(loaded.display)
    findings.extend(corpus.findings(settings))
    result = RunResult(
        findings=sorted(findings, key=Finding.sort_key),
        checks={s.code: s for s in request.specs},
        problems=problems,
        files_checked=files,
        fix_mode=request.fix,
        fixed=fixed,
        files_changed=len(changed) if not request.diff else len(diffs),
        unsafe_fixes_enabled=request.unsafe_fixes,
    )
    return RunOutput(result, "".join(diffs), stdout_text, changed)


@dataclass
class _SourceFix:
    old_text: str
    new_text: str
    new_bytes: bytes | None
    remaining: list[Finding]
    fixed: Counter[str]
    problems: list[InputProblem]


def _fix_source(source: SourceFile, linter: Linter, unsafe: bool) -> _SourceFix:
    fixed: Counter[str] = Counter()
    remaining: list[Finding] = []
    problems: list[InputProblem] = []
    if source.format.value != "jsonl":
        doc = source.documents[0]
        outcome = linter.fix(doc, unsafe)
        fixed.update(outcome.fixed)
        remaining.extend(outcome.remaining)
        if not outcome.converged:
            problems.append(InputProblem(source.display, "fixes did not converge; file left partly fixed"))
        if outcome.text == doc.text and outcome.encoding == doc.encoding:
            return _SourceFix(doc.text, doc.text, None, remaining, fixed, problems)
        if not doc.lossless:
            problems.append(InputProblem(
                source.display, "not rewritten: some bytes could not be decoded and would be lost"
            ))
            return _SourceFix(doc.text, doc.text, None, remaining, Counter(), problems)
        try:
            data = encode_output(outcome.text, outcome.encoding, source.bom)
        except UnicodeEncodeError:
            data = encode_output(outcome.text, "utf-8", source.bom)
        return _SourceFix(doc.text, outcome.text, data, remaining, fixed, problems)
    texts: dict[tuple[int, str], str] = {}
    for doc in source.documents:
        outcome = linter.fix(doc, unsafe)
        fixed.update(outcome.fixed)
        remaining.extend(outcome.remaining)
        if not outcome.converged:
            problems.append(InputProblem(source.display, "fixes did not converge", doc.record))
        if outcome.text != doc.text:
            assert doc.record is not None and doc.field_name is not None
            texts[(doc.record, doc.field_name)] = outcome.text
    old = "".join(line.raw for line in source.lines)
    if not texts:
        return _SourceFix(old, old, None, remaining, fixed, problems)
    new = render_jsonl(source, texts)
    return _SourceFix(old, new, encode_output(new, "utf-8", source.bom), remaining, fixed, problems)


def _unified_diff(path: str, old: str, new: str) -> str:
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), fromfile=f"a/{path}", tofile=f"b/{path}"
    )
    out = "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
    return out


def write_stdout(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()

