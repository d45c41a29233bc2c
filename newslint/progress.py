"""Progress on stderr through a whole run: reading and checking, then each corpus stage by name.

Shown only on an interactive terminal and never in CI (``CI`` set) or with ``NEWSLINT_NO_PROGRESS``,
so it can never end up in JSON, SARIF, HTML or a CI log; it appears after a short delay so quick runs
stay silent, and it is erased before the report is written.

Reading and checking: ``newslint: checking 41% · 12/51 files · 182,340 records · 87.1/213.0 MB ·
9.8 MB/s · ETA 13 s``. The percentage and ETA count bytes when the caller gave the total
(``total_bytes``), else tasks (a large JSONL file is several 4 MB tasks, so tasks are close to bytes).
"Files" counts files, not the slices of one file (``update(..., file_done=False)`` for a slice that
is not a file's last).

The corpus phase comes after, and on a large run it is the longer part: :meth:`Progress.stage`
names each step (``corpus · NL502 near-duplicate · 2/4 · 31 s``), with its own count when the step
knows its total (:meth:`Progress.advance`) and a ticking clock when it does not, redrawn by a
background thread so a long reduce in another process still shows the run is alive. Code that does
not hold the object (a reduce) uses the module-level :func:`stage` / :func:`advance`, which act on
the run's progress if there is one (:func:`active`) and do nothing otherwise.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from typing import Any, TextIO

_ACTIVE: Progress | None = None


class Progress:
    def __init__(self, total: int, stream: TextIO | None = None, delay: float = 0.8,
                 total_bytes: int | None = None, interactive: bool | None = None) -> None:
        global _ACTIVE
        self.stream = stream or sys.stderr
        self.total = total
        self.total_bytes = total_bytes
        self.enabled = _interactive(self.stream) if interactive is None else interactive
        self.start = time.monotonic()
        self.delay = delay
        self.last = 0.0
        self.tasks = self.files = self.documents = self.bytes = 0
        self.shown = False
        self._stage: tuple[str, float, int | None] | None = None  # name, started, total
        self._stage_done = 0
        self._stage_number = 0
        self._stages_total: int | None = None
        self._ticker: Any = None  # threading.Thread
        self._lock, self._stop = _sync(self.enabled)
        if self.enabled:
            _ACTIVE = self

    # -- reading and checking ---------------------------------------------------------------------

    def update(self, documents: int, size: int, file_done: bool = True) -> None:
        self.tasks += 1
        self.files += 1 if file_done else 0
        self.documents += documents
        self.bytes += size
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.start < self.delay or now - self.last < 0.2:
            return
        self.last = now
        self._draw(self.check_line(now))

    def check_line(self, now: float | None = None) -> str:
        elapsed = max((now or time.monotonic()) - self.start, 1e-6)
        if self.total_bytes:
            fraction = min(self.bytes / self.total_bytes, 1.0)
            size = f"{self.bytes / 1e6:,.1f}/{self.total_bytes / 1e6:,.1f} MB"
        else:
            fraction = min(self.tasks / self.total, 1.0) if self.total else 0.0
            size = f"{self.bytes / 1e6:,.1f} MB"
        rate = self.bytes / elapsed / 1e6
        parts = [
            f"newslint: checking {fraction:4.0%}",
            f"{self.files:,}/{self.total:,} files" if not self.total_bytes else f"{self.files:,} files",
            f"{self.documents:,} records",
            size,
            f"{rate:,.1f} MB/s",
        ]
        if 0 < fraction < 1:
            parts.append(f"ETA {_duration(elapsed * (1 - fraction) / fraction)}")
        return " · ".join(parts)

    # -- the corpus stages --------------------------------------------------------------------------

    def stages(self, count: int) -> None:
        """How many stages follow (shown as ``2/4``)."""
        self._stages_total = count

    def stage(self, name: str, total: int | None = None) -> None:
        """Start a named stage (``NL502 near-duplicate``), optionally with its own item count."""
        with self._lock:
            self._stage_number += 1
            self._stage = (name, time.monotonic(), total)
            self._stage_done = 0
        if not self.enabled:
            return
        if time.monotonic() - self.start >= self.delay:
            self._draw(self.stage_line())
        if self._ticker is None:
            import threading

            self._ticker = threading.Thread(target=self._tick, name="newslint-progress", daemon=True)
            self._ticker.start()

    def advance(self, count: int = 1) -> None:
        with self._lock:
            self._stage_done += count

    def stage_line(self) -> str:
        with self._lock:
            if self._stage is None:
                return ""
            name, started, total = self._stage
            done = self._stage_done
        parts = ["newslint: corpus", name]
        if self._stages_total:
            parts.append(f"{self._stage_number}/{self._stages_total}")
        elapsed = time.monotonic() - started
        if total:
            fraction = min(done / total, 1.0)
            parts.append(f"{fraction:4.0%} ({done:,}/{total:,})")
            if 0 < fraction < 1:
                parts.append(f"ETA {_duration(elapsed * (1 - fraction) / fraction)}")
        parts.append(_duration(elapsed))
        return " · ".join(parts)

    def _tick(self) -> None:
        while not self._stop.wait(0.5):
            line = self.stage_line()
            if line:
                self._draw(line)

    # -- drawing ------------------------------------------------------------------------------------

    def _draw(self, line: str) -> None:
        try:
            width = os.get_terminal_size(self.stream.fileno()).columns
        except (OSError, ValueError, AttributeError):
            width = 120
        if len(line) >= width:
            line = line[: max(width - 2, 10)] + "…"
        with self._lock:
            self.shown = True
            self.stream.write(f"\r\x1b[2K{line}")
            self.stream.flush()

    def close(self) -> None:
        """Erase the line and stop the clock (the end of a phase; safe to call twice). The object
        stays :func:`active` for the stages that may follow, until :func:`end`."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join(timeout=1)
            self._ticker = None
        with self._lock:
            self._stage = None
            if self.shown:
                self.stream.write("\r\x1b[2K")
                self.stream.flush()
                self.shown = False
        self._stop = _sync(self.enabled)[1]

    def end(self) -> None:
        """The run is over: erase the line; the module-level functions no longer reach this object."""
        global _ACTIVE
        self.close()
        if _ACTIVE is self:
            _ACTIVE = None



class _NoEvent:
    """``close``'s stop signal when no line is drawn: then no ticker thread ever waits on it."""

    def set(self) -> None:
        pass


def _sync(enabled: bool) -> tuple[Any, Any]:
    """A lock and a stop event, real only when the line is drawn: only then is there a ticker
    thread. A silent run (a pipe, CI, pre-commit) does not import ``threading`` for them."""
    if not enabled:
        return contextlib.nullcontext(), _NoEvent()
    import threading

    return threading.Lock(), threading.Event()


def active() -> Progress | None:
    return _ACTIVE


def stage(name: str, total: int | None = None) -> None:
    """Name the stage the run is in (for code that does not hold the Progress object)."""
    if _ACTIVE is not None:
        _ACTIVE.stage(name, total)


def stages(count: int) -> None:
    """How many corpus stages follow (for ``2/4``)."""
    if _ACTIVE is not None:
        _ACTIVE.stages(count)


def advance(count: int = 1) -> None:
    if _ACTIVE is not None:
        _ACTIVE.advance(count)


def end() -> None:
    """Erase any progress line and forget the run's progress (before the report is written)."""
    if _ACTIVE is not None:
        _ACTIVE.end()


def _duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def _interactive(stream: TextIO) -> bool:
    if os.environ.get("CI") or os.environ.get("NEWSLINT_NO_PROGRESS"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
