"""The Ray Data executor behind ``newslint check --engine ray`` (``newslint.ray`` holds the API side).

Imported only when selected (``pip install "newslint[ray]"``); nothing else in newslint imports Ray.

The executor runs the per-document stage — decoding, document checks, corpus maps, sealing — in
``map_batches`` over the plan's tasks (files, and 4 MB line-aligned slices of JSONL files: the
record batches), on an actor pool whose actors each build one :class:`~newslint.engine.worker.Worker`
from the request. A task's sealed result comes back as a data blob (``newslint.datafile``, never a
pickle) in an Arrow ``large_binary`` column, keyed by the task's number; the driver takes them in
plan order, so spool, corpus stages and report are the local run's, and the findings are the same.
With ``--output-dir`` the actors write each task's findings as a shard and send back counts only.

Connects to ``--ray-address``, else ``RAY_ADDRESS``, else starts a local Ray with ``--jobs`` CPUs.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from newslint.engine.plan import Slice, Task
from newslint.engine.records import TaskResult
from newslint.engine.request import RunRequest

__all__ = ["RayExecutor", "in_plan_order", "init", "keyed_reduce"]


def init(address: str | None = None, num_cpus: int | None = None) -> Any:
    """Ray, connected: to ``address`` (or ``RAY_ADDRESS``), else a local instance."""
    os.environ.setdefault("RAY_DATA_DISABLE_PROGRESS_BARS", "1")
    import ray

    if not ray.is_initialized():
        address = address or os.environ.get("RAY_ADDRESS") or None
        options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                                   "logging_level": logging.WARNING, "configure_logging": False}
        if address:
            ray.init(address=address, **options)
        else:
            ray.init(num_cpus=num_cpus, **options)
    context = ray.data.DataContext.get_current()
    context.print_on_execution_start = False
    context.execution_options.preserve_order = True  # (the driver reorders by task number anyway)
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    return ray


def _task_row(n: int, task: Task) -> dict[str, Any]:
    if isinstance(task, Slice):
        return {"n": n, "path": str(task.path), "start": task.start, "end": task.end,
                "first_record": task.first_record, "slice": True}
    assert isinstance(task, Path)
    return {"n": n, "path": str(task), "start": 0, "end": 0, "first_record": 1, "slice": False}


def _row_task(path: str, start: int, end: int, first_record: int, is_slice: bool) -> Task:
    return Slice(Path(path), start, end, first_record) if is_slice else Path(path)


class _TaskWorker:
    """One actor: a worker built once from the request; a batch of task rows → sealed result blobs."""

    def __init__(self, request: RunRequest) -> None:
        from newslint.engine.worker import Worker

        self.worker = Worker(request)

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        from newslint.datafile import dump_body

        columns = batch.to_pydict()
        numbers, blobs = [], []
        for n, path, start, end, first, is_slice in zip(columns["n"], columns["path"], columns["start"],
                                                        columns["end"], columns["first_record"], columns["slice"],
                                                        strict=True):
            result = self.worker.run_task(_row_task(path, start, end, first, is_slice))
            numbers.append(n)
            blobs.append(dump_body(result))
        return pa.table({"n": pa.array(numbers, pa.int64()), "result": pa.array(blobs, pa.large_binary())})


class RayExecutor:
    """``--engine ray``: the tasks in ``map_batches`` on an actor pool, results in task order."""

    def __init__(self, request: RunRequest, jobs: int) -> None:
        self.request = request
        self.jobs = jobs

    def results(self, tasks: Sequence[Task]) -> Iterator[TaskResult]:
        from newslint.datafile import loads_body
        from newslint.engine.worker import Worker

        remote = [n for n, t in enumerate(tasks) if isinstance(t, (Path, Slice))]
        if not remote:  # standard input, or problems found by discovery: nothing to ship
            local = Worker(self.request)
            yield from (local.run_task(t) for t in tasks)
            return
        ray = init(self.request.ray_address, self.request.jobs or None)
        actors = self.request.jobs or max(1, int(ray.cluster_resources().get("CPU", 1)))
        actors = max(1, min(actors, len(remote)))
        rows = [_task_row(n, tasks[n]) for n in remote]
        dataset = ray.data.from_items(rows, override_num_blocks=len(rows)).map_batches(
            _TaskWorker, fn_constructor_args=(self.request,), batch_size=1, batch_format="pyarrow",
            compute=ray.data.ActorPoolStrategy(size=actors), num_cpus=1, zero_copy_batch=True)
        local_worker: Worker | None = None

        def local(n: int) -> TaskResult:
            nonlocal local_worker
            local_worker = local_worker or Worker(self.request)
            return local_worker.run_task(tasks[n])

        def arrivals() -> Iterator[tuple[int, TaskResult]]:
            for batch in batches:
                for n, blob in zip(batch.column("n").to_pylist(), batch.column("result").to_pylist(), strict=True):
                    result = loads_body(blob)
                    if not isinstance(result, TaskResult):
                        raise TypeError(f"task {n}: a Ray worker sent {type(result).__name__}, not a task result")
                    yield n, result

        batches = iter(dataset.iter_batches(batch_size=None, batch_format="pyarrow", prefetch_batches=2))
        try:
            yield from in_plan_order(arrivals(), tasks, local)
        finally:  # the actors go as soon as the last result is taken: the corpus stages need the CPUs
            close = getattr(batches, "close", None)
            if close is not None:
                close()


def in_plan_order(arrivals: Iterable[tuple[int, TaskResult]], tasks: Sequence[Task],
                  local: Callable[[int], TaskResult]) -> Iterator[TaskResult]:
    """Results ``(task number, result)`` as they arrive → results in plan order; the tasks that were
    not shipped (standard input, problems found by discovery) run locally, ``local(n)``, in their turn."""
    waiting: dict[int, TaskResult] = {}
    next_n = 0

    def ready() -> Iterator[TaskResult]:
        nonlocal next_n
        while next_n < len(tasks):
            if next_n in waiting:
                yield waiting.pop(next_n)
            elif not isinstance(tasks[next_n], (Path, Slice)):
                yield local(next_n)
            else:
                return
            next_n += 1

    for n, result in arrivals:
        waiting[n] = result
        yield from ready()
    yield from ready()
    if next_n < len(tasks):
        raise RuntimeError(f"Ray returned no result for task {next_n}")

_KEYED_ROWS = 50_000  # summaries per Arrow table shipped to Ray


class _PartitionReduce:
    """One partition of a keyed corpus stage: every summary with a given key is in the same block,
    so the check's own reduce over the block gives exactly the hits the whole reduce gives there."""

    def __init__(self, spec: Any) -> None:
        from newslint.packs import shipped
        from newslint.registry import build_detector

        self.detector = build_detector(spec, shipped(spec))

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        from newslint.datafile import loads_body

        items = sorted(zip(batch.column("index").to_pylist(),
                           map(loads_body, batch.column("summary").to_pylist()), strict=True), key=_first)
        hits = list(self.detector.reduce(items))
        return pa.table({"index": pa.array([i for i, _ in hits], pa.int64()),
                         "hit": pa.array([_hit_blob(h) for _, h in hits], pa.large_binary())})


