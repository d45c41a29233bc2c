"""The driver: one run of ``check`` or ``fix``, stage by stage, in this process.

plan (tasks) → run cache lookup → executor (per-document stage, sealed results in task order) →
spool (findings, references, map summaries) → corpus stages (reduce, locate) → run cache store →
:class:`RunResult`. A fix run with corpus checks is several such passes (:func:`fixer.run_fix`).
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

from newslint.engine import plan
from newslint.engine.corpus import CorpusPlan, reduce_with_index
from newslint.engine.executors import make_executor, rare_collections
from newslint.engine.records import TaskResult
from newslint.engine.request import RunOutput, RunRequest
from newslint.engine.runcache import RunCache
from newslint.engine.worker import Worker
from newslint.report import InputProblem, RunResult
from newslint.spool import FindingLog, RefTable, Spool, SummaryRun


def run(request: RunRequest) -> RunOutput:
    """Check or fix (see :func:`newslint.engine.fixer.run_fix` for a fix run with corpus checks)."""
    if "-" in request.paths and request.stdin_data is None:
        from newslint.inputs import read_stdin

        request = dataclasses.replace(request, stdin_data=read_stdin())  # once, for every pass
    with rare_collections():
        if request.fix and request.corpus_specs and not request.corpus_fixes:
            from newslint.engine.fixer import run_fix

            return run_fix(request, run)
        return run_pass(request)


def _results(request: RunRequest, tasks: list[plan.Task], jobs: int, worker: Worker) -> Iterator[TaskResult]:
    """Each task's result, in task order. Cached results are looked up here first: a warm run over
    unchanged files then starts no executor and builds no checks; only the misses are executed."""
    cached = worker.cache.lookup(tasks) if worker.cache is not None else {}
    todo = [task for n, task in enumerate(tasks) if n not in cached]
    fresh = make_executor(request, worker, todo, jobs).results(todo) if todo else iter(())
    try:
        for n in range(len(tasks)):
            yield cached.pop(n) if n in cached else next(fresh)
    finally:  # an executor's workers (a pool, Ray actors) end here, before the corpus stages
        close = getattr(fresh, "close", None)
        if close is not None:
            close()


class StoredSummariesBroken(Exception):
    """A corpus reduce failed on map summaries read back from the result cache (see :func:`run_pass`)."""


def run_pass(request: RunRequest) -> RunOutput:
    """One pass over the inputs: check, or fix without a corpus pass.

    Cached map summaries are data of the right record types (``runcache.valid_maps``), but a crafted
    or damaged cache folder can hold contents no check expects (a committed ``.newslint_cache/``):
    when a reduce fails on a run that used them, they are ignored — one line on stderr — and the pass
    is done again reading nothing stored, which also stores fresh entries over the broken ones."""
    try:
        return _run_pass(request)
    except StoredSummariesBroken as broken:
        from newslint.cache import warn_ignored

        cause = broken.__cause__
        warn_ignored("the result cache's corpus summaries",
                     f"they break the corpus checks ({type(cause).__name__}: {cause})", once=False)
        return _run_pass(dataclasses.replace(request, stored=False))


def _run_pass(request: RunRequest) -> RunOutput:
    from newslint.progress import Progress

    clock = time.perf_counter()
    tasks = plan.plan_tasks(request)
    jobs = plan.job_count(request, tasks)
    request = dataclasses.replace(request, single_document=plan.single_document(request, tasks))
    shards = request.output_dir is not None and not request.fix  # findings written as shards by the tasks
    if shards:
        request = dataclasses.replace(request, render=None)
    worker = Worker(request)  # runs the tasks too when there is no pool; its corpus plan reduces
    corpus: CorpusPlan = worker.corpus
    if request.engine == "ray" and any(hasattr(d, "partition_key") for d in corpus.detectors):
        from newslint.ray_engine import keyed_reduce

        corpus.keyed = functools.partial(keyed_reduce, request)
    cache: RunCache | None = worker.cache
    progress = Progress(len(tasks)) if request.progress else None
    spool = Spool()
    findings = FindingLog(spool, worker.render)
    problems: list[InputProblem] = []
    fixed: Counter[str] = Counter()
    diffs: list[str] = []
    changed: list[str] = []
    stdout_text: str | None = None
    files = 0
    streams = [SummaryRun(spool) for _ in corpus.detectors]
    summaries = [streams[share] for share in corpus.shares]  # checks sharing a map share the stream
    refs = RefTable(spool)
    stages = {"plan_s": time.perf_counter() - clock, "tasks": len(tasks)}
    clock, cpu = time.perf_counter(), time.process_time()  # (cpu: this process only)
    docs = 0
    try:
        for result in _results(request, tasks, jobs, worker):
            if cache is not None:
                cache.record(result)
            files += result.counted
            assert result.sealed_findings is not None
            if result.sealed_findings[1] or not shards:
                findings.add_sealed(*result.sealed_findings)
            else:  # in a shard already: only the counts
                findings.stats.update(result.sealed_findings[4])
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
                base = refs.add(result.sealed_refs, result.docs)  # the (task, doc) id → base + doc
                for n, (data, count) in enumerate(result.sealed_summaries):
                    if corpus.shares[n] == n:
                        summaries[n].add(base, data, count)
            docs += result.docs
            if progress is not None:
                progress.update(result.docs or 1, result.size)
    finally:
        if progress is not None:
            progress.close()
    stages.update(documents_s=time.perf_counter() - clock, documents_cpu_s=time.process_time() - cpu,
                  documents=docs, spool_bytes=spool.size,
                  summary_bytes=sum(s.nbytes for s in streams), summaries=sum(len(s) for s in streams),
                  **{f"summary_bytes_{corpus.detectors[g].check.code}": streams[g].nbytes for g in corpus.owners})
    clock, cpu = time.perf_counter(), time.process_time()
    if shards:
        assert request.output_dir is not None
        from newslint.engine.shards import write_findings

        corpus_log = FindingLog(spool)
        corpus_stage(request, worker, summaries, refs, corpus_log, jobs, stages)
        write_findings(request.output_dir, "corpus", corpus_log, request.shard_format)
        findings.stats.update(corpus_log.stats)
    else:
        corpus_stage(request, worker, summaries, refs, findings, jobs, stages)
    stages.update(corpus_s=time.perf_counter() - clock, corpus_cpu_s=time.process_time() - cpu, findings=len(findings))
    if cache is not None:
        cache.finish(len(tasks))
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
    return RunOutput(result, "".join(diffs), stdout_text, changed, stages)


def corpus_stage(request: RunRequest, worker: Worker, summaries: Any, refs: Any, log: FindingLog, jobs: int,
                 timings: dict[str, Any] | None = None) -> None:
    """The corpus reduce, reused when every input is unchanged since a cached run over the same set.
    A reduce that fails in a run that reads the cache raises :class:`StoredSummariesBroken`."""
    try:
        _corpus_stage(request, worker, summaries, refs, log, jobs, timings)
    except Exception as exc:
        # (any cached result may have brought them: the driver's lookup or a worker's; a failure on
        # this run's own summaries fails again in the redone pass, and is then raised as it is)
        if worker.cache is not None and request.stored:
            raise StoredSummariesBroken() from exc
        raise


def _corpus_stage(request: RunRequest, worker: Worker, summaries: Any, refs: Any, log: FindingLog, jobs: int,
                  timings: dict[str, Any] | None = None) -> None:
    cache = worker.cache
    if cache is None or not cache.reduce_applies():
        reduce_with_index(request, worker.corpus, summaries, refs, log, worker.line, jobs, timings)
        return
    cached = cache.reduce_hit()
    if cached is not None:
        for sealed in cached:
            log.add_sealed(*sealed)
        return
    fresh = FindingLog(log.spool, log.rendered)
    reduce_with_index(request, worker.corpus, summaries, refs, fresh, worker.line, jobs)
    cache.store_reduce(fresh)
    log.merge(fresh)
