"""One run of ``check`` or ``fix`` over many inputs.

Work is split into tasks — a file, or a slice of lines of a large JSONL file — each handled on its
own (read → documents → findings and corpus summaries; or → fixed text → atomic write), so one
unreadable file is reported and the others still run. Tasks run in this process or in a pool of
worker processes (``--jobs``); results are consumed in task order, so the output is the same
whatever the number of jobs. Corpus checks get only what the map phase produced (summaries and a
compact line index per document), then reduce once at the end.
"""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import difflib
import os
import time
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newslint.atomic import atomic_write
from newslint.cache import CACHE_DIR, ResultCache, Signature, config_fingerprint, read_signed, signature
from newslint.config import Settings
from newslint.datafile import DataError, loads_body
from newslint.decoding import BinaryInputError
from newslint.document import Document, detect_format
from newslint.inputs import (
    SourceFile,
    discover,
    encode_output,
    load,
    may_be_container,
    read_source,
    render_container,
    render_jsonl,
)
from newslint.linter import Linter, applicable
from newslint.model import Finding, Position
from newslint.registry import PATTERN_LIMITS, CheckSpec, CorpusDetector, PatternTimeout
from newslint.report import InputProblem, RunResult
from newslint.selection import matches, select_checks
from newslint.spool import Chunk, FindingLog, FindingStats, RefTable, Spool, SummaryRun, dumps, seal_findings

JSONL_CHUNK_BYTES = 4 * 1024 * 1024
_JSONL_SUFFIXES = (".jsonl", ".ndjson")


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
    stdin_data: bytes | None = None  # standard input, read once by run() (a fix run has two passes)
    jobs: int | None = None  # None: automatic (parallel only for many or large inputs)
    single_document: bool = False  # set by run() when the run can hold only one document
    # fix mode: corpus findings with fixes, computed by a check pass first, keyed by (path, record, field)
    corpus_fixes: dict[tuple[str, int | None, str | None], list[Finding]] = field(default_factory=dict)
    cache: bool = False
    cache_root: Path | None = None
    progress: bool = True
    index: Path | None = None  # saved corpus index (map summaries of earlier runs)
    render: str | None = None  # "json"/"text": workers render report lines (check mode; see spool.seal_findings)


@dataclass
class RunOutput:
    result: RunResult
    diff: str = ""
    stdout_text: str | None = None  # fixed standard input, printed instead of written
    changed_paths: list[str] = field(default_factory=list)


@dataclass
class DocRef:
    """What the reduce phase needs of a document to locate a hit, without keeping its text."""

    path: str
    record: int | None
    field_name: str | None
    line_starts: array
    first_line: int = 1  # where offset 0 is in the file (Document.first_line / first_column)
    first_column: int = 1

    def position(self, offset: int) -> Position:
        line = bisect.bisect_right(self.line_starts, offset) - 1
        column = offset - self.line_starts[line] + (self.first_column if line == 0 else 1)
        return Position(line + self.first_line, column)


@dataclass
class TaskResult:
    """Everything one task produced; picklable, so it can come back from a worker or the cache.

    A task fills ``findings``, ``refs`` and ``summaries``, then :meth:`seal` pickles them (in the
    worker, in parallel), so the main process only appends bytes to its spool."""

    display: str
    counted: bool = True  # counts as a checked file (the first slice of a JSONL file does)
    size: int = 0
    findings: list[Finding] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    fixed: Counter[str] = field(default_factory=Counter)
    refs: list[DocRef] = field(default_factory=list)
    summaries: list[list[tuple[int, Any]]] = field(default_factory=list)
    diff: str = ""
    stdout_text: str | None = None
    changed: bool = False
    cache_key: str | None = None  # set when the result is cacheable (check mode, a file read whole)
    stat: Signature | None = None  # the file's signature in this run, for the stat index (cache.py)
    docs: int = 0
    sealed_findings: tuple | None = None  # seal_findings(): (data, count, first, last, stats)
    sealed_refs: bytes = b""
    sealed_summaries: list[tuple[bytes, int]] = field(default_factory=list)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["fixed"] = dict(self.fixed)  # a Counter unpickles through Python code: 5,000 cached files
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state["fixed"] = Counter(state["fixed"]) if state["fixed"] else Counter()
        self.__dict__.update(state)

    def seal(self, render: str | None = None, unsafe: bool = False) -> TaskResult:
        if self.sealed_findings is None:
            self.sealed_findings = seal_findings(self.findings, render, unsafe)
            self.findings = []
            self.docs = len(self.refs)
            self.sealed_refs = dumps(self.refs) if self.refs else b""
            self.sealed_summaries = [(dumps(bucket), len(bucket)) if bucket else (b"", 0) for bucket in self.summaries]
            self.refs, self.summaries = [], []
        return self


@dataclass(frozen=True)
class _Slice:
    """Lines ``[start, end)`` (byte offsets) of a large JSONL file; ``first_record`` is the line number."""

    path: Path
    start: int
    end: int
    first_record: int


Task = Path | str | _Slice | InputProblem  # a problem: what discovery could not check (a FIFO…)


