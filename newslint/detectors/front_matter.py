"""Broken front matter (NL204): a Markdown post's ``---`` YAML block that no reader can use.

Jekyll and Hexo mirrors start a post with a YAML block between two ``---`` lines. A scraper that cut
the page short, or wrote a title with an unquoted ``: `` in it, leaves a block that static-site
generators reject or read as body text; the names checks and the ``title``/``date`` fields then see
nothing. Three cases are reported, never fixed (what the author meant cannot be known):

* an opening ``---`` followed by ``key: value`` lines and no closing ``---``;
* a closed block that is not valid YAML (the finding is at the line the parser stopped at);
* a closed block whose YAML is a list or a bare string instead of a mapping of keys.

A block over ``document.MAX_FRONT_MATTER_YAML`` characters is not parsed, so not judged; an empty block
(``---`` then ``---``) is valid.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from newslint.document import (
    MAX_FRONT_MATTER_YAML,
    Document,
    Format,
    YamlError,
    front_matter_span,
    load_yaml,
)
from newslint.model import Hit
from newslint.registry import Detector

_OPEN = re.compile(r"\A(?:[ \t]*\r?\n)*---[ \t]*\r?\n")
_KEY_LINE = re.compile(r"[A-Za-z_][\w-]*[ \t]*:(?:[ \t]|\r?\n|\Z)")
_MARK = re.compile(r"line (\d+), column (\d+)")


class FrontMatterDetector(Detector):
    kind = "front-matter"

    def detect(self, doc: Document) -> Iterator[Hit]:
        if doc.format not in (Format.MARKDOWN, Format.PLAIN):
            return
        text = doc.text
        opening = _OPEN.match(text)
        if opening is None:
            return
        span = front_matter_span(text)
        if span is None:
            if _KEY_LINE.match(text, opening.end()):
                start = text.index("---", opening.start())
                yield Hit(start, start + 3, {"problem": "the opening --- line is never closed"})
            return
        inner_start = opening.end()
        closing = text.rfind("---", inner_start, span[1])
        inner = text[inner_start:closing] if closing >= inner_start else ""
        if len(inner) > MAX_FRONT_MATTER_YAML:
            return
        try:
            data = load_yaml(inner, MAX_FRONT_MATTER_YAML)
        except YamlError as exc:
            start, end = _error_span(text, inner_start, inner, str(exc))
            yield Hit(start, end, {"problem": f"not valid YAML ({_short(str(exc))})"})
            return
        if data is not None and not isinstance(data, Mapping):
            start = text.index("---", opening.start())
            yield Hit(start, start + 3, {"problem": f"YAML {type(data).__name__}, not a mapping of keys"})


def _error_span(text: str, inner_start: int, inner: str, message: str) -> tuple[int, int]:
    """The line the parser stopped at (its last mark), as a span of that line's text."""
    marks = _MARK.findall(message)
    lines = inner.split("\n")
    index = min(int(marks[-1][0]), len(lines)) - 1 if marks else 0
    index = max(index, 0)
    # a mark on an empty last line (end of input) points at the last line with text instead
    while index > 0 and not lines[index].strip():
        index -= 1
    start = inner_start + sum(len(line) + 1 for line in lines[:index])
    line = lines[index].rstrip("\r")
    if not line:
        return inner_start, inner_start
    return start, start + len(line)


def _short(message: str) -> str:
    """The parser's reason without its ``in "<unicode string>", line …`` location noise."""
    message = re.sub(r'\s*in "<unicode string>", line \d+, column \d+:?', "", message)
    return message.strip().rstrip(":")
