"""Corpus stages: map one document to a summary per check group (in the workers), reduce all the
summaries of a group to hits (in the driver), locate them, filter per-file ignores, spool them.

Stage contract (what an executor or a new corpus check relies on):

* **map** — ``CorpusDetector.map(doc) -> summary``: one document, small, data-encodable (a record
  type of ``datafile.RECORDS`` or plain values), deterministic across processes (blake2b/crc32,
  never ``hash()``). Checks whose ``map_key()`` is equal form one *group*: mapped once, one stream.
  A map that runs out of its pattern budget leaves the document out of that check (an input problem).
* **batched map** (optional) — a check may split its map in two: ``map_start(doc)`` per document
  (everything that reads the text, user patterns included, within the pattern budget) and
  ``map_finish(started) -> summaries`` over all the started documents of a task at once (array work
  only: no user pattern, no budget), with ``map(doc) == map_finish([map_start(doc)])[0]``. The
  worker starts every document through every check first (in document order, so checks that share
  a document's canonical text still share it), then finishes each check's batch.
* **key** — a summary's identity is ``(task, doc)`` (see :mod:`newslint.engine.records`); the reduce
  sees the global index ``base(task) + doc``, which is the same for every executor.
* **reduce** — ``CorpusDetector.reduce(stream) -> (index, Hit)``: the stream is re-iterable (a
  reduce may read it several times) and in index order; the hits come out in any order. Locating,
  per-file ignores and sorting happen here, not in the detector.
* **keyed** — a check whose reduce compares only summaries with equal keys declares
  ``partition_key(summary)``; an executor may then partition the stream by key and reduce each part
  on its own (``CorpusPlan.keyed``; on Ray: a hash repartition and a per-block reduce, NL501 today).
* **located** — a hit's offsets become line:column through the document's :class:`DocRef`.
* **weighed** (optional) — ``reduce_bytes_weight`` (a float, default 1): how much of a reduce's
  time its input's bytes predict, used only to start the longest of parallel reduces first.

Locally each group reduces in a fresh forked process reading the spool it inherits (memory freed
by one reduce never stays with the next); ``--index`` merges earlier runs' summaries first.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any

from newslint.engine.records import DocRef
from newslint.engine.request import RunRequest
from newslint.linter import Linter
from newslint.model import Finding
from newslint.packs import shipped
from newslint.registry import PATTERN_LIMITS, CheckSpec, CorpusDetector, PatternTimeout, build_detector, min_documents
from newslint.report import InputProblem
from newslint.selection import matches
from newslint.spool import Chunk, FindingLog, FindingStats, RefTable, Spool, seal_findings

_BATCH = 20_000  # corpus findings located, sorted and spooled together
STOPPED = object()  # a map stopped by its pattern budget


class CorpusPlan:
    """The corpus checks of a run, their groups, and the linter that locates their hits."""

    def __init__(self, request: RunRequest) -> None:
        self.settings = request.settings
        self.unsafe = request.unsafe_fixes
        specs = run_corpus_specs(request)
        self.locator = Linter(specs, self.settings.severity)  # (builds no detector: it only locates)
        self.detectors: list[CorpusDetector] = [
            d for d in (build_detector(s, shipped(s)) for s in specs) if isinstance(d, CorpusDetector)
        ]
        # which earlier corpus check's summaries each one shares (itself when none): mapped once, stored once
        first: dict[Any, int] = {}
        self.shares = [first.setdefault(key, n) if (key := d.map_key()) is not None else n
                       for n, d in enumerate(self.detectors)]
        self.owners = [n for n, share in enumerate(self.shares) if share == n]
        # An executor's keyed reduce (detector, stream) -> hits, for checks whose reduce is local to a
        # partition key (``partition_key``): a group-by stage instead of one reduce in the driver.
        self.keyed: Any = None

    def __len__(self) -> int:
        return len(self.detectors)

    def groups(self) -> dict[int, list[int]]:
        groups: dict[int, list[int]] = {}
        for n, share in enumerate(self.shares):
            groups.setdefault(share, []).append(n)
        return groups


def run_corpus_specs(request: RunRequest) -> list[CheckSpec]:
    """The corpus checks this run maps: for one document, only those that need no other (decided
    from data, ``registry.min_documents``, before any is built: the others' modules are never imported)."""
    specs = request.corpus_specs
    if request.single_document:
        specs = [s for s in specs if min_documents(s.kind) <= 1]
    return specs


def map_bounded(detector: CorpusDetector, doc: Any, problems: list[InputProblem], start: bool = False) -> Any:
    """A corpus check's map of one document (``start``: its ``map_start``), its user-pack patterns
    within their time budget (the whole map shares it, as a document check's detect does). A map
    stopped by its limit leaves the document out of that check, with one input problem naming the check."""
    PATTERN_LIMITS.deadline = 0.0
    try:
        return detector.map_start(doc) if start else detector.map(doc)  # type: ignore[attr-defined]
    except PatternTimeout as exc:
        spec = detector.check
        problems.append(InputProblem(doc.path, f"{spec.code} ({spec.name}): {exc.describe()}; check skipped",
                                     doc.record))
        return STOPPED
    finally:
        PATTERN_LIMITS.deadline = -1.0


def map_task(plan: CorpusPlan, documents: Any, problems: list[InputProblem]) -> list[list[tuple[int, Any]]]:
    """Every group's ``(document number, summary)`` pairs for one task's documents (see "batched
    map" above): each document started through each check, then each check's batch finished."""
    batched = [hasattr(d, "map_start") for d in plan.detectors]
    started: list[list[tuple[int, Any]]] = [[] for _ in plan.detectors]
    for index, doc in enumerate(documents):
        for n in plan.owners:
            detector = plan.detectors[n]
            if detector.check.applies_to(doc):
                summary = map_bounded(detector, doc, problems, start=batched[n])
                if summary is not STOPPED:
                    started[n].append((index, summary))
    for n in plan.owners:
        if batched[n] and started[n]:
            finished = plan.detectors[n].map_finish([summary for _, summary in started[n]])  # type: ignore[attr-defined]
            started[n] = [(index, summary) for (index, _), summary in zip(started[n], finished, strict=True)]
    return started


def reduce_with_index(
    request: RunRequest,
    plan: CorpusPlan,
    summaries: Sequence[Iterable[tuple[int, Any]]],
    refs: Sequence[DocRef] | RefTable,
    log: FindingLog,
    line: Any = None,
    jobs: int = 1,
    timings: dict[str, Any] | None = None,
) -> None:
    """Reduce this run's summaries, together with a saved index's when ``--index`` is given."""
    if request.index is None or not plan.detectors:
        reduce_all(plan, summaries, refs, log, line, jobs=jobs, timings=timings)
        return
    from newslint.cache import config_fingerprint
    from newslint.corpus_index import CorpusIndex, load_index, locked, merge, save_index

    codes = [d.check.code for d in plan.detectors]
    key = config_fingerprint(("index", sorted(d.check.fingerprint() for d in plan.detectors)))
    ref_list = list(refs)
    current = [list(bucket) for bucket in summaries]
    this_run = dict(zip(codes, current, strict=True))
    paths = {r.path for r in ref_list}
    with locked(request.index):
        old = load_index(request.index, key) if request.stored else CorpusIndex(key)
        merged, first_new = merge(old, ref_list, this_run, paths)
        # in this process: the index is in memory
        trial = FindingLog(log.spool, log.rendered)
        try:
            reduce_all(plan, [merged.summaries.get(code, []) for code in codes], merged.refs, trial, line,
                       report_from=first_new)
        except Exception as exc:  # noqa: BLE001 - only what the index brought can break it: see below
            if not old.refs:
                raise  # this run's own summaries: a bug, not a stored file
            # The index's summaries are data of the right types (``load_index``) but their contents
            # do not fit what the check reads (a crafted or damaged file): like any stored file that
            # fails validation, it is ignored and rebuilt from this run's documents.
            from newslint.cache import warn_ignored

            warn_ignored(f"the corpus index {request.index}",
                         f"its summaries break the corpus checks ({type(exc).__name__}: {exc})", once=False)
            merged, first_new = merge(CorpusIndex(key), ref_list, this_run, paths)
            trial = FindingLog(log.spool, log.rendered)
            reduce_all(plan, [merged.summaries.get(code, []) for code in codes], merged.refs, trial, line,
                       report_from=first_new)
        log.merge(trial)
        if not request.diff:
            save_index(request.index, merged)


# What the forked reduce processes inherit: (plan, summaries, refs, spool, line, report_from).
_REDUCE_STATE: tuple | None = None


def reduce_all(
    plan: CorpusPlan,
    summaries: Sequence[Iterable[tuple[int, Any]]],
    refs: Sequence[DocRef] | RefTable,
    log: FindingLog,
    line: Any = None,
    report_from: int = 0,
    jobs: int = 1,
    timings: dict[str, Any] | None = None,
) -> None:
    """Every corpus check's reduce; checks sharing a summary stream reduce together. With several
    jobs (and ``fork``) the groups run in parallel processes that read the spool they inherit and
    append their findings to it; the chunks are taken in check order, so the report is the same."""
    global _REDUCE_STATE
    groups = plan.groups()
    parallel = (
        jobs > 1 and len(groups) > 1 and isinstance(refs, RefTable)
        and plan.keyed is None  # never fork a process that runs Ray (its threads' locks would be copied)
        and _can_fork()
    )
    from newslint import progress  # the run's progress line, if any (a terminal): one stage per group

    progress.stages(len(groups) if not parallel else 1)
    if not parallel:
        for members in groups.values():
            progress.stage(" + ".join(f"{plan.detectors[m].check.code} {plan.detectors[m].check.name}"
                                      for m in members))
            started = time.perf_counter()
            for chunk, stats in reduce_group(plan, members, summaries, refs, log.spool, line, report_from):
                log.add_chunk(chunk, stats)
            if timings is not None:  # seconds per group (benchmarks/ray_bench.py)
                timings[f"reduce_s_{plan.detectors[members[0]].check.code}"] = time.perf_counter() - started
        return
    import multiprocessing

    progress.stage(f"{len(groups)} corpus checks in parallel")
    # longest first (by input size, as the check weighs its bytes), so the longest reduce starts at once
    order = sorted(groups, key=lambda g: -reduce_weight(plan.detectors[g], summaries[g]))
    context = multiprocessing.get_context("fork")
    log.spool.flush()  # the children read what is on disk and append after it
    log.spool.lock = context.Lock()
    _REDUCE_STATE = (plan, summaries, refs, log.spool, line, report_from)
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


def _can_fork() -> bool:
    """Whether reduces can run in forked processes. Asked only when they would (several jobs and
    groups): a serial run never imports ``multiprocessing`` (nor the ``threading`` it pulls in)."""
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def reduce_weight(detector: CorpusDetector, stream: Any) -> float:
    """How long a check's reduce is expected to take, for ordering parallel reduces: its input's
    size, times the check's ``reduce_bytes_weight`` (default 1) when most of its bytes are read
    only for a few documents (NL502's canonical texts: only candidate pairs are verified)."""
    return getattr(stream, "nbytes", 0) * getattr(detector, "reduce_bytes_weight", 1.0)


def _reduce_child(members: list[int]) -> list[tuple[Chunk, FindingStats]]:
    assert _REDUCE_STATE is not None
    plan, summaries, refs, spool, line, report_from = _REDUCE_STATE
    return reduce_group(plan, members, summaries, refs, spool, line, report_from)


def reduce_group(
    plan: CorpusPlan,
    members: list[int],
    summaries: Sequence[Iterable[tuple[int, Any]]],
    refs: Sequence[DocRef] | RefTable,
    spool: Spool,
    line: Any = None,
    report_from: int = 0,
) -> list[tuple[Chunk, FindingStats]]:
    """Reduce checks ``members`` (indexes into the corpus checks); their findings, located and
    sorted in batches, are written to ``spool``; returns the chunks in order."""
    out: list[tuple[Chunk, FindingStats]] = []
    batch: list[Finding] = []

    def flush() -> None:
        if batch:
            data, count, first, last, stats = seal_findings(batch, line)
            out.append((Chunk(spool.put(data), count, first, last), stats))
            batch.clear()

    for n in members:
        for finding in reduce_findings(plan, [n], summaries, refs, report_from):
            batch.append(finding)
            if len(batch) >= _BATCH:
                flush()
        flush()  # one check's batches stay in document order
    return out


def reduce_findings(
    plan: CorpusPlan,
    members: list[int],
    summaries: Sequence[Iterable[tuple[int, Any]]],
    refs: Sequence[DocRef] | RefTable,
    report_from: int = 0,
) -> Any:
    """The located findings of checks ``members``, check by check (each check's in its reduce's
    order), minus per-file ignores and documents of earlier runs (``report_from``)."""
    linter = plan.locator
    ignored: dict[str, list[str]] = {}
    for n in members:
        detector = plan.detectors[n]
        spec = detector.check
        keyed = plan.keyed if plan.keyed is not None and hasattr(detector, "partition_key") else None
        hits = keyed(detector, summaries[n]) if keyed is not None else detector.reduce(summaries[n])
        for index, hit in hits:
            if index < report_from:
                continue  # a document of an earlier run, known only from the index
            ref = refs[index]
            skip = ignored.get(ref.path)
            if skip is None:
                skip = ignored[ref.path] = plan.settings.ignored_for(ref.path)
            if skip and any(matches(sel, spec) for sel in skip):
                continue
            yield linter.located(spec, hit, ref.path, ref.record, ref.field_name, ref.position)