class _Worker:
    """Per-process state: linters per per-file-ignore set, the corpus detectors, the cache."""

    def __init__(self, request: RunRequest) -> None:
        self.request = request
        self.settings = request.settings
        # The document checks' linter is built on first use: a warm run served from the cache, or
        # the main process of a pool, never imports the detector modules. Corpus checks are needed
        # here (the reduce), and their findings are located by a linter of corpus checks only.
        self._linters: dict[tuple[str, ...], Linter] = {}
        self.render = None if request.fix else request.render
        corpus_specs = [s for s in request.specs if s.scope.value == "corpus"]
        self.locator = Linter(corpus_specs, self.settings.severity)
        self.corpus = [
            d for d in self.locator.corpus_detectors
            if isinstance(d, CorpusDetector) and not (request.single_document and d.min_documents > 1)
        ]
        # which earlier corpus check's summaries each one shares (itself when none): mapped once, stored once
        first: dict[Any, int] = {}
        self.shares = [first.setdefault(key, n) if (key := d.map_key()) is not None else n
                       for n, d in enumerate(self.corpus)]
        self.cache: ResultCache | None = None
        if request.cache and not request.fix:
            self.cache = ResultCache(request.cache_root or self.settings.root / CACHE_DIR, fingerprint(request))
        self.started_ns = time.time_ns()  # before this run reads any file (see cache.RACY_NS)
        self.stat_index_name: str | None = None  # set by _run for a run of several files
        self.stat_index: dict[str, tuple[Signature, str]] = {}  # as loaded by cached_results
        self.whole_hit = False  # the results came from the whole-run entry: nothing to store again
        self.preloaded: dict[str, Any] = {}  # the cached reduce, read when deciding what to load

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

    def cached_results(self, tasks: Sequence[Task]) -> dict[int, TaskResult]:
        """Results of the file tasks the cache holds (by task number); nothing when it is empty.
        A file whose signature is in the stat index is not read: its content key is known."""
        cache = self.cache
        if cache is None or not cache.folder.is_dir():
            return {}
        index = self.stat_index = cache.stat_index(self.stat_index_name) if self.stat_index_name else {}
        keys: list[str | None] = []
        sigs: list[Signature | None] = []
        for task in tasks:
            key = sig = None
            if isinstance(task, Path):
                display = task.as_posix()
                with contextlib.suppress(OSError):  # the task reports it
                    if index:
                        sig = signature(os.stat(task))
                        key = cache.known_key(index, display, sig)
                    if key is None:
                        data, sig = read_signed(task)
                        key = cache.key(display, data)
            keys.append(key)
            sigs.append(sig)
        out: dict[int, TaskResult] = {}
        if None not in keys:  # the same files, unchanged: the whole run's results in one entry
            whole = self._whole_run(cache.get(_manifest_key(keys)), keys)  # type: ignore[arg-type]
            if whole is not None:
                self.whole_hit = True
                out = dict(enumerate(whole))
        if not out:
            for n, key in enumerate(keys):
                hit = cache.get(key) if key is not None else None
                if self._usable(hit):
                    out[n] = hit
        for n, result in out.items():
            result.cache_key, result.stat = keys[n], sigs[n]
        return out

    def _usable(self, hit: Any) -> bool:
        """A cached task result this run can take: sealed, with one summary bucket per corpus check,
        every blob in it valid data of the expected shape (a cache entry is never trusted)."""
        return (isinstance(hit, TaskResult) and len(hit.sealed_summaries) in (0, len(self.corpus))
                and valid_sealed(hit.sealed_findings) and valid_maps(hit.sealed_refs, hit.sealed_summaries))

    def _whole_run(self, results: Any, keys: list[str]) -> list[TaskResult] | None:
        """The results of a whole-run entry (see :func:`_whole_entry`), or None when it is not one.
        Their corpus map outputs, a second entry, are read only when a reduce will need them: not
        when the reduce of these same files is cached too."""
        assert self.cache is not None
        if not (isinstance(results, list) and len(results) == len(keys)
                and all(isinstance(r, TaskResult) and valid_sealed(r.sealed_findings) for r in results)):
            return None
        if self.corpus and (self.request.index is not None or not self._preload_reduce(keys)):
            maps = self.cache.get(_maps_key(keys))
            if not (isinstance(maps, list) and len(maps) == len(results)):
                return None
            try:
                for result, (refs, buckets) in zip(results, maps, strict=True):
                    if len(buckets) not in (0, len(self.corpus)) or not valid_maps(refs, buckets):
                        return None
                    result.sealed_refs, result.sealed_summaries = refs, buckets
            except (TypeError, ValueError):  # corrupt: the per-file entries instead
                return None
        return results

    def _preload_reduce(self, keys: list[str]) -> bool:
        """Read the cached reduce of these files (kept for :func:`_cached_reduce`); False if none."""
        assert self.cache is not None
        key = _reduce_key(keys)
        cached = self.cache.get(key)
        if not (isinstance(cached, list) and all(valid_sealed(sealed) for sealed in cached)):
            return False
        self.preloaded[key] = cached
        return True

    # -- one task ---------------------------------------------------------------------------------

    def run_task(self, task: Task) -> TaskResult:
        return self._run_task(task).seal(self.render, self.request.unsafe_fixes)

    def _run_task(self, task: Task) -> TaskResult:
        if isinstance(task, _Slice):
            return self._run_slice(task)
        if isinstance(task, InputProblem):
            return TaskResult(task.path, counted=False, problems=[task])
        if task == "-":
            loaded = load("-", self.settings, self.request.stdin_filename, self.request.stdin_data)
            return self._run_loaded(loaded, None)
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
            key = self.cache.key(display, data)
            cached = self.cache.get(key)
            if self._usable(cached):
                cached.cache_key, cached.stat = key, sig
                return cached
        try:
            loaded: SourceFile | InputProblem = read_source(task, data, display, self.settings)
        except BinaryInputError as exc:
            loaded = InputProblem(display, f"skipped: {exc}", skipped=True)
        result = self._run_loaded(loaded, len(data)).seal(self.render, self.request.unsafe_fixes)
        if key is not None and self.cache is not None and not result.problems:
            self.cache.put(key, result)
            result.cache_key, result.stat = key, sig
        return result

    def _run_slice(self, task: _Slice) -> TaskResult:
        display = task.path.as_posix()
        with task.path.open("rb") as handle:
            handle.seek(task.start)
            data = handle.read(task.end - task.start)
        try:
            source = read_source(task.path, data, display, self.settings, first_record=task.first_record)
        except BinaryInputError as exc:
            return TaskResult(display, counted=task.start == 0,
                              problems=[InputProblem(display, f"skipped: {exc}", skipped=True)])
        result = self._run_loaded(source, len(data))
        result.counted = task.start == 0
        return result

    def _run_loaded(self, loaded: SourceFile | InputProblem, size: int | None) -> TaskResult:
        if isinstance(loaded, InputProblem):
            return TaskResult(loaded.path, counted=False, problems=[loaded])
        result = TaskResult(loaded.display, size=size or 0, problems=list(loaded.problems))
        if self.corpus:
            result.summaries = [[] for _ in self.corpus]
            owners = [n for n, share in enumerate(self.shares) if share == n]
            for doc in loaded.documents:
                index = len(result.refs)
                result.refs.append(DocRef(doc.path, doc.record, doc.field_name, array("l", doc.line_starts()),
                                          doc.first_line, doc.first_column))
                for n in owners:
                    detector = self.corpus[n]
                    if detector.check.applies_to(doc):
                        summary = _map_bounded(detector, doc, result.problems)
                        if summary is not _STOPPED:
                            result.summaries[n].append((index, summary))
        linter = self.linter_for(loaded.display)
        if not self.request.fix:
            for doc in loaded.documents:
                result.findings.extend(linter.check(doc))
            result.problems.extend(linter.take_problems())  # pack patterns stopped by their limit
            return result
        outcome = _fix_source(loaded, linter, self.request.unsafe_fixes, self.request.corpus_fixes)
        result.findings.extend(outcome.remaining)
        result.fixed.update(outcome.fixed)
        result.problems.extend(outcome.problems)
        result.problems.extend(linter.take_problems())  # pack patterns stopped by their limit
        if loaded.path is None and not self.request.diff:
            # ruff's convention: fixed stdin goes to stdout (None: the input goes back as it came, see cli)
            result.stdout_text = outcome.new_text if loaded.lossless else None
            result.changed = outcome.new_bytes is not None  # "Fixed 2 findings in 1 file"
        elif outcome.new_bytes is not None:
            if self.request.diff:
                result.diff = _unified_diff(loaded.display, outcome.old_text, outcome.new_text)
            else:
                assert loaded.path is not None
                try:
                    if outcome.dropped:
                        keep_dropped(loaded.path, outcome.dropped)  # before the rewrite: never lost
                    atomic_write(loaded.path, outcome.new_bytes)
                except OSError as exc:  # a read-only folder, a full disk: this file is left as it was
                    result.problems.append(InputProblem(loaded.display, f"cannot write: {exc.strerror or exc}"))
                    result.fixed.clear()
                    return result
            result.changed = True
        return result


