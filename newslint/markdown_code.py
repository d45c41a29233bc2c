"""Where a Markdown document holds code: fenced blocks and inline code spans.

Code in a Markdown post is literal text — a tutorial's ``<div>``, a README quoting the very ad stub
or ticker widget newslint removes elsewhere. No document check reports (or fixes) anything inside it:
the linter drops a hit that overlaps a code span or block, unless the hit is whole lines holding all
of it (a junk line or boilerplate block with a bit of code in it), and any hit whose edit cuts into code.

The rules follow CommonMark closely enough for that purpose: a fence is three or more backticks or
tildes after at most three spaces, closed by a fence of the same character at least as long (an
unclosed fence runs to the end of the text, as in CommonMark); an inline span opens with a run of
backticks and closes at the next run of exactly the same length within the paragraph. Indented code
blocks are not recognised: news posts indent prose.
"""

from __future__ import annotations

import bisect
import re

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})([^\n]*)$", re.M)
_TICKS = re.compile(r"`+")
_BLANK_LINE = re.compile(r"\n[ \t]*\r?\n")


def code_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` of every fenced block (fence lines included) and inline code span (its
    backticks included) of ``text[start:end]``, sorted and disjoint. The one finder of Markdown code:
    the markup scanner (``detectors.html``) skips what it returns as well."""
    end = len(text) if end is None else end
    if text.find("`", start, end) < 0 and text.find("~~~", start, end) < 0:
        return []
    blocks = _fenced_blocks(text, start, end)
    spans: list[tuple[int, int]] = []
    outside = start
    for block_start, block_end in [*blocks, (end, end)]:
        spans.extend(_inline_spans(text, outside, block_start))
        if block_start < block_end:
            spans.append((block_start, block_end))
        outside = block_end
    return spans


def _fenced_blocks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    blocks = []
    opening = None  # (fence character, length, start of the block)
    for m in _FENCE.finditer(text, start, end):
        fence, rest = m.group(1), m.group(2)
        if opening is None:
            if fence[0] == "`" and "`" in rest:
                continue  # an info string with a backtick: an inline span, not a fence
            opening = (fence[0], len(fence), m.start())
        elif fence[0] == opening[0] and len(fence) >= opening[1] and not rest.strip():
            blocks.append((opening[2], m.end()))
            opening = None
    if opening is not None:
        blocks.append((opening[2], end))
    return blocks


def _inline_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Backtick runs pair with the next run of the same width (found by bisection among the runs of that
    width) unless a blank line lies between (bisection among the blank lines): no rescanning of text."""
    if text.find("`", start, end) < 0:
        return []
    runs = [(m.start(), m.end()) for m in _TICKS.finditer(text, start, end)]
    by_width: dict[int, list[int]] = {}
    for n, (s, e) in enumerate(runs):
        by_width.setdefault(e - s, []).append(n)
    blanks = [m.start() for m in _BLANK_LINE.finditer(text, start, end)]
    spans = []
    n = 0
    while n < len(runs):
        open_start, open_end = runs[n]
        same = by_width[open_end - open_start]
        k = bisect.bisect_right(same, n)
        close = same[k] if k < len(same) else None
        if close is not None:
            blank = bisect.bisect_left(blanks, open_end)
            if blank == len(blanks) or blanks[blank] >= runs[close][0]:
                spans.append((open_start, runs[close][1]))
                n = close + 1
                continue
        n += 1  # literal backticks: no run of the same length closes them in the paragraph
    return spans


def overlapping(spans: list[tuple[int, int]], starts: list[int], start: int, end: int) -> list[tuple[int, int]]:
    """The spans of ``spans`` that ``[start, end)`` overlaps (an empty range: the spans holding
    ``start``); ``starts``: the spans' starts, for bisection."""
    end = max(end, start + 1)
    n = max(0, bisect.bisect_right(starts, start) - 1)
    found = []
    while n < len(spans) and spans[n][0] < end:
        if spans[n][1] > start:
            found.append(spans[n])
        n += 1
    return found


def whole_lines(text: str, start: int, end: int) -> bool:
    """Whether ``[start, end)`` is whole lines: nothing but blanks before it on its first line and
    after it on its last (a junk line, a boilerplate block: such a hit may hold a code span)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    return not text[line_start:start].strip() and not text[end:line_end].strip()
