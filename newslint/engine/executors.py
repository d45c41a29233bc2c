"""Where the per-document stage runs. An executor takes the tasks the cache did not answer and
yields their sealed results **in the order given** (plan order): the driver's spool, the corpus
stages and so the report never depend on which executor ran, or in which order tasks finished.

* :class:`SerialExecutor` — in this process, with the driver's own worker.
* :class:`PoolExecutor` — a ``multiprocessing`` pool (``--jobs``), each process building its
  worker from the request once; results come back pickled over pipes, never through files.
* ``newslint.ray_engine.RayExecutor`` — Ray Data (``--engine ray``), imported only when selected.

A new executor needs one method, :meth:`Executor.results`, and must build its workers from the
request alone (``Worker(request)``); what it sends back is the sealed :class:`TaskResult`.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator, Sequence
from typing import Protocol

from newslint.engine.plan import Slice, Task
from newslint.engine.records import TaskResult
from newslint.engine.request import RunRequest
from newslint.engine.worker import Worker

# The collector's thresholds while a run's work is done. A run allocates millions of small objects
# that live for a task or a reduce pass (documents, hits, decoded summaries) and are freed by
# reference counting; at the default (a young collection every 700 allocations) the collector
# scanned them again and again, and walked the whole heap, the checks' tables included, a dozen
# times: a tenth of a run. Reference cycles are rare here, so collecting every 50,000 costs nothing.
RUN_GC_THRESHOLD = (50_000, 20, 20)


@contextlib.contextmanager
def rare_collections() -> Iterator[None]:
    """:data:`RUN_GC_THRESHOLD` for the duration of a run (unless collection is switched off)."""
    old = gc.get_threshold()
    if old[0]:
        gc.set_threshold(*RUN_GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*old)


class Executor(Protocol):
    def results(self, tasks: Sequence[Task]) -> Iterator[TaskResult]:
        """Each task's sealed result, in the order of ``tasks``."""
        ...  # pragma: no cover


class SerialExecutor:
    def __init__(self, worker: Worker) -> None:
        self.worker = worker

    def results(self, tasks: Sequence[Task]) -> Iterator[TaskResult]:
        for task in tasks:
            yield self.worker.run_task(task)


_WORKER: Worker | None = None


def _init_worker(request: RunRequest) -> None:
    global _WORKER
    if gc.get_threshold()[0]:  # (a forked process has the driver's already; a spawned one has not)
        gc.set_threshold(*RUN_GC_THRESHOLD)
    _WORKER = Worker(request)


def _pool_task(task: Task) -> TaskResult:
    assert _WORKER is not None
    return _WORKER.run_task(task)


class PoolExecutor:
    def __init__(self, request: RunRequest, jobs: int) -> None:
        self.request = request
        self.jobs = jobs

    def results(self, tasks: Sequence[Task]) -> Iterator[TaskResult]:
        import multiprocessing

        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        context = multiprocessing.get_context(method)
        chunksize = 1 if any(isinstance(t, Slice) for t in tasks) else 8
        with context.Pool(self.jobs, initializer=_init_worker, initargs=(self.request,)) as pool:
            yield from pool.imap(_pool_task, tasks, chunksize=chunksize)


def make_executor(request: RunRequest, worker: Worker, todo: Sequence[Task], jobs: int) -> Executor:
    """The executor the request asks for (local: a pool only when it pays)."""
    if request.engine == "ray":
        from newslint.ray_engine import RayExecutor

        return RayExecutor(request, jobs)
    jobs = min(jobs, max(1, len(todo)))
    if jobs <= 1 or len(todo) < 2:
        return SerialExecutor(worker)
    return PoolExecutor(request, jobs)