def valid_sealed(sealed: Any) -> bool:
    """Whether ``sealed`` (read from the cache) is what :func:`seal_findings` makes: its blob decodes
    to ``count`` findings or rendered ``(sort key, line)`` pairs, with its counts beside it."""
    if not (isinstance(sealed, tuple) and len(sealed) == 5):
        return False
    data, count, first, last, stats = sealed
    if not (isinstance(data, bytes) and isinstance(count, int) and isinstance(first, tuple)
            and isinstance(last, tuple) and isinstance(stats, FindingStats)):
        return False
    try:
        entries = loads_body(data)
    except DataError:
        return False
    return isinstance(entries, list) and len(entries) == count and all(
        isinstance(e, Finding) or (isinstance(e, tuple) and len(e) == 2 and isinstance(e[1], str)) for e in entries)


def valid_maps(refs: Any, buckets: Any) -> bool:
    """Whether a cached task's map outputs are document references and ``(index, summary)`` buckets."""
    if not (isinstance(refs, bytes) and isinstance(buckets, list)):
        return False
    try:
        ref_list = loads_body(refs) if refs else []
        if not (isinstance(ref_list, list) and all(isinstance(r, DocRef) for r in ref_list)):
            return False
        for bucket in buckets:
            if not (isinstance(bucket, tuple) and len(bucket) == 2 and isinstance(bucket[0], bytes)):
                return False
            entries = loads_body(bucket[0]) if bucket[0] else []
            if not (isinstance(entries, list) and len(entries) == bucket[1] and all(
                    isinstance(e, tuple) and len(e) == 2 and isinstance(e[0], int) and 0 <= e[0] < len(ref_list)
                    for e in entries)):
                return False
    except DataError:
        return False
    return True


def _manifest_key(keys: Sequence[str]) -> str:
    return "run-" + config_fingerprint(("run", list(keys)))[:40]


def _reduce_key(keys: Sequence[str | None]) -> str:
    return "reduce-" + config_fingerprint(("reduce", list(keys)))[:40]


