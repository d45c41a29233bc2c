"""A progress line on stderr for runs longer than a moment: files, documents/s and MB/s.

Shown only on an interactive terminal and never in CI (``CI`` set), so it can never end up in JSON,
SARIF or a CI log; it appears after a short delay so quick runs stay silent.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, total: int, stream: TextIO | None = None, delay: float = 0.8) -> None:
        self.stream = stream or sys.stderr
        self.total = total
        self.enabled = _interactive(self.stream)
        self.start = time.monotonic()
        self.delay = delay
        self.last = 0.0
        self.files = self.documents = self.bytes = 0
        self.shown = False

    def update(self, documents: int, size: int) -> None:
        self.files += 1
        self.documents += documents
        self.bytes += size
        if not self.enabled:
            return
        now = time.monotonic()
        elapsed = now - self.start
        if elapsed < self.delay or now - self.last < 0.2:
            return
        self.last = now
        self.shown = True
        rate_docs = self.documents / elapsed
        rate_mb = self.bytes / elapsed / 1e6
        self.stream.write(
            f"\r\x1b[2Knewslint: {self.files}/{self.total} files, {self.documents} documents, "
            f"{rate_docs:,.0f} docs/s, {rate_mb:.1f} MB/s"
        )
        self.stream.flush()

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()


def _interactive(stream: TextIO) -> bool:
    if os.environ.get("CI") or os.environ.get("NEWSLINT_NO_PROGRESS"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
