"""Disk-backed storage for one run: what the workers produced, kept out of the main process's memory.

A run over a corpus of millions of records produces millions of findings and map summaries. Kept as
Python objects in the main process they grow with the corpus (about 33 bytes of RAM per byte of
input before this module existed). Instead every task's output arrives already encoded (the worker
encodes it as data; the main process never decodes it just to keep it) and is appended to one unnamed
temporary file, the :class:`Spool`. What stays in memory is a few numbers per task.

* :class:`FindingLog` — the run's findings, read back in report order. Each task's findings are
  sorted; consecutive tasks are usually in order too (files in path order, a JSONL file's slices
  in record order), so reading is a concatenation, and a k-way merge where a task breaks the order
  (one chunk per ordered run in memory at a time). Counts the reporters need (per code, severity,
  fix applicability; the set of files) are kept on the side, so a summary needs no second pass.
* :class:`SummaryRun` — one corpus check's ``(document index, summary)`` pairs, re-iterable: a
  reduce may stream them twice (count first, then keep only what the counts make interesting).
* :class:`RefTable` — each document's location data (:class:`newslint.engine.records.DocRef`), fetched by
  index for the few documents a corpus check reports on.

The file lives in the system's temporary folder (``TMPDIR``) and disappears when the run ends.
"""

from __future__ import annotations

import bisect
import heapq
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from newslint.datafile import dump_body, loads_body
from newslint.datafile import findings as finding_data
from newslint.model import Applicability, Finding, Severity


def dumps(value: Any) -> bytes:
    """A blob of the spool: data only (see :mod:`newslint.datafile`), since cache entries carry
    blobs of earlier runs and the spool reads them back like its own."""
    return dump_body(value)


@dataclass(frozen=True)
class Blob:
    offset: int
    length: int


class Spool:
    """An append-only temporary file of byte blobs, read back by position.

    Small blobs (a 5,000-file tree makes 30,000 of them) are gathered in memory and written in
    large pieces. Writes go straight to the descriptor at the current end of the file, under
    ``lock`` when one is set: processes forked for a parallel reduce inherit the descriptor (the
    buffer is flushed before they start) and append their findings to the same file."""

    _BUFFER = 1 << 20

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="newslint-", buffering=0)  # noqa: SIM115 (lives as long as the run)
        self._fd = self._file.fileno()
        self._pending: list[bytes] = []
        self._pending_size = 0
        self._written = 0  # end of what is on disk (this process's view while it buffers)
        self.lock: Any = None

    def put(self, data: bytes) -> Blob:
        if self.lock is not None:
            with self.lock:
                return Blob(self._write(data), len(data))
        blob = Blob(self._written + self._pending_size, len(data))
        self._pending.append(data)
        self._pending_size += len(data)
        if self._pending_size >= self._BUFFER:
            self.flush()
        return blob

    def flush(self) -> None:
        if self._pending:
            data = b"".join(self._pending)
            self._pending, self._pending_size = [], 0
            offset = self._write(data)
            assert offset == self._written, "spool written by another process while buffering"
            self._written += len(data)

    def sync_end(self) -> None:
        """Take up where other processes' appends left the file (after a parallel reduce)."""
        self.flush()
        self._written = os.lseek(self._fd, 0, os.SEEK_END)

    def _write(self, data: bytes) -> int:
        offset = os.lseek(self._fd, 0, os.SEEK_END)
        view = memoryview(data)
        done = 0
        while done < len(data):
            done += os.pwrite(self._fd, view[done:], offset + done)
        return offset

    def get(self, blob: Blob) -> bytes:
        if self._pending and blob.offset + blob.length > self._written:
            self.flush()
        data = os.pread(self._fd, blob.length, blob.offset)
        if len(data) != blob.length:
            raise OSError(f"newslint spool: short read at {blob.offset}")
        return data

    def load(self, blob: Blob) -> Any:
        return loads_body(self.get(blob))

    @property
    def size(self) -> int:
        self.flush()
        return os.fstat(self._fd).st_size

    def close(self) -> None:
        self._file.close()


