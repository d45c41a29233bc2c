"""Documents: what the checks see, and how their offsets map back to the original file.

A file is read as bytes and decoded once (:mod:`newslint.decoding`); its format is detected from the
content as well as the extension, because scraped posts are often saved as ``.txt`` whatever they hold.
A Markdown/plain/HTML file becomes one :class:`Document` whose text is the whole decoded file, so
offsets map to line:column of the file itself. A JSONL file becomes one document per configured text
field of each record; locations are then relative to that field's value and carry the record number.
"""

from __future__ import annotations

import bisect
import enum
import itertools
import operator
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from newslint.model import Position


class Format(str, enum.Enum):
    PLAIN = "plain"
    MARKDOWN = "markdown"
    HTML = "html"
    JSONL = "jsonl"


class Role(str, enum.Enum):
    """Which part of a document a region is: checks look at the body unless told otherwise."""

    FRONT_MATTER = "front_matter"
    BODY = "body"


class Region(NamedTuple):
    start: int
    end: int
    role: Role


@dataclass
class Document:
    """One unit of text to check: a whole file, or one text field of one JSONL record."""

    path: str
    text: str
    format: Format
    regions: tuple[Region, ...]
    record: int | None = None
    field_name: str | None = None
    encoding: str = "utf-8"
    encoding_confidence: float = 1.0
    lossless: bool = True
    newline: str = "\n"
    source: str | None = None  # where the document comes from (a JSONL 'source' field), for corpus checks
    _line_starts: list[int] | None = field(default=None, repr=False)

    def body_regions(self) -> list[Region]:
        return [r for r in self.regions if r.role is Role.BODY]

    def regions_for(self, roles: frozenset[Role]) -> list[Region]:
        return [r for r in self.regions if r.role in roles]

    def front_matter(self) -> Region | None:
        for region in self.regions:
            if region.role is Role.FRONT_MATTER:
                return region
        return None

    def line_starts(self) -> list[int]:
        """Offsets where each line begins (computed once, on first use).

        Line k starts after the k line lengths before it plus their k newlines: summed and counted
        by C iterators (a scraped page can have 100,000 lines, one match object each was slow)."""
        if self._line_starts is None:
            lines = self.text.split("\n")
            lines.pop()  # the last line: nothing starts after it
            self._line_starts = list(map(operator.add, itertools.accumulate(map(len, lines), initial=0),
                                         itertools.count()))
        return self._line_starts

    def position(self, offset: int) -> Position:
        """1-based line and column (in code points) of a text offset."""
        starts = self.line_starts()
        line = bisect.bisect_right(starts, offset) - 1
        return Position(line + 1, offset - starts[line] + 1)

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its line break (for reporters that show context)."""
        starts = self.line_starts()
        begin = starts[line - 1]
        end = starts[line] if line < len(starts) else len(self.text)
        return self.text[begin:end].rstrip("\r\n")


_FRONT_MATTER = re.compile(r"\A(?:[ \t]*\r?\n)*---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*(?:\r?\n|\Z)", re.S)
_HTML_START = re.compile(r"\A\s*(?:<!doctype\s+html|<html[\s>]|<\?xml)", re.I)
_MARKDOWN_HINT = re.compile(r"^(?:#{1,6}\s|\s*[-*+]\s+\S|>\s|```)|\[[^\]\n]+\]\([^)\s]+\)", re.M)
_MARKDOWN_EXTENSIONS = (".md", ".markdown", ".mdown", ".mkd")
_HTML_EXTENSIONS = (".html", ".htm", ".xhtml")
_JSONL_EXTENSIONS = (".jsonl", ".ndjson")


def front_matter_span(text: str) -> tuple[int, int] | None:
    """Span of a leading ``---`` YAML block (markers included), tolerating blank lines before it."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        return None
    return match.start(), match.end()


def looks_like_jsonl(text: str) -> bool:
    """True when the first non-blank lines are JSON objects: scraped corpora are often ``.txt``."""
    seen = 0
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not (stripped.startswith("{") and stripped.endswith("}")):
            return False
        seen += 1
        if seen >= 2:
            break
    if seen == 0:
        return False
    import json

    first = next(line for line in text.splitlines() if line.strip())
    try:
        return isinstance(json.loads(first), dict)
    except ValueError:
        return False


def detect_format(path: str, text: str) -> Format:
    lower = path.lower()
    if lower.endswith(_JSONL_EXTENSIONS):
        return Format.JSONL
    if front_matter_span(text) is not None:
        return Format.MARKDOWN
    if lower.endswith(_HTML_EXTENSIONS) or _HTML_START.match(text):
        return Format.HTML
    if lower.endswith(_MARKDOWN_EXTENSIONS):
        return Format.MARKDOWN
    head = text[:4096]
    if head.lstrip().startswith("{") and looks_like_jsonl(head):
        return Format.JSONL
    if len(_MARKDOWN_HINT.findall(head)) >= 2:
        return Format.MARKDOWN
    return Format.PLAIN


def detect_newline(text: str) -> str:
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"


def file_document(
    path: str,
    text: str,
    fmt: Format,
    encoding: str = "utf-8",
    confidence: float = 1.0,
    lossless: bool = True,
) -> Document:
    """A whole-file document, split into front matter and body regions."""
    regions: tuple[Region, ...]
    span = front_matter_span(text) if fmt is Format.MARKDOWN else None
    if span is None:
        regions = (Region(0, len(text), Role.BODY),)
    else:
        regions = (Region(span[0], span[1], Role.FRONT_MATTER), Region(span[1], len(text), Role.BODY))
    return Document(
        path=path,
        text=text,
        format=fmt,
        regions=regions,
        encoding=encoding,
        encoding_confidence=confidence,
        lossless=lossless,
        newline=detect_newline(text),
    )


def text_document(
    path: str, text: str, record: int, field_name: str, newline: str = "\n", source: str | None = None
) -> Document:
    """A JSONL record's text field: all body, located by record number."""
    return Document(
        path=path,
        text=text,
        format=Format.JSONL,
        regions=(Region(0, len(text), Role.BODY),),
        record=record,
        field_name=field_name,
        newline="\n" if "\n" in text or "\r\n" not in text else "\r\n",
        source=source,
    )