def _maps_key(keys: Sequence[str]) -> str:
    return "maps" + _manifest_key(keys)[3:]


def _stat_index_name(tasks: Sequence[Task]) -> str:
    return ResultCache.stat_index_name([t.as_posix() if isinstance(t, Path) else repr(t) for t in tasks])


_NO_FINDINGS = seal_findings([])


def _whole_entry(results: list[TaskResult]) -> tuple[list[TaskResult], list[tuple[bytes, list]]]:
    """The whole-run entry, in two parts: the results without their corpus map outputs, and those
    (refs and summaries: most of the bytes, needed only when the reduce is not cached too). The
    findings of consecutive tasks in report order become one chunk, carried by the first of them:
    the finding log gets the same runs of findings (so the same report) from far fewer objects."""
    maps = [(r.sealed_refs, r.sealed_summaries) for r in results]
    run: list[TaskResult] = []  # tasks whose findings continue one another in report order

    def join() -> None:
        if len(run) > 1:
            sealed = [r.sealed_findings for r in run]
            entries = [entry for data, *_ in sealed for entry in loads_body(data)]
            stats = FindingStats()
            for *_, part in sealed:
                stats.update(part)
            run[0].sealed_findings = (dumps(entries), len(entries), sealed[0][2], sealed[-1][3], stats)
            for r in run[1:]:
                r.sealed_findings = _NO_FINDINGS
        run.clear()

    for result in results:
        result.sealed_refs, result.sealed_summaries, result.stat = b"", [], None
        sealed = result.sealed_findings
        assert sealed is not None
        if not sealed[1]:
            result.sealed_findings = _NO_FINDINGS
            continue
        if run and not run[-1].sealed_findings[3] <= sealed[2]:  # as FindingLog.add_chunk starts a new run
            join()
        run.append(result)
    join()
    return results, maps


_MANIFEST_MAX_BYTES = 64 * 1024 * 1024  # a larger run's results are cached per file only
_STAT_INDEX_MAX = 200_000  # files; a larger run keeps no stat index


def fingerprint(request: RunRequest) -> str:
    settings = request.settings
    return config_fingerprint((
        sorted(s.fingerprint() for s in request.specs),
        sorted((k, v.value) for k, v in settings.severity.items()),
        sorted((k, tuple(v)) for k, v in settings.per_file_ignores.items()),
        tuple(settings.text_fields), tuple(settings.extra_fields),
        request.unsafe_fixes, None if request.fix else request.render,
        # a one-document run maps no check that needs several documents: its summaries differ
        request.single_document,
    ))


def _sealed_size(result: TaskResult) -> int:
    found = result.sealed_findings[0] if result.sealed_findings else b""
    return len(found) + len(result.sealed_refs) + sum(len(data) for data, _ in result.sealed_summaries)


# -- the pool ----------------------------------------------------------------------------------------

_WORKER: _Worker | None = None


def _init_worker(request: RunRequest) -> None:
    global _WORKER
    _WORKER = _Worker(request)


def _pool_task(task: Task) -> TaskResult:
    assert _WORKER is not None
    return _WORKER.run_task(task)


def plan_tasks(request: RunRequest) -> list[Task]:
    """Files in discovery order; large JSONL files (check mode) split into line-aligned slices."""
    tasks: list[Task] = []
    for entry in discover(request.paths, request.settings, request.force_exclude):
        if isinstance(entry, Path) and not request.fix and entry.suffix.lower() in _JSONL_SUFFIXES:
            try:
                size = entry.stat().st_size
            except OSError:
                size = 0
            if size > JSONL_CHUNK_BYTES:
                tasks.extend(_jsonl_slices(entry, JSONL_CHUNK_BYTES))
                continue
        tasks.append(entry)
    return tasks


def _jsonl_slices(path: Path, chunk: int) -> Iterator[_Slice]:
    """Cut at the first newline after every ``chunk`` bytes, counting lines for record numbers."""
    start = 0
    record = 1
    with path.open("rb") as handle:
        while True:
            handle.seek(start)
            block = handle.read(chunk)
            if not block:
                return
            tail = handle.readline()  # finish the line the block stopped in
            data = block + tail
            end = start + len(data)
            yield _Slice(path, start, end, record)
            record += data.count(b"\n")
            start = end


def _job_count(request: RunRequest, tasks: Sequence[Task]) -> int:
    if request.jobs is not None and request.jobs > 0:
        return min(request.jobs, max(1, len(tasks)))
    cpus = os.cpu_count() or 1
    if request.jobs == 0:
        return min(cpus, max(1, len(tasks)))
    # Automatic: a pool costs start-up time; worth it only for many files or a sliced JSONL file.
    heavy = sum(1 for t in tasks if isinstance(t, _Slice))
    return min(cpus, 2) if (len(tasks) >= 64 or heavy >= 2) and "-" not in tasks else 1


def _results(request: RunRequest, tasks: list[Task], jobs: int, worker: _Worker) -> Iterator[TaskResult]:
    """Each task's result, in task order. Cached results are looked up here first: a warm run over
    unchanged files then starts no pool and builds no checks; only the misses go to the workers."""
    cached = worker.cached_results(tasks)
    todo = [task for n, task in enumerate(tasks) if n not in cached]
    jobs = min(jobs, max(1, len(todo)))
    if jobs <= 1 or len(todo) < 2:
        for n, task in enumerate(tasks):
            yield cached.pop(n) if n in cached else worker.run_task(task)
        return
    import multiprocessing

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    chunksize = 1 if any(isinstance(t, _Slice) for t in todo) else 8
    with context.Pool(jobs, initializer=_init_worker, initargs=(request,)) as pool:
        fresh = pool.imap(_pool_task, todo, chunksize=chunksize)
        for n in range(len(tasks)):
            yield cached.pop(n) if n in cached else next(fresh)