# -- findings ------------------------------------------------------------------------------------

# (code, name, severity, fix applicability or None) → count: everything a summary line needs.
StatKey = tuple[str, str, Severity, Applicability | None]


@dataclass
class FindingStats:
    """Counts over a set of findings, mergeable, so reporters never need a second pass."""

    counts: dict[StatKey, int] = field(default_factory=dict)  # a dict, not a Counter: cheap to unpickle
    paths: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> FindingStats:
        stats = cls()
        for finding in findings:
            stats.add(finding)
        return stats

    def add(self, finding: Finding) -> None:
        applicability = finding.fix.applicability if finding.fix is not None else None
        key = (finding.code, finding.name, finding.severity, applicability)
        self.counts[key] = self.counts.get(key, 0) + 1
        self.paths.add(finding.path)

    def update(self, other: FindingStats) -> None:
        counts = self.counts
        for key, n in other.counts.items():
            counts[key] = counts.get(key, 0) + n
        self.paths.update(other.paths)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def by_severity(self) -> Counter[Severity]:
        out: Counter[Severity] = Counter()
        for (_, _, severity, _), n in self.counts.items():
            out[severity] += n
        return out

    def by_code(self) -> Counter[str]:
        out: Counter[str] = Counter()
        for (code, _, _, _), n in self.counts.items():
            out[code] += n
        return out

    def names(self) -> dict[str, str]:
        return {code: name for code, name, _, _ in self.counts}

    def with_fix(self, applicability: Applicability, code: str | None = None) -> int:
        return sum(n for (c, _, _, a), n in self.counts.items() if a is applicability and code in (None, c))


@dataclass(frozen=True)
class Chunk:
    """Sorted findings of one task (or one batch of corpus findings), pickled in the spool."""

    blob: Blob
    count: int
    first: tuple
    last: tuple


def seal_findings(findings: list[Finding], line: Callable[[Finding], str] | None = None
                  ) -> tuple[bytes, int, tuple, tuple, FindingStats]:
    """What a worker sends for its findings: the sorted list encoded, its ends, and its counts.

    With ``line`` (a report line renderer: ``newslint.engine.worker.line_renderer``) the report
    lines are made here, in the worker, and stored as ``(sort key, line)`` instead of findings:
    rendering millions of findings is then spread over the workers instead of running in the main
    process after them. The spool stores what it is given; it knows no report format."""
    findings.sort(key=Finding.sort_key)
    first = findings[0].sort_key() if findings else ()
    last = findings[-1].sort_key() if findings else ()
    if line is not None:
        return dumps([(f.sort_key(), line(f)) for f in findings]), len(findings), first, last, FindingStats.of(findings)
    return dumps(finding_data(findings)), len(findings), first, last, FindingStats.of(findings)


