"""The run cache: the one place where a run decides what it may take from ``.newslint_cache/``
and what it stores there (storage itself, keys and the stat index are :mod:`newslint.cache`).

Entries, all data files:

* per task: a file's sealed :class:`TaskResult`, keyed by its content, path and the configuration
  (check mode, a file read whole, no input problem);
* per run of several files: the whole run's results in one entry (their corpus map outputs in a
  second one, read only when the reduce is not cached too), the corpus reduce of those same files,
  and the stat index (signature → content key) so a warm run stats files instead of reading them.

A run looks the cache up before it starts any executor (:meth:`RunCache.lookup`): a warm run over
unchanged files builds no document checks and starts no pool. Every entry read is validated
(:func:`valid_sealed`, :func:`valid_maps`); anything else is a miss.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Sequence
from typing import Any

from newslint.cache import CACHE_DIR, ResultCache, Signature, config_fingerprint, read_signed, signature
from newslint.datafile import DataError, loads_body
from newslint.datafile import findings as finding_data
from newslint.engine.plan import Task, task_name
from newslint.engine.records import DocRef, TaskResult
from newslint.engine.request import RunRequest
from newslint.model import Finding
from newslint.spool import FindingLog, FindingStats, dumps, seal_findings

_MANIFEST_MAX_BYTES = 64 * 1024 * 1024  # a larger run's results are cached per file only
_STAT_INDEX_MAX = 200_000  # files; a larger run keeps no stat index
_REDUCE_CACHE_MAX = 50_000  # findings; a larger reduce result is recomputed rather than cached
_NO_FINDINGS = seal_findings([])


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


class RunCache:
    """What one run reads from and writes to the result cache (check mode only)."""

    def __init__(self, request: RunRequest, corpus_count: int) -> None:
        self.results = ResultCache(request.cache_root or request.settings.root / CACHE_DIR, fingerprint(request))
        self.corpus_count = corpus_count  # corpus checks this run maps (a cached task must match)
        self.uses_index = request.index is not None
        self.read = request.stored  # False: store this run's results, read nothing (see driver.run_pass)
        self.started_ns = time.time_ns()  # before this run reads any file (see cache.RACY_NS)
        self.stat_index_name: str | None = None
        self.stat_index: dict[str, tuple[Signature, str]] = {}  # as loaded by lookup
        self.whole_hit = False  # the results came from the whole-run entry: nothing to store again
        self._reduce: dict[str, Any] = {}  # the cached reduce, read when deciding what to load
        # what the driver records while consuming results, to store at the end
        self.run_keys: list[str | None] = []
        self._signed: dict[str, tuple[Signature, str]] | None = None
        self._whole: list[TaskResult] | None = []
        self._whole_bytes = 0

    @classmethod
    def for_request(cls, request: RunRequest, corpus_count: int) -> RunCache | None:
        if not request.cache or request.fix or request.output_dir is not None:  # (shards are written by tasks)
            return None
        return cls(request, corpus_count)

    # -- before the executor ------------------------------------------------------------------

    def lookup(self, tasks: Sequence[Task]) -> dict[int, TaskResult]:
        """Results of the file tasks the cache holds (by task number); nothing when it is empty.
        A file whose signature is in the stat index is not read: its content key is known."""
        from pathlib import Path

        if len(tasks) > 1:
            self.stat_index_name = ResultCache.stat_index_name([task_name(t) for t in tasks])
            self._signed = {}
        cache = self.results
        if not self.read or not cache.folder.is_dir():
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
            out = self._per_file(keys)
        for n, result in out.items():
            result.cache_key, result.stat = keys[n], sigs[n]
        return out

    def _per_file(self, keys: list[str | None]) -> dict[int, TaskResult]:
        """The per-file entries of ``keys`` this run can take. Their corpus map outputs are decoded
        and validated only when the reduce will read them: not when every file is a hit and the
        reduce of these same files is cached too (then the run's keys are exactly ``keys``, so
        :meth:`reduce_hit` finds it). Decoding a summary imports its record types' modules."""
        hits = [self.results.get(key) if key is not None else None for key in keys]
        taken = {n: hit for n, hit in enumerate(hits) if self.usable(hit, maps=False)}
        if len(taken) == len(keys) and (not self.corpus_count or (
                not self.uses_index and self._preload_reduce(keys))):  # type: ignore[arg-type]
            return taken
        return {n: hit for n, hit in taken.items() if valid_maps(hit.sealed_refs, hit.sealed_summaries)}

    def usable(self, hit: Any, maps: bool = True) -> bool:
        """A cached task result this run can take: sealed, with one summary bucket per corpus check,
        every blob in it valid data of the expected shape (a cache entry is never trusted). Without
        ``maps``, its map outputs are only checked to be blobs (see :meth:`_per_file`)."""
        return (isinstance(hit, TaskResult) and len(hit.sealed_summaries) in (0, self.corpus_count)
                and valid_sealed(hit.sealed_findings)
                and (valid_maps(hit.sealed_refs, hit.sealed_summaries) if maps
                     else maps_shaped(hit.sealed_refs, hit.sealed_summaries)))

    def _whole_run(self, results: Any, keys: list[str]) -> list[TaskResult] | None:
        """The results of a whole-run entry (see :func:`_whole_entry`), or None when it is not one.
        Their corpus map outputs, a second entry, are read only when a reduce will need them: not
        when the reduce of these same files is cached too."""
        if not (isinstance(results, list) and len(results) == len(keys)
                and all(isinstance(r, TaskResult) and valid_sealed(r.sealed_findings) for r in results)):
            return None
        if self.corpus_count and (self.uses_index or not self._preload_reduce(keys)):
            maps = self.results.get(_maps_key(keys))
            if not (isinstance(maps, list) and len(maps) == len(results)):
                return None
            try:
                for result, (refs, buckets) in zip(results, maps, strict=True):
                    if len(buckets) not in (0, self.corpus_count) or not valid_maps(refs, buckets):
                        return None
                    result.sealed_refs, result.sealed_summaries = refs, buckets
            except (TypeError, ValueError):  # corrupt: the per-file entries instead
                return None
        return results

    def _preload_reduce(self, keys: list[str]) -> bool:
        """Read the cached reduce of these files (kept for :meth:`reduce_hit`); False if none."""
        key = _reduce_key(keys)
        cached = self.results.get(key)
        if not (isinstance(cached, list) and all(valid_sealed(sealed) for sealed in cached)):
            return False
        self._reduce[key] = cached
        return True

    # -- in a worker ------------------------------------------------------------------------

    def task_key(self, display: str, data: bytes) -> str:
        return self.results.key(display, data)

    def task_hit(self, key: str) -> TaskResult | None:
        if not self.read:
            return None
        cached = self.results.get(key)
        return cached if self.usable(cached) else None

    def store_task(self, key: str, result: TaskResult) -> None:
        """A fresh, sealed result of a file read whole: cached unless it had input problems."""
        if not result.problems:
            self.results.put(key, result)

    # -- in the driver, while consuming results ----------------------------------------------

    def record(self, result: TaskResult) -> None:
        """Note one result (in task order) for the stat index and the whole-run entry."""
        self.run_keys.append(result.cache_key)
        signed = self._signed
        if signed is not None and result.stat is not None and result.cache_key is not None:
            signed[result.display] = (result.stat, result.cache_key)
            self._signed = signed if len(signed) <= _STAT_INDEX_MAX else None
        if self._whole is not None and not self.whole_hit:  # (read back from that entry: not stored again)
            self._whole_bytes += _sealed_size(result)
            if result.cache_key is not None and self._whole_bytes <= _MANIFEST_MAX_BYTES:
                self._whole.append(result)
            else:
                self._whole = None

    def reduce_applies(self) -> bool:
        """Whether the corpus reduce of this run can be cached: every input a cacheable file."""
        return self.corpus_count > 0 and not self.uses_index and None not in self.run_keys

    def reduce_hit(self) -> list | None:
        if not self.read:
            return None
        key = _reduce_key(self.run_keys)
        cached = self._reduce.pop(key, None)
        if cached is None:
            cached = self.results.get(key)
        return cached if isinstance(cached, list) and all(valid_sealed(sealed) for sealed in cached) else None

    def store_reduce(self, log: FindingLog) -> None:
        if len(log) <= _REDUCE_CACHE_MAX:
            self.results.put(_reduce_key(self.run_keys), log.export())

    def finish(self, task_count: int) -> None:
        """Store the whole-run entry and the stat index."""
        whole = self._whole
        if whole is not None and len(whole) == task_count > 1 and not self.whole_hit:
            results, maps = _whole_entry(whole)
            self.results.put(_maps_key(self.run_keys), maps)  # type: ignore[arg-type]
            self.results.put(_manifest_key(self.run_keys), results)  # type: ignore[arg-type]
        if self._signed is not None and self.stat_index_name is not None:
            self.results.put_stat_index(self.stat_index_name, self._signed, self.started_ns, self.stat_index)


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


def maps_shaped(refs: Any, buckets: Any) -> bool:
    """Whether a cached task's map outputs are blobs the driver can spool without reading them:
    references as bytes, and ``(bytes, count)`` buckets."""
    return isinstance(refs, bytes) and isinstance(buckets, list) and all(
        isinstance(b, tuple) and len(b) == 2 and isinstance(b[0], bytes) and isinstance(b[1], int) for b in buckets)


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


def _manifest_key(keys: Sequence[str | None]) -> str:
    return "run-" + config_fingerprint(("run", list(keys)))[:40]


def _reduce_key(keys: Sequence[str | None]) -> str:
    return "reduce-" + config_fingerprint(("reduce", list(keys)))[:40]


def _maps_key(keys: Sequence[str | None]) -> str:
    return "maps" + _manifest_key(keys)[3:]


def _sealed_size(result: TaskResult) -> int:
    found = result.sealed_findings[0] if result.sealed_findings else b""
    return len(found) + len(result.sealed_refs) + sum(len(data) for data, _ in result.sealed_summaries)


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
            run[0].sealed_findings = (dumps(finding_data(entries)), len(entries), sealed[0][2], sealed[-1][3], stats)
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