# A fix run with corpus checks alternates a corpus check pass and a writing pass until the writing
# pass changes nothing or the corpus has no fix left; this many writing passes at most.
MAX_CORPUS_FIX_ROUNDS = 4


def run(request: RunRequest) -> RunOutput:
    """Check or fix. A fix run whose corpus checks can fix something checks the corpus first, so
    their edits (computed on the unchanged text) are applied with the first round of each file.
    Fixes change what the corpus checks see (two articles that differed only by an entity are
    duplicates once it is fixed), so after a pass that wrote files the corpus is checked again, and
    fixed again if it has to be: a second ``fix`` finds nothing more, and the corpus findings left
    are located in the text as written."""
    if "-" in request.paths and request.stdin_data is None:
        from newslint.inputs import read_stdin

        request = dataclasses.replace(request, stdin_data=read_stdin())  # once, for every pass
    corpus_specs = [s for s in request.specs if s.scope.value == "corpus"]
    if not (request.fix and corpus_specs and not request.corpus_fixes):
        return _run(request)
    document_specs = [s for s in request.specs if s.scope.value != "corpus"]
    writes = not request.diff and request.stdin_data is None  # else the next pass would see the old text

    def check_corpus() -> tuple[dict[tuple[str, int | None, str | None], list[Finding]], list[Finding]]:
        first = run(dataclasses.replace(request, fix=False, diff=False, specs=corpus_specs, cache=False, render=None))
        groups: dict[tuple[str, int | None, str | None], list[Finding]] = {}
        reported: list[Finding] = []
        for finding in first.result.findings:
            if finding.fix is not None and applicable(finding, request.unsafe_fixes):
                groups.setdefault((finding.path, finding.record, finding.field_name), []).append(finding)
            else:
                reported.append(finding)
        return groups, reported

    groups, reported = check_corpus()
    fixed: Counter[str] = Counter()
    changed: dict[str, None] = {}
    for _ in range(MAX_CORPUS_FIX_ROUNDS):
        output = run(dataclasses.replace(request, specs=document_specs, corpus_fixes=groups))
        fixed.update(output.result.fixed)
        changed.update(dict.fromkeys(output.changed_paths))
        if not writes or not output.changed_paths:
            break
        groups, reported = check_corpus()  # on the text as written
        if not groups:
            break
    else:  # still not settled: what is left to fix is reported, not applied
        reported.extend(f for group in groups.values() for f in group)
    output.result.findings = FindingLog.of(sorted([*output.result.findings, *reported], key=Finding.sort_key))
    output.result.checks = {s.code: s for s in request.specs}
    output.result.fixed = fixed
    if writes:
        output.changed_paths = list(changed)
        output.result.files_changed = len(changed)
    return output


def _run(request: RunRequest) -> RunOutput:
    from newslint.progress import Progress

    tasks = plan_tasks(request)
    jobs = _job_count(request, tasks)
    request.single_document = len(tasks) == 1 and isinstance(tasks[0], Path) and \
        tasks[0].suffix.lower() not in _JSONL_SUFFIXES and request.index is None and not may_be_container(tasks[0])
    reducer = _Worker(request)  # runs the tasks too when there is no pool
    if reducer.cache is not None and len(tasks) > 1:
        reducer.stat_index_name = _stat_index_name(tasks)
    progress = Progress(len(tasks)) if request.progress else None
    spool = Spool()
    findings = FindingLog(spool, reducer.render)
    problems: list[InputProblem] = []
    fixed: Counter[str] = Counter()
    diffs: list[str] = []
    changed: list[str] = []
    stdout_text: str | None = None
    files = 0
    summaries = [SummaryRun(spool) for _ in reducer.corpus]
    summaries = [summaries[share] for share in reducer.shares]  # checks sharing a map share the stream
    refs = RefTable(spool)
    run_keys: list[str | None] = []
    signed: dict[str, tuple[Signature, str]] | None = {} if reducer.stat_index_name is not None else None
    # results kept to store the whole run as one cache entry (what a warm run reads back)
    whole: list[TaskResult] | None = [] if reducer.cache is not None else None
    whole_bytes = 0
    try:
        for result in _results(request, tasks, jobs, reducer):
            run_keys.append(result.cache_key)
            if signed is not None and result.stat is not None and result.cache_key is not None:
                signed[result.display] = (result.stat, result.cache_key)
                signed = signed if len(signed) <= _STAT_INDEX_MAX else None
            if whole is not None and not reducer.whole_hit:  # (read back from that entry: not stored again)
                whole_bytes += _sealed_size(result)
                whole = whole if result.cache_key is not None and whole_bytes <= _MANIFEST_MAX_BYTES else None
                if whole is not None:
                    whole.append(result)
            files += result.counted
            assert result.sealed_findings is not None
            findings.add_sealed(*result.sealed_findings)
            problems.extend(result.problems)
            if result.fixed:
                fixed.update(result.fixed)
            if result.diff:
                diffs.append(result.diff)
            if result.changed and not request.diff:
                changed.append(result.display)
            if result.stdout_text is not None:
                stdout_text = result.stdout_text
            if result.sealed_summaries:
                base = refs.add(result.sealed_refs, result.docs)
                for n, (data, count) in enumerate(result.sealed_summaries):
                    if reducer.shares[n] == n:
                        summaries[n].add(base, data, count)
            if progress is not None:
                progress.update(result.docs or 1, result.size)
    finally:
        if progress is not None:
            progress.close()
    _cached_reduce(request, reducer, summaries, refs, run_keys, findings, jobs)
    if reducer.cache is not None:
        if whole is not None and len(whole) == len(tasks) > 1 and not reducer.whole_hit:
            results, maps = _whole_entry(whole)
            reducer.cache.put(_maps_key(run_keys), maps)  # type: ignore[arg-type]
            reducer.cache.put(_manifest_key(run_keys), results)  # type: ignore[arg-type]
        if signed is not None and reducer.stat_index_name is not None:
            reducer.cache.put_stat_index(reducer.stat_index_name, signed, reducer.started_ns, reducer.stat_index)
    result = RunResult(
        findings=findings,
        checks={s.code: s for s in request.specs},
        problems=problems,
        files_checked=files,
        fix_mode=request.fix,
        fixed=fixed,
        files_changed=len(diffs) if request.diff else len(changed),
        unsafe_fixes_enabled=request.unsafe_fixes,
    )
    return RunOutput(result, "".join(diffs), stdout_text, changed)


