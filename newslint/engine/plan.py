"""Stage 1, plan: the inputs → a list of tasks, each naming its data (never an open file).

A task is a file path, a :class:`Slice` (a line-aligned byte range of a large JSONL file, with the
record number of its first line), ``"-"`` (standard input, read once by the driver) or an
:class:`InputProblem` (what discovery could not check: a FIFO, a broken link). Its number in the
list is its identity for the rest of the run (the ``task`` of a ``(task, doc)`` id): results are
consumed in that order, so the output never depends on the executor.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from newslint.engine.request import RunRequest
from newslint.inputs import discover, may_be_container
from newslint.report import InputProblem

# A slice is the unit a pool process takes: small enough that two processes finish a 10 MB file
# together (4 MB slices left one process idle for the last fifth of it), large enough that a
# slice's fixed costs (a task, a spool chunk per stream) stay far below its work.
JSONL_CHUNK_BYTES = 1024 * 1024
JSONL_SUFFIXES = (".jsonl", ".ndjson")


@dataclass(frozen=True)
class Slice:
    """Lines ``[start, end)`` (byte offsets) of a large JSONL file; ``first_record`` is the line number."""

    path: Path
    start: int
    end: int
    first_record: int


Task = Path | str | Slice | InputProblem


def plan_tasks(request: RunRequest, slice_jsonl: bool | None = None) -> list[Task]:
    """Files in discovery order; large JSONL files split into line-aligned slices (check mode, or
    whenever ``slice_jsonl``: a fix that writes shards, not the file)."""
    if slice_jsonl is None:
        slice_jsonl = not request.fix or request.output_dir is not None
    tasks: list[Task] = []
    for entry in discover(request.paths, request.settings, request.force_exclude):
        if isinstance(entry, Path) and slice_jsonl and entry.suffix.lower() in JSONL_SUFFIXES:
            try:
                size = entry.stat().st_size
            except OSError:
                size = 0
            if size > JSONL_CHUNK_BYTES:
                tasks.extend(jsonl_slices(entry, JSONL_CHUNK_BYTES))
                continue
        tasks.append(entry)
    return tasks


def jsonl_slices(path: Path, chunk: int) -> Iterator[Slice]:
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
            yield Slice(path, start, end, record)
            record += data.count(b"\n")
            start = end


def single_document(request: RunRequest, tasks: Sequence[Task]) -> bool:
    """Whether the run can hold only one document (one plain file): corpus checks that need
    several documents are then not even built."""
    return (len(tasks) == 1 and isinstance(tasks[0], Path) and tasks[0].suffix.lower() not in JSONL_SUFFIXES
            and request.index is None and not may_be_container(tasks[0]))


def job_count(request: RunRequest, tasks: Sequence[Task]) -> int:
    if request.jobs is not None and request.jobs > 0:
        return min(request.jobs, max(1, len(tasks)))
    cpus = os.cpu_count() or 1
    if request.jobs == 0:
        return min(cpus, max(1, len(tasks)))
    # Automatic: a pool costs start-up time; worth it only for many files or a sliced JSONL file.
    heavy = sum(1 for t in tasks if isinstance(t, Slice))
    return min(cpus, 2) if (len(tasks) >= 64 or heavy >= 2) and "-" not in tasks else 1


def task_name(task: Task) -> str:
    """A task's stable name (the stat index is keyed by the list of them)."""
    return task.as_posix() if isinstance(task, Path) else repr(task)