def _first(item: tuple) -> Any:
    return item[0]


def _hit_blob(hit: Any) -> bytes:
    from newslint.datafile import dump_body

    return dump_body((hit.start, hit.end, hit.args, hit.edits, hit.applicability, hit.encoding, hit.message,
                      hit.drop_record))


def keyed_reduce(request: RunRequest, detector: Any, stream: Any) -> Iterator[tuple[int, Any]]:
    """A corpus check's reduce as a Ray Data stage: the ``(index, summary)`` stream → rows
    ``(index, key, summary)`` → hash repartition by key → the check's reduce per block → hits, in
    index order (as the local reduce yields them)."""
    import pyarrow as pa

    from newslint.datafile import dump_body, loads_body
    from newslint.model import Hit

    ray = init(request.ray_address, request.jobs or None)
    tables, rows = [], {"index": [], "key": [], "summary": []}

    def flush() -> None:
        if rows["index"]:
            tables.append(pa.table({"index": pa.array(rows["index"], pa.int64()),
                                    "key": pa.array(rows["key"], pa.binary()),
                                    "summary": pa.array(rows["summary"], pa.large_binary())}))
            for column in rows.values():
                column.clear()

    for index, summary in stream:
        key = detector.partition_key(summary)
        if key is not None:
            rows["index"].append(index)
            rows["key"].append(key)
            rows["summary"].append(dump_body(summary))
            if len(rows["index"]) >= _KEYED_ROWS:
                flush()
    flush()
    if not tables:
        return
    cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
    # a partition must stay one block (Ray splits blocks above its target size): 32 MB at most
    nbytes = sum(table.nbytes for table in tables)
    partitions = max(1, min(len(tables) * 2, cpus * 4), -(-nbytes // (32 << 20)))
    # materialized: the shuffle's aggregators give their CPUs back before the reduce actors start
    dataset = (ray.data.from_arrow(tables).repartition(partitions, keys=["key"]).materialize()
               .map_batches(_PartitionReduce, fn_constructor_args=(detector.check,), batch_size=None,
                            batch_format="pyarrow", compute=ray.data.ActorPoolStrategy(size=min(cpus, partitions)),
                            num_cpus=1))
    hits = []
    for batch in dataset.iter_batches(batch_size=None, batch_format="pyarrow"):
        for index, blob in zip(batch.column("index").to_pylist(), batch.column("hit").to_pylist(), strict=True):
            start, end, args, edits, applicability, encoding, message, drop = loads_body(blob)
            hits.append((index, Hit(start, end, args, edits, applicability, encoding, message, drop)))
    hits.sort(key=_first)
    yield from hits