_REDUCE_CACHE_MAX = 50_000  # findings; a larger reduce result is recomputed rather than cached


def _cached_reduce(
    request: RunRequest,
    reducer: _Worker,
    summaries: Sequence[Iterable[tuple[int, Any]]],
    refs: Sequence[DocRef] | RefTable,
    run_keys: list[str | None],
    log: FindingLog,
    jobs: int = 1,
) -> None:
    """The corpus reduce, reused when every input is unchanged since a cached run over the same set."""
    cache = reducer.cache
    if cache is None or not reducer.corpus or request.index is not None or None in run_keys:
        _reduce_with_index(request, reducer, summaries, refs, log, jobs)
        return
    key = _reduce_key(run_keys)
    cached = reducer.preloaded.pop(key, None)
    if cached is None:
        cached = cache.get(key)
        cached = cached if isinstance(cached, list) and all(valid_sealed(sealed) for sealed in cached) else None
    if cached is not None:
        for sealed in cached:
            log.add_sealed(*sealed)
        return
    fresh = FindingLog(log.spool, log.rendered)
    _reduce_with_index(request, reducer, summaries, refs, fresh, jobs)
    if len(fresh) <= _REDUCE_CACHE_MAX:
        cache.put(key, fresh.export())
    log.merge(fresh)


def _reduce_with_index(
    request: RunRequest,
    reducer: _Worker,
    summaries: Sequence[Iterable[tuple[int, Any]]],
    refs: Sequence[DocRef] | RefTable,
    log: FindingLog,
    jobs: int = 1,
) -> None:
    """Reduce this run's summaries, together with a saved index's when ``--index`` is given."""
    if request.index is None or not reducer.corpus:
        _reduce(reducer, summaries, refs, log, jobs=jobs)
        return
    from newslint.corpus_index import load_index, locked, merge, save_index

    codes = [d.check.code for d in reducer.corpus]
    key = config_fingerprint(("index", sorted(d.check.fingerprint() for d in reducer.corpus)))
    ref_list = list(refs)
    current = [list(bucket) for bucket in summaries]
    with locked(request.index):
        old = load_index(request.index, key)
        merged, first_new = merge(old, ref_list, dict(zip(codes, current, strict=True)), {r.path for r in ref_list})
        buckets = [merged.summaries.get(code, []) for code in codes]
        _reduce(reducer, buckets, merged.refs, log, report_from=first_new)  # in this process: the index is in memory
        if not request.diff:
            save_index(request.index, merged)


_BATCH = 20_000  # corpus findings located, sorted and spooled together

# What the forked reduce processes inherit: (reducer, summaries, refs, spool, report_from).
_REDUCE_STATE: tuple | None = None


def _reduce(
    reducer: _Worker,
    summaries: Sequence[Iterable[tuple[int, Any]]],
    refs: Sequence[DocRef] | RefTable,
    log: FindingLog,
    report_from: int = 0,
    jobs: int = 1,
) -> None:
    """Every corpus check's reduce; checks sharing a summary stream reduce together. With several
    jobs (and ``fork``) the groups run in parallel processes that read the spool they inherit and
    append their findings to it; the chunks are taken in check order, so the report is the same."""
    global _REDUCE_STATE
    groups: dict[int, list[int]] = {}
    for n, share in enumerate(reducer.shares):
        groups.setdefault(share, []).append(n)
    import multiprocessing

    parallel = (
        jobs > 1 and len(groups) > 1 and isinstance(refs, RefTable)
        and "fork" in multiprocessing.get_all_start_methods()
    )
    if not parallel:
        for members in groups.values():
            for chunk, stats in _reduce_group(reducer, members, summaries, refs, log.spool, report_from):
                log.add_chunk(chunk, stats)
        return
    # biggest inputs first, so the longest reduce starts at once
    order = sorted(groups, key=lambda g: -getattr(summaries[g], "nbytes", 0))
    context = multiprocessing.get_context("fork")
    log.spool.flush()  # the children read what is on disk and append after it
    log.spool.lock = context.Lock()
    _REDUCE_STATE = (reducer, summaries, refs, log.spool, report_from)
    try:
        # a fresh process per group: memory one reduce freed is not kept for the next
        with context.Pool(min(jobs, len(groups)), maxtasksperchild=1) as pool:
            results = dict(zip(order, pool.map(_reduce_child, [groups[g] for g in order], chunksize=1), strict=True))
    finally:
        _REDUCE_STATE = None
        log.spool.lock = None
        log.spool.sync_end()
    for g in groups:
        for chunk, stats in results[g]:
            log.add_chunk(chunk, stats)