class FindingLog:
    """The findings of a run, spooled to disk in sorted chunks and read back in report order."""

    def __init__(self, spool: Spool | None = None, rendered: str | None = None) -> None:
        self._spool = spool or Spool()
        self._runs: list[list[Chunk]] = []
        self.stats = FindingStats()
        self.rendered = rendered  # the chunks hold report lines of this format, not findings

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> FindingLog:
        log = cls()
        log.add_findings(list(findings))
        return log

    def add_sealed(self, data: bytes, count: int, first: tuple, last: tuple, stats: FindingStats) -> None:
        if not count:
            return
        self.add_chunk(Chunk(self._spool.put(data), count, first, last), stats)  # out of order: a new run

    def add_chunk(self, chunk: Chunk, stats: FindingStats) -> None:
        """Take a chunk already written to this log's spool (by a reduce process)."""
        if self._runs and self._runs[-1][-1].last <= chunk.first:
            self._runs[-1].append(chunk)
        else:
            self._runs.append([chunk])
        self.stats.update(stats)

    def export(self) -> list[tuple[bytes, int, tuple, tuple, FindingStats]]:
        """The chunks as :func:`seal_findings` made them (to cache; :meth:`add_sealed` takes them
        back). The counts of the log go with its first chunk."""
        out = []
        for n, chunk in enumerate(c for run in self._runs for c in run):
            out.append((self._spool.get(chunk.blob), chunk.count, chunk.first, chunk.last,
                        self.stats if n == 0 else FindingStats()))
        return out

    def merge(self, other: FindingLog) -> None:
        """Take the chunks of another log over the same spool."""
        assert other._spool is self._spool
        for run in other._runs:
            for chunk in run:
                self.add_chunk(chunk, FindingStats())
        self.stats.update(other.stats)

    def add_findings(self, findings: list[Finding]) -> None:
        if findings:
            self.add_sealed(*seal_findings(findings))

    def __len__(self) -> int:
        return self.stats.total

    def __bool__(self) -> bool:
        return self.stats.total > 0

    @property
    def spool(self) -> Spool:
        return self._spool

    def _read(self, run: list[Chunk]) -> Iterator[Any]:
        for chunk in run:
            yield from self._spool.load(chunk.blob)

    def __iter__(self) -> Iterator[Finding]:
        if self.rendered:
            raise TypeError(f"this log holds {self.rendered} report lines, not findings")
        if len(self._runs) == 1:
            return self._read(self._runs[0])
        return heapq.merge(*(self._read(run) for run in self._runs), key=Finding.sort_key)

    def lines(self) -> Iterator[str]:
        """The report lines of a rendered log, in report order."""
        if not self.rendered:
            raise TypeError("this log holds findings, not report lines")
        if len(self._runs) == 1:
            return (line for _, line in self._read(self._runs[0]))
        return (line for _, line in heapq.merge(*(self._read(run) for run in self._runs), key=_first))


def _first(entry: tuple) -> Any:
    return entry[0]


def finding_stats(findings: Iterable[Finding]) -> FindingStats:
    """The counts of a log (kept as it was filled) or of any other collection of findings."""
    if isinstance(findings, FindingLog):
        return findings.stats
    return FindingStats.of(findings)


# -- corpus-check inputs -------------------------------------------------------------------------

class SummaryRun:
    """One corpus check's ``(document index, summary)`` pairs, streamed from the spool on each pass."""

    def __init__(self, spool: Spool) -> None:
        self._spool = spool
        self._chunks: list[tuple[int, Blob]] = []
        self.count = 0
        self.nbytes = 0

    def add(self, base: int, data: bytes, count: int) -> None:
        if count:
            self._chunks.append((base, self._spool.put(data)))
            self.count += count
            self.nbytes += len(data)

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        for base, blob in self._chunks:
            for index, summary in self._spool.load(blob):
                yield base + index, summary


class RefTable:
    """Per-document references by index, stored per task; the last few tasks read stay in memory."""

    # tasks' references kept decoded: each corpus check asks in document order, so a small corpus is
    # decoded once for all its checks, not once per check (a 1 MB slice holds ~1,000 references)
    _CACHED = 16

    def __init__(self, spool: Spool) -> None:
        self._spool = spool
        self._bases: list[int] = []
        self._blobs: list[Blob] = []
        self._count = 0
        self._cache: dict[int, list[Any]] = {}

    def add(self, data: bytes, count: int) -> int:
        """Store one task's references; returns the index of its first document."""
        base = self._count
        if count:
            self._bases.append(base)
            self._blobs.append(self._spool.put(data))
            self._count += count
        return base

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: int) -> Any:
        if not 0 <= index < self._count:
            raise IndexError(index)
        slot = bisect.bisect_right(self._bases, index) - 1
        refs = self._cache.get(slot)
        if refs is None:
            if len(self._cache) >= self._CACHED:
                self._cache.pop(next(iter(self._cache)))
            refs = self._cache[slot] = self._spool.load(self._blobs[slot])
        return refs[index - self._bases[slot]]

    def __iter__(self) -> Iterator[Any]:
        for blob in self._blobs:
            yield from self._spool.load(blob)
