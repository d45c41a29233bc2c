"""Text normalisation before duplicate hashing.

Two copies of one article rarely agree byte for byte: one was saved as HTML with ``<p>`` tags and
``&nbsp;``, the other as Markdown; one has a navigation footer (``[返回首页](//…)``) or a
``责任编辑：…`` line, the other not; one uses full-width ``（６００７８７）``, the other ASCII; the
indentation is ``　　`` in one and four spaces in the other. Hashing must see through all of that,
so the body (front matter excluded) is reduced to a *canonical* form:

1. ``<script>``/``<style>`` blocks and HTML comments are dropped with their content, block tags
   become line breaks, other tags disappear, entities are decoded.
2. Markdown images and bare/auto-linked URLs are dropped, links keep their text.
3. Lines that are boilerplate (navigation-only link lines, lines starting with a configured
   pattern such as ``责任编辑：``, lines holding a configured phrase such as an app promo) are dropped.
4. Every run of punctuation, symbols and whitespace becomes one space; NFKC (for the hash only,
   never written back: the document keeps its Chinese punctuation) and case folding. A mostly
   CJK text then keeps no spaces at all (Chinese has no word spaces, so indentation, wrapping and
   ``，`` vs ``,`` must not count); other text keeps one space between words.

The canonical text is what the exact hash and the near-duplicate shingles are computed from, and
what rapidfuzz verifies candidate pairs on.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

from newslint.document import Document, Role

#: Boilerplate line patterns used when a pack gives none. Each is matched at the start of a line
#: (after indentation), like ``re.match`` per line (cheap: no scan of every position).
DEFAULT_BOILERPLATE: tuple[str, ...] = (
    r"[（(]?责任编辑\s*[:：]",
    r"[（(]?(?:编辑|作者|记者|来源|原标题)\s*[:：][^\n]{0,40}$",
    r"返回(?:东财滚动新闻|首页)",
)

#: Literal phrases: a line containing one is boilerplate wherever the phrase sits in it.
DEFAULT_PHRASES: tuple[str, ...] = (
    "海量资讯、精准解读，尽在新浪财经APP",
    "股民福利来了",
    "Share Pin It More Galleries",
)


class Boilerplate:
    """Line patterns (matched at line start) and literal phrases (found anywhere in a line)."""

    def __init__(
        self,
        patterns: Iterable[str] | None = None,
        phrases: Iterable[str] | None = None,
        compile: Callable[[str], Any] = re.compile,
    ) -> None:
        """``compile`` builds the combined pattern: ``re.compile`` for the defaults, the detector's
        bounded compiler for a user pack's patterns (they run in every document's corpus map)."""
        patterns = list(DEFAULT_BOILERPLATE if patterns is None else patterns)
        self.phrases = tuple(DEFAULT_PHRASES if phrases is None else phrases)
        self.key = (tuple(patterns), self.phrases)  # equal rules give equal canonical texts
        # one alternation, matched at the start of each line: no scan of every position
        self.regex = (
            compile(r"[ \t\u3000]*(?:" + "|".join(f"(?:{p})" for p in patterns) + ")") if patterns else None
        )

    def is_boilerplate(self, line: str) -> bool:
        if self.regex is not None and self.regex.match(line):
            return True
        return any(phrase in line for phrase in self.phrases)


_DROP_BLOCKS = re.compile(
    r"<(script|style|noscript|template)\b[^>]*>.*?</\1\s*>|<!--.*?(?:-->|\Z)", re.I | re.S
)
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|section|article|blockquote|pre|hr|header|footer)\b[^>]*>",
    re.I,
)
_ANY_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<[a-z]+://[^<>\s]*>|<>", re.I)
_MD_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_MD_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
_NAV_LINE = re.compile(r"^[ \t|｜]*(?:\[[^\]\n]*\]\([^)\n]*\)[ \t|｜·/]*)+$", re.M)
_URL = re.compile(r"(?:https?:)?//[^\s<>\"'）)]+|\bwww\.[a-z0-9.-]+(?:/[^\s<>\"'）)]*)?", re.I)
_NON_WORD = re.compile(r"[\W_]+")
_WWW = re.compile(r"[wW]{3}\.")  # where the www branch of _URL can start
_CJK_CLASS = (
    "\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3040-\u30ff\u3100-\u312f\u3190-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff"
)
CJK_CHAR = re.compile(rf"[{_CJK_CLASS}]")


def body_text(doc: Document) -> tuple[str, int]:
    """The text of the body regions (front matter excluded) and the offset where the body starts."""
    regions = [r for r in doc.regions if r.role is Role.BODY]
    if not regions:
        return "", 0
    if len(regions) == 1:
        region = regions[0]
        return doc.text[region.start : region.end], region.start
    return "\n".join(doc.text[r.start : r.end] for r in regions), regions[0].start


def compile_boilerplate(
    patterns: Iterable[str] | None = None,
    phrases: Iterable[str] | None = None,
    compile: Callable[[str], Any] = re.compile,
) -> Boilerplate:
    """Boilerplate rules: ``None`` gives the defaults, an empty list none of that sort."""
    return Boilerplate(patterns, phrases, compile)


def strip_markup(text: str) -> str:
    """Plain text of an HTML/Markdown body: blocks dropped, tags removed, entities decoded."""
    if "<" in text:
        text = _DROP_BLOCKS.sub(" ", text)
        text = _BLOCK_TAG.sub("\n", text)
        text = _ANY_TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    if "](" in text:
        text = _MD_IMAGE.sub("", text)
    return text


def drop_boilerplate(text: str, boilerplate: Boilerplate | None) -> str:
    """Remove navigation-only link lines and lines matching ``boilerplate``; keep link text.

    The pattern is matched at the start of each line only, so its cost is per line, not per character.
    """
    if "](" in text:
        text = _NAV_LINE.sub("", text)
        text = _MD_LINK.sub(r"\1", text)
    if boilerplate is None:
        return text
    phrases = [p for p in boilerplate.phrases if p in text]  # usually none: one fast scan each
    regex = boilerplate.regex
    lines = text.split("\n")
    kept = [
        line for line in lines
        if not ((regex is not None and regex.match(line)) or (phrases and any(p in line for p in phrases)))
    ]
    return text if len(kept) == len(lines) else "\n".join(kept)


def drop_urls(text: str) -> str:
    """``_URL.sub(" ", text)``, with the pattern tried only where a match can start: at a ``//`` or
    the scheme before it (``http:``, ``https:``), or at ``www.`` in any case. The pattern itself has
    no literal prefix, so ``re`` tried both branches at every character (~80 ns a character, a tenth
    of NL501+NL502's time on generated news); a match must begin at one of these places, so trying
    them in order finds the same matches."""
    starts: set[int] = set()
    at = text.find("//")
    while at >= 0:
        starts.update((at - 6, at - 5, at))
        at = text.find("//", at + 1)
    if "www." in text.lower():  # (a cheaper test than the scan, which it lets through exactly when needed)
        starts.update(m.start() for m in _WWW.finditer(text))
    if not starts:
        return text
    pieces: list[str] = []
    pos = 0
    for start in sorted(starts):
        if start < pos:
            continue
        match = _URL.match(text, start)
        if match is not None:
            pieces.append(text[pos:start])
            pieces.append(" ")
            pos = match.end()
    if not pieces:
        return text
    pieces.append(text[pos:])
    return "".join(pieces)


def canonical(text: str) -> str:
    """NFKC, case-folded, punctuation and whitespace collapsed; no spaces at all in CJK text.

    A text that is mostly CJK (judged from its UTF-8 size: CJK characters take three bytes) keeps
    no separator, since Chinese has no word spaces and indentation or wrapping must not count;
    other text keeps one space between words.
    """
    text = drop_urls(text)
    # punctuation goes first: it is what usually makes Chinese text non-NFKC (，：“”), so the
    # costly NFKC pass only runs for the rare full-width letters/digits and compatibility forms
    spaced = _NON_WORD.sub(" ", text)
    if not unicodedata.is_normalized("NFKC", spaced):
        spaced = _NON_WORD.sub(" ", unicodedata.normalize("NFKC", spaced))
    spaced = spaced.casefold().strip()
    letters = len(spaced) - spaced.count(" ")
    if letters and len(spaced.encode("utf-8", "surrogatepass")) - len(spaced) >= letters:  # >= about half CJK
        return spaced.replace(" ", "")
    return spaced


def normalize(text: str, boilerplate: Boilerplate | None = None) -> str:
    """Canonical form of a body text: the string that is hashed, shingled and compared."""
    return canonical(drop_boilerplate(strip_markup(text), boilerplate))


def cjk_fraction(canon: str) -> float:
    """Share of CJK characters among the non-space characters of a canonical text."""
    letters = len(canon) - canon.count(" ")
    if letters == 0:
        return 0.0
    return len(CJK_CHAR.findall(canon)) / letters