def _reduce_child(members: list[int]) -> list[tuple[Chunk, FindingStats]]:
    assert _REDUCE_STATE is not None
    reducer, summaries, refs, spool, report_from = _REDUCE_STATE
    return _reduce_group(reducer, members, summaries, refs, spool, report_from)


def _reduce_group(
    reducer: _Worker,
    members: list[int],
    summaries: Sequence[Iterable[tuple[int, Any]]],
    refs: Sequence[DocRef] | RefTable,
    spool: Spool,
    report_from: int,
) -> list[tuple[Chunk, FindingStats]]:
    """Reduce checks ``members`` (indexes into the corpus checks); their findings, located and
    sorted in batches, are written to ``spool``; returns the chunks in order."""
    linter = reducer.locator
    ignored: dict[str, list[str]] = {}
    out: list[tuple[Chunk, FindingStats]] = []
    batch: list[Finding] = []

    def flush() -> None:
        if batch:
            data, count, first, last, stats = seal_findings(batch, reducer.render, reducer.request.unsafe_fixes)
            out.append((Chunk(spool.put(data), count, first, last), stats))
            batch.clear()

    for n in members:
        detector = reducer.corpus[n]
        spec = detector.check
        for index, hit in detector.reduce(summaries[n]):
            if index < report_from:
                continue  # a document of an earlier run, known only from the index
            ref = refs[index]
            skip = ignored.get(ref.path)
            if skip is None:
                skip = ignored[ref.path] = reducer.settings.ignored_for(ref.path)
            if skip and any(matches(sel, spec) for sel in skip):
                continue
            batch.append(linter.located(spec, hit, ref.path, ref.record, ref.field_name, ref.position))
            if len(batch) >= _BATCH:
                flush()
        flush()  # one check's batches stay in document order
    return out


# -- fixing one source -------------------------------------------------------------------------------

@dataclass
class _SourceFix:
    old_text: str
    new_text: str
    new_bytes: bytes | None
    remaining: list[Finding]
    fixed: Counter[str]
    problems: list[InputProblem]
    dropped: list[str] = field(default_factory=list)  # JSONL lines removed, for the sidecar


_NOT_REWRITTEN = ("not rewritten: its encoding is uncertain or some bytes could not be decoded, "
                  "so writing it back could lose or garble text (see NL102)")


def _fix_source(
    source: SourceFile,
    linter: Linter,
    unsafe: bool,
    corpus_fixes: dict[tuple[str, int | None, str | None], list[Finding]],
) -> _SourceFix:
    fixed: Counter[str] = Counter()
    remaining: list[Finding] = []
    problems: list[InputProblem] = []
    if not source.documents and source.format.value != "jsonl":  # not read into a document (too large)
        return _SourceFix("", "", None, remaining, fixed, problems)
    if source.elements:
        return _fix_container(source, linter, unsafe, corpus_fixes)
    if source.format.value != "jsonl":
        doc = source.documents[0]
        if not doc.lossless:  # never rewritten: report what is there, as it is there
            remaining.extend(linter.check(doc))
            if any(applicable(f, unsafe) for f in remaining):
                problems.append(InputProblem(source.display, _NOT_REWRITTEN))
            return _SourceFix(doc.text, doc.text, None, remaining, fixed, problems)
        outcome = linter.fix(doc, unsafe, corpus_fixes.get((doc.path, doc.record, doc.field_name), ()))
        fixed.update(outcome.fixed)
        remaining.extend(outcome.remaining)
        if not outcome.converged:
            problems.append(InputProblem(source.display, "fixes did not converge; file left partly fixed"))
        if outcome.text == doc.text and outcome.encoding == doc.encoding:
            return _SourceFix(doc.text, doc.text, None, remaining, fixed, problems)
        if _format_changed(source, outcome.text):
            return _not_rewritten_reread(source, doc.text, outcome.text, linter, problems)
        try:
            data = encode_output(outcome.text, outcome.encoding, source.bom)
        except UnicodeEncodeError:
            data = encode_output(outcome.text, "utf-8", source.bom)
        return _SourceFix(doc.text, outcome.text, data, remaining, fixed, problems)
    texts: dict[tuple[int, str], str] = {}
    drop: set[int] = set()
    for doc in source.documents:
        preset = corpus_fixes.get((doc.path, doc.record, doc.field_name), ())
        drops = [f for f in preset if f.fix is not None and f.fix.drop_record]
        if drops and doc.record is not None:
            drop.add(doc.record)
            fixed[drops[0].code] += 1
            continue
        outcome = linter.fix(doc, unsafe, preset)
        fixed.update(outcome.fixed)
        remaining.extend(outcome.remaining)
        if not outcome.converged:
            problems.append(InputProblem(source.display, "fixes did not converge", doc.record))
        if outcome.text != doc.text:
            assert doc.record is not None and doc.field_name is not None
            texts[(doc.record, doc.field_name)] = outcome.text
    old = "".join(line.raw for line in source.lines)
    remaining = [f for f in remaining if f.record not in drop]
    if not texts and not drop:
        return _SourceFix(old, old, None, remaining, fixed, problems)
    if not source.lossless:  # untouched lines too would lose their undecodable bytes
        problems.append(InputProblem(source.display, _NOT_REWRITTEN))
        remaining = [f for doc in source.documents for f in linter.check(doc)]  # as they are in the file
        return _SourceFix(old, old, None, remaining, Counter(), problems)
    new, dropped = render_jsonl(source, texts, frozenset(drop))
    if source.first_record == 1 and _format_changed(source, new):
        return _not_rewritten_reread(source, old, new, linter, problems)
    data = encode_output(new, source.encoding, source.bom, jsonl=True)
    return _SourceFix(old, new, data, remaining, fixed, problems, dropped)


