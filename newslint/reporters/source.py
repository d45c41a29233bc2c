"""The text a finding points at, read back at report time for the full text format.

A finding carries offsets and line:column positions, not its document's text (workers send findings
as small records, and a run over millions of records must not keep every text). The full format
shows the source line under each finding, so the reporter reads it back here, in report order:
findings arrive sorted by path then record, so each file is read once, and a JSONL file is walked
forward line by line to the records that have findings (never held whole).

What is shown must be what the positions count in: ``fix`` reports findings on the text as written,
so reading the file after the run is right; ``fix --diff`` and ``fix -`` do not write it, so there
the reporter shows no source (:attr:`SourceReader.enabled`). A line that is not there (the file
changed since) is simply not shown.
"""

from __future__ import annotations

import contextlib
import json
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from newslint.model import Finding

MAX_FILE_BYTES = 64 * 1024 * 1024  # a larger non-JSONL file is not re-read for display


class SourceReader:
    """Lines of the documents findings point at, read lazily in report order."""

    def __init__(self, stdin: dict[str, bytes] | None = None, enabled: bool = True) -> None:
        self.stdin = stdin or {}
        self.enabled = enabled
        self._path: str | None = None
        self._lines: list[str] | None = None  # the current plain file's lines
        self._jsonl: _JsonlWalker | None = None
        self._record_key: tuple[int, str] | None = None
        self._record_lines: list[str] | None = None
        self._joined: tuple[list[str], str] | None = None  # the current document's lines, joined

    def lines(self, finding: Finding) -> list[str] | None:
        """All lines of the finding's document (a file, or a record's text field); None when unknown."""
        if not self.enabled:
            return None
        records = finding.record is not None and not finding.in_container
        if finding.path != self._path or records != (self._jsonl is not None):
            self._open(finding.path, records)
        if not records:
            return self._lines
        if self._jsonl is None or finding.field_name is None:
            return None
        key = (finding.record or 0, finding.field_name)
        if key != self._record_key:
            self._record_key = key
            record = self._jsonl.record(key[0])
            value = record.get(finding.field_name) if isinstance(record, dict) else None
            self._record_lines = value.split("\n") if isinstance(value, str) else None
        return self._record_lines

    def line(self, finding: Finding, number: int) -> str | None:
        """The 1-based line ``number`` of the finding's document, without its line break."""
        lines = self.lines(finding)
        if lines is None or not 1 <= number <= len(lines):
            return None
        return lines[number - 1].rstrip("\r")

    def text_between(self, finding: Finding, start: int, end: int) -> str | None:
        """The document's text at code-point offsets ``start:end`` (an edit of the finding's fix),
        found from the finding's own offset and position; None when it cannot be known (a container
        element, whose offsets are the element's and positions the file's)."""
        if finding.in_container:
            return None
        lines = self.lines(finding)
        if lines is None:
            return None
        if self._joined is None or self._joined[0] is not lines:
            self._joined = (lines, "\n".join(lines))
        text = self._joined[1]
        line, column = finding.location
        if line > len(lines):
            return None
        line_start = sum(len(part) + 1 for part in lines[: line - 1])
        delta = line_start + column - 1 - finding.start
        if not 0 <= start + delta <= end + delta <= len(text):
            return None
        return text[start + delta: end + delta]

    def close(self) -> None:
        if self._jsonl is not None:
            self._jsonl.close()
            self._jsonl = None

    def _open(self, path: str, records: bool) -> None:
        self.close()
        self._path = path
        self._lines = None
        self._record_key = None
        self._record_lines = None
        data = self.stdin.get(path)
        if records:
            import io

            if data is not None:
                self._jsonl = _JsonlWalker(io.BytesIO(data))
                return
            with contextlib.suppress(OSError):
                self._jsonl = _JsonlWalker(Path(path).open("rb"))  # noqa: SIM115 (closed by close())
            return
        if data is None:
            try:
                with Path(path).open("rb") as handle:
                    data = handle.read(MAX_FILE_BYTES + 1)
            except OSError:
                return
            if len(data) > MAX_FILE_BYTES:
                return
        self._lines = _decode(data).split("\n")


def _decode(data: bytes) -> str:
    from newslint.decoding import BinaryInputError, decode_bytes

    try:
        return decode_bytes(data).text
    except (BinaryInputError, ValueError):
        return ""


class _JsonlWalker:
    """Records of a JSONL file by line number, read forward (findings come in record order)."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.number = 0
        self.lines: Iterator[bytes] = iter(handle)

    def record(self, number: int) -> object:
        if number <= self.number:  # (out of order: start again)
            self.handle.seek(0)
            self.lines = iter(self.handle)
            self.number = 0
        raw = None
        for line in self.lines:
            self.number += 1
            if self.number == number:
                raw = line
                break
        if raw is None:
            return None
        try:
            return json.loads(raw.decode("utf-8", "replace").strip().lstrip("\ufeff"))
        except (ValueError, RecursionError):
            return None

    def close(self) -> None:
        self.handle.close()


# -- display width ----------------------------------------------------------------------------------

TAB = "    "


def char_cell(char: str) -> tuple[str, int]:
    """How one character is drawn in a terminal and how many columns it takes: East Asian wide and
    full-width characters take two (so a caret under 北京 needs four), combining marks none; tabs,
    line separators and control characters are drawn as escapes so nothing moves the cursor."""
    if char == "\t":
        return TAB, len(TAB)
    code = ord(char)
    if code < 0x20 or 0x7F <= code <= 0x9F or char in "\u2028\u2029":
        shown = f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
        return shown, len(shown)
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        if unicodedata.category(char) == "Cf":  # zero-width space, BOM, bidi marks: made visible
            shown = f"<U+{code:04X}>"
            return shown, len(shown)
        return char, 0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return char, 2
    return char, 1


def display_width(text: str) -> int:
    return sum(char_cell(c)[1] for c in text)
