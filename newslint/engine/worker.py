"""Stage 2, per-document work: one task → documents → findings, map summaries and references,
sealed (encoded as data) in the worker. Fix mode fixes the source and hands its bytes to a writer.

A :class:`Worker` is built from the :class:`RunRequest` alone, so the driver, a pool process and a
Ray actor build the same one. It holds a linter per set of per-file ignores (built on first use: a
warm run served from the cache never imports the detector modules), the corpus plan, and the run
cache's per-task side (look a file up by its content key, store a fresh result).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from newslint.cache import read_signed
from newslint.engine.corpus import CorpusPlan, map_task
from newslint.engine.plan import Slice, Task
from newslint.engine.records import DocRef, TaskResult
from newslint.engine.request import RunRequest
from newslint.engine.runcache import RunCache
from newslint.inputs import SourceFile, load, read_source
from newslint.linter import Linter
from newslint.model import Finding
from newslint.report import InputProblem
from newslint.selection import select_checks

if TYPE_CHECKING:
    from newslint.engine.fixer import SourceFix


def line_renderer(render: str | None, unsafe: bool) -> Callable[[Finding], str] | None:
    """The report line of one finding in format ``render`` ("json" or "text"), or None."""
    if render is None:
        return None
    if render == "json":
        from newslint.reporters.jsonfmt import finding_json

        return finding_json
    if render == "text":
        from newslint.reporters.text import finding_line

        return lambda f: finding_line(f, unsafe)
    raise ValueError(f"no line rendering for {render!r}")


class Worker:
    """Per-process state: linters per per-file-ignore set, the corpus checks, the run cache."""

    def __init__(self, request: RunRequest) -> None:
        self.request = request
        self.settings = request.settings
        self._linters: dict[tuple[str, ...], Linter] = {}
        self.render = None if request.fix else request.render
        self.line = line_renderer(self.render, request.unsafe_fixes)
        self.corpus = CorpusPlan(request)
        self.cache = RunCache.for_request(request, len(self.corpus))

    @property
    def writer(self) -> Callable[[SourceFile, SourceFix, RunRequest, TaskResult, bytes | None], None]:
        """Where fixed bytes go: the files themselves (``fixer.write_fixed``), or shards in
        ``--output-dir``. Asked only by a fix run: a check run never imports the fixer."""
        from newslint.engine.fixer import write_fixed

        return write_fixed if self.request.output_dir is None else write_cleaned_shard

    def linter_for(self, display: str) -> Linter:
        ignored = tuple(sorted(self.settings.ignored_for(display)))
        linter = self._linters.get(ignored)
        if linter is None:
            specs = list(self.request.specs)
            if ignored:
                specs = [s for s in select_checks(specs, None, (), ignored) if s in specs]
            linter = Linter(specs, self.settings.severity)
            self._linters[ignored] = linter
        return linter

    def run_task(self, task: Task) -> TaskResult:
        result = self._run_task(task)
        if self.request.output_dir is not None and not self.request.fix and result.sealed_findings is None:
            # --output-dir: the findings go to a shard, written here; the driver gets their counts
            from newslint.engine.shards import task_stem, write_findings
            from newslint.spool import FindingStats

            first = task.first_record if isinstance(task, Slice) else 1
            write_findings(self.request.output_dir, task_stem(result.display, first), result.findings,
                           self.request.shard_format)
            stats = FindingStats.of(result.findings)
            result.findings = []
            result.seal(self.line)
            assert result.sealed_findings is not None
            result.sealed_findings = (*result.sealed_findings[:4], stats)
            return result
        return result.seal(self.line)

    def _run_task(self, task: Task) -> TaskResult:
        if isinstance(task, Slice):
            return self._run_slice(task)
        if isinstance(task, InputProblem):
            return TaskResult(task.path, counted=False, problems=[task])
        if task == "-":
            loaded = load("-", self.settings, self.request.stdin_filename, self.request.stdin_data)
            return self.run_loaded(loaded, None)
        assert isinstance(task, Path)
        display = task.as_posix()
        try:
            data, sig = read_signed(task)
        except FileNotFoundError:
            return TaskResult(display, counted=False, problems=[InputProblem(display, "no such file or directory")])
        except IsADirectoryError:
            return TaskResult(display, counted=False, problems=[InputProblem(display, "is a directory")])
        except OSError as exc:
            return TaskResult(display, counted=False,
                              problems=[InputProblem(display, f"cannot read: {exc.strerror or exc}")])
        key = None
        if self.cache is not None:
            key = self.cache.task_key(display, data)
            cached = self.cache.task_hit(key)
            if cached is not None:
                cached.cache_key, cached.stat = key, sig
                return cached
        result = self.run_bytes(task, data, display)
        if key is not None and self.cache is not None and not result.problems:
            self.cache.store_task(key, result.seal(self.line))
            result.cache_key, result.stat = key, sig
        return result

    def run_bytes(self, path: Path | None, data: bytes, display: str, first_record: int = 1) -> TaskResult:
        """One file's (or slice's) bytes: decoded, read into documents, checked (or fixed)."""
        from newslint.decoding import BinaryInputError  # (a warm run decodes nothing)

        try:
            loaded: SourceFile | InputProblem = read_source(path, data, display, self.settings,
                                                            first_record=first_record)
        except BinaryInputError as exc:
            return TaskResult(display, counted=False,  # (a slice's first counts: see _run_slice)
                              problems=[InputProblem(display, f"skipped: {exc}", skipped=True)])
        return self.run_loaded(loaded, len(data), data)

    def _run_slice(self, task: Slice) -> TaskResult:
        display = task.path.as_posix()
        with task.path.open("rb") as handle:
            handle.seek(task.start)
            data = handle.read(task.end - task.start)
        result = self.run_bytes(task.path, data, display, task.first_record)
        result.counted = task.start == 0
        return result

    def run_loaded(self, loaded: SourceFile | InputProblem, size: int | None, data: bytes | None = None
                   ) -> TaskResult:
        if isinstance(loaded, InputProblem):
            return TaskResult(loaded.path, counted=False, problems=[loaded])
        result = TaskResult(loaded.display, size=size or 0, problems=list(loaded.problems))
        corpus = self.corpus
        if corpus.detectors:
            result.refs = [DocRef(doc.path, doc.record, doc.field_name, array("l", doc.line_starts()),
                                  doc.first_line, doc.first_column) for doc in loaded.documents]
            result.summaries = map_task(corpus, loaded.documents, result.problems)
        linter = self.linter_for(loaded.display)
        if not self.request.fix:
            for doc in loaded.documents:
                result.findings.extend(linter.check(doc))
            result.problems.extend(linter.take_problems())  # pack patterns stopped by their limit
            return result
        from newslint.engine.fixer import fix_loaded

        outcome = fix_loaded(loaded, linter, self.request, result)
        self.writer(loaded, outcome, self.request, result, data)
        return result


def write_cleaned_shard(loaded: SourceFile, outcome: SourceFix, request: RunRequest, result: TaskResult,
                        data: bytes | None) -> None:
    """``fix --output-dir``: the task's text, fixed where it could be, as a shard beside its dropped
    records; the input is left as it is."""
    from newslint.engine.shards import task_stem, write_cleaned

    assert request.output_dir is not None
    cleaned = outcome.new_bytes if outcome.new_bytes is not None else data
    if cleaned is None or loaded.path is None:
        return
    try:
        write_cleaned(request.output_dir, task_stem(loaded.display, loaded.first_record), loaded.path.suffix,
                      cleaned, outcome.dropped if outcome.new_bytes is not None else [])
    except OSError as exc:
        result.problems.append(InputProblem(loaded.display, f"cannot write its shard: {exc.strerror or exc}"))
        result.fixed.clear()
        return
    result.changed = outcome.new_bytes is not None