def _format_changed(source: SourceFile, new_text: str) -> bool:
    """Whether the fixed text would be read as another format than the file was (its format is
    judged from its content where the extension does not say: a ``.txt`` of JSON lines, an ``.html``
    file that a fix would leave starting with front matter). Written, it would be checked differently
    next time — and a second ``fix`` would fix more."""
    return detect_format(source.display, new_text) is not source.format


def _not_rewritten_reread(
    source: SourceFile, old: str, new: str, linter: Linter, problems: list[InputProblem]
) -> _SourceFix:
    """The file is left as it is (a warning, not an error) and its findings reported as they are."""
    after = detect_format(source.display, new)
    problems.append(InputProblem(
        source.display, f"not rewritten: once fixed it would be read as {after.value}, not {source.format.value}; "
        "give the file its format's extension, or fix it by hand", skipped=True))
    remaining = [f for doc in source.documents for f in linter.check(doc)]  # as they are in the file
    return _SourceFix(old, old, None, remaining, Counter(), problems)


def _fix_container(
    source: SourceFile,
    linter: Linter,
    unsafe: bool,
    corpus_fixes: dict[tuple[str, int | None, str | None], list[Finding]],
) -> _SourceFix:
    """A container file: each ``<doc>`` element's inner text fixed as its own document and put back in
    place; tags and everything between elements stay byte for byte. Written only when lossless."""
    fixed: Counter[str] = Counter()
    remaining: list[Finding] = []
    problems: list[InputProblem] = []
    texts: dict[int, str] = {}
    drop: set[int] = set()
    for doc in source.documents:
        assert doc.record is not None
        preset = corpus_fixes.get((doc.path, doc.record, doc.field_name), ())
        drops = [f for f in preset if f.fix is not None and f.fix.drop_record]
        if drops:
            drop.add(doc.record)
            fixed[drops[0].code] += 1
            continue
        outcome = linter.fix(doc, unsafe, preset)
        fixed.update(outcome.fixed)
        remaining.extend(outcome.remaining)
        if not outcome.converged:
            problems.append(InputProblem(source.display, f"fixes did not converge in doc {doc.record}"))
        if outcome.text != doc.text:
            texts[doc.record] = outcome.text
    old = source.text
    remaining = [f for f in remaining if f.record not in drop]
    if not texts and not drop:
        return _SourceFix(old, old, None, remaining, fixed, problems)
    new, dropped = render_container(source, texts, frozenset(drop))
    data = None
    if source.lossless:
        try:
            data = encode_output(new, source.encoding, source.bom)
        except UnicodeEncodeError:
            data = None
    if data is None:  # never rewritten: report what is there, as it is there
        problems.append(InputProblem(source.display, _NOT_REWRITTEN))
        remaining = [f for doc in source.documents for f in linter.check(doc)]
        return _SourceFix(old, old, None, remaining, Counter(), problems)
    return _SourceFix(old, new, data, remaining, fixed, problems, dropped)


_STOPPED = object()


def _map_bounded(detector: CorpusDetector, doc: Document, problems: list[InputProblem]) -> Any:
    """A corpus check's map of one document, its user-pack patterns within their time budget (the
    whole map shares it, as a document check's detect does). A map stopped by its limit leaves the
    document out of that check, with one input problem naming the check."""
    PATTERN_LIMITS.deadline = 0.0
    try:
        return detector.map(doc)
    except PatternTimeout as exc:
        spec = detector.check
        problems.append(InputProblem(doc.path, f"{spec.code} ({spec.name}): {exc.describe()}; check skipped",
                                     doc.record))
        return _STOPPED
    finally:
        PATTERN_LIMITS.deadline = -1.0


def sidecar_path(path: Path) -> Path:
    """Where dropped JSONL records go: beside the file, named so directory walks skip it."""
    return path.with_name(path.name + ".dropped")


def keep_dropped(path: Path, lines: list[str]) -> None:
    """Append dropped records, unchanged, to the sidecar (atomically: old content + new lines)."""
    sidecar = sidecar_path(path)
    try:
        previous = sidecar.read_bytes()
    except FileNotFoundError:
        previous = b""
    batch = "".join(lines).encode("utf-8", "surrogatepass")
    if batch and previous.endswith(batch) and (len(previous) == len(batch) or previous[-len(batch) - 1:][:1] == b"\n"):
        return  # a run killed after writing the sidecar and before the file: these lines are kept already
    atomic_write(sidecar, previous + batch)


def _unified_diff(path: str, old: str, new: str) -> str:
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), fromfile=f"a/{path}", tofile=f"b/{path}"
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def write_stdout(text: str) -> None:
    import sys

    sys.stdout.write(text)
    sys.stdout.flush()
