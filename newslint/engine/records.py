"""What crosses a process boundary between the stages: one task's sealed result, and the two
records the corpus stages need of every document.

* :class:`DocRef` — where a document is (path, record, field, line starts), without its text: the
  corpus stages locate a hit with it.
* :class:`TaskResult` — everything one task produced, *sealed*: findings (or rendered report lines),
  references and map summaries encoded as data blobs (:mod:`newslint.datafile`) in the worker, so
  the driver only appends bytes to its spool. A data record (in ``datafile.RECORDS``): the cache
  stores it and Ray ships it as bytes; nothing is unpickled from disk.
* :class:`MapRow` and :data:`MAP_SCHEMA` — one map summary keyed by the stable ``(task, doc)`` id:
  the task's number in plan order and the document's number in the task. The global document
  index a reduce sees is ``base(task) + doc``, ``base`` counting the documents of earlier tasks, so
  it is the same whichever executor ran the tasks and in whichever order they finished.
"""

from __future__ import annotations

import bisect
from array import array
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from newslint.cache import Signature
from newslint.datafile import pairs, records
from newslint.model import Finding, Position
from newslint.report import InputProblem
from newslint.spool import dumps, seal_findings


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


class MapRow(NamedTuple):
    """One corpus map summary, as an executor that shuffles moves it (Arrow-friendly columns)."""

    task: int  # the task's number in plan order
    doc: int  # the document's number within the task
    group: int  # the corpus check group (index of the group's first check)
    summary: bytes  # the detector's summary, a datafile blob (its shape is the detector's own)


#: The declared columns of a map row (Arrow type names), in order.
MAP_SCHEMA: tuple[tuple[str, str], ...] = (("task", "int64"), ("doc", "int32"), ("group", "int16"),
                                           ("summary", "binary"))


@dataclass
class TaskResult:
    """Everything one task produced; a data record, so it can come back from a worker or the cache.

    A task fills ``findings``, ``refs`` and ``summaries``, then :meth:`seal` encodes them (in the
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

    def seal(self, line: Any = None) -> TaskResult:
        """Encode findings (as report lines when ``line`` renders one), references and summaries."""
        if self.sealed_findings is None:
            self.sealed_findings = seal_findings(self.findings, line)
            self.findings = []
            self.docs = len(self.refs)
            self.sealed_refs = dumps(records(self.refs)) if self.refs else b""
            self.sealed_summaries = [(dumps(pairs(bucket)), len(bucket)) if bucket else (b"", 0)
                                     for bucket in self.summaries]
            self.refs, self.summaries = [], []
        return self

    def map_rows(self, task: int, shares: list[int]) -> list[MapRow]:
        """This (sealed) task's summaries as rows of :data:`MAP_SCHEMA` (one per document and group)."""
        from newslint.datafile import loads_body

        rows = []
        for group, (data, count) in enumerate(self.sealed_summaries):
            if count and shares[group] == group:
                rows.extend(MapRow(task, doc, group, dumps(summary)) for doc, summary in loads_body(data))
        return rows
