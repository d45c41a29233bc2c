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
from typing import Any, NamedTuple

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
    # where text offset 0 is in the file (1-based): a container element's text keeps the file's line:col
    first_line: int = 1
    first_column: int = 1
    # checks a JSONL record switches off for itself (its ``newslint_disable`` field): codes, prefixes
    # or names, "ALL" for every check; None when the record has no such field
    disabled: tuple[str, ...] | None = None
    _line_starts: list[int] | None = field(default=None, repr=False)
    # regions_for's answers for these regions: every check asks, with one of two or three sets of roles
    _by_roles: tuple[tuple[Region, ...], dict[frozenset[Role], list[Region]]] | None = field(
        default=None, init=False, repr=False, compare=False)

    def body_regions(self) -> list[Region]:
        return [r for r in self.regions if r.role is Role.BODY]

    def regions_for(self, roles: frozenset[Role]) -> list[Region]:
        """The regions of these roles (the same list each time: callers only read it)."""
        cache = self._by_roles
        if cache is None or cache[0] is not self.regions:
            cache = self._by_roles = (self.regions, {})
        found = cache[1].get(roles)
        if found is None:
            found = cache[1][roles] = [r for r in self.regions if r.role in roles]
        return found

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
        return Position(line + self.first_line, offset - starts[line] + (self.first_column if line == 0 else 1))

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its line break (for reporters that show context)."""
        starts = self.line_starts()
        line -= self.first_line - 1  # (a container element's lines are numbered as in its file)
        begin = starts[line - 1]
        end = starts[line] if line < len(starts) else len(self.text)
        return self.text[begin:end].rstrip("\r\n")


# A front matter block: blank lines, a ``---`` line, then everything up to the next ``---`` line.
# Closing lines are found with ``str.find``: one lazy regex over a 10 MB block took half a second.
_FRONT_OPEN = re.compile(r"\A(?:[ \t]*\r?\n)*---[ \t]*\r?\n")
_FRONT_CLOSE = re.compile(r"---[ \t]*(?:\r?\n|\Z)")
_HTML_START = re.compile(r"\A\s*(?:<!doctype\s+html|<html[\s>]|<\?xml)", re.I)
_MARKDOWN_HINT = re.compile(r"^(?:#{1,6}\s|\s*[-*+]\s+\S|>\s|```)|\[[^\]\n]+\]\([^)\s]+\)", re.M)
_MARKDOWN_EXTENSIONS = (".md", ".markdown", ".mdown", ".mkd")
_HTML_EXTENSIONS = (".html", ".htm", ".xhtml")
_JSONL_EXTENSIONS = (".jsonl", ".ndjson")


def front_matter_span(text: str) -> tuple[int, int] | None:
    """Span of a leading ``---`` YAML block (markers included), tolerating blank lines before it."""
    opening = _FRONT_OPEN.match(text)
    if opening is None:
        return None
    # the first ``---`` line after at least one line of content; else one right after the opening
    at = opening.end()
    line = text.find("\n---", at)
    while line >= 0:
        closing = _FRONT_CLOSE.match(text, line + 1)
        if closing is not None:
            return opening.start(), closing.end()
        line = text.find("\n---", line + 1)
    closing = _FRONT_CLOSE.match(text, at)
    return None if closing is None else (opening.start(), closing.end())


# Limits on YAML read from data (front matter) and from config files: parsing stays linear in the
# input and nothing built from it can be exponentially larger than the input.
MAX_FRONT_MATTER_YAML = 256 * 1024  # characters; a larger front matter is kept intact but not parsed
MAX_YAML_CHARS = 1024 * 1024  # characters; a larger config file is refused
MAX_YAML_EXPANSION = 4 * 1024 * 1024  # nodes + scalar characters once aliases are expanded (billion laughs)


class YamlError(ValueError):
    """YAML that is malformed, or over one of the limits above (one line, for a message)."""


def load_yaml(text: str, max_chars: int = MAX_YAML_CHARS) -> Any:
    """``yaml.safe_load`` (libyaml when present), within limits.

    Refused with :class:`YamlError`: text over ``max_chars``; aliases that would expand the document
    past :data:`MAX_YAML_EXPANSION` (each use of an anchor counts its whole subtree: a billion-laughs
    bomb is a few hundred bytes that PyYAML parses into shared objects, but anything that walks them —
    ``str()``, a fingerprint — takes exponential time and memory); recursive aliases; nesting too deep.
    Checked on the composed node graph, before any Python object is built."""
    import yaml

    if len(text) > max_chars:
        raise YamlError(f"larger than {max_chars:,} characters, not parsed")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expansion(node)
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise YamlError(" ".join(str(exc).split())) from None
    except RecursionError:  # the pure-Python parser, on deep nesting (libyaml stops at a depth limit)
        raise YamlError("nested too deeply") from None
    except Exception as exc:  # a tagged value PyYAML cannot build: date: 2024-13-45
        # (ValueError), !!int x (ValueError), !!bool maybe (KeyError), !!timestamp x (AttributeError)
        raise YamlError(f"cannot build a value: {type(exc).__name__}: {exc}") from None
    finally:
        loader.dispose()


def _check_expansion(root: Any, limit: int = MAX_YAML_EXPANSION) -> None:
    """Size of the node graph with every alias expanded, memoised per node (linear time)."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()  # nodes whose subtree is being walked: seeing one again is a cycle
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = _children(node)
        if done:
            open_nodes.discard(key)
            size = 1 + (len(node.value) if isinstance(node.value, str) else 0)
            size += sum(sizes[id(child)] for child in children)
            if size > limit:
                raise YamlError(f"aliases expand it past {limit:,} nodes and characters, not parsed")
            sizes[key] = size
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise YamlError("recursive alias, not parsed")
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)


def _children(node: Any) -> list[Any]:
    value = node.value
    if isinstance(value, str):
        return []
    if value and isinstance(value[0], tuple):  # a mapping: (key, value) pairs
        return [part for pair in value for part in pair]
    return list(value)


def front_matter_data(doc: Document) -> Any:
    """The document's front matter as YAML data; None when it has none, or it is malformed, or over
    :data:`MAX_FRONT_MATTER_YAML` characters, or refused by :func:`load_yaml`'s limits."""
    region = doc.front_matter()
    if region is None:
        return None
    return front_matter_yaml(doc.text[region.start:region.end])


def front_matter_yaml(block: str) -> Any:
    """A front matter block (``---`` markers included or not) as YAML data, None when it cannot be read."""
    if len(block) > MAX_FRONT_MATTER_YAML + 16:
        return None
    try:
        return load_yaml(block.strip().strip("-"), MAX_FRONT_MATTER_YAML)
    except YamlError:
        return None


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
    path: str, text: str, record: int, field_name: str, newline: str = "\n", source: str | None = None,
    disabled: tuple[str, ...] | None = None,
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
        disabled=disabled,
    )
