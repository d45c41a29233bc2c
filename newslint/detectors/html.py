"""Markup left in text: HTML entities (NL104), tags (NL201), comments (NL202), style/script and CSS (NL203).

Scrapers that save a page's ``innerHTML`` instead of its text leave four kinds of markup behind, and
the four checks here split them so that no two checks ever claim the same characters:

* Markdown code (fences and spans) is found first and never touched;
* one regex pass finds, leftmost first, comments, ``<style>``/``<script>`` blocks and tags, both
  real and entity-escaped (``&lt;p&gt;``: the page displayed the tag as text, it is still a
  leftover tag, NL201's);
* leftover CSS rules (``.appendQr_wrap&#123;border:1px solid #E6E6E6;&#125;`` after Hexo escaped the
  braces, or plain ``{…}``) are found from their brace back to a line start, outside those tokens;
* entities are fixed only in the text that remains. Those inside a style/script block or CSS rule
  (Hexo's ``&#123;``) are reported once per block with no fix: NL203's fix removes the block, and two
  checks never edit the same characters. NL104's fix therefore never creates a tag, a comment or a
  CSS rule that another check would flag next round (no two checks "fixing" each other in a loop).

What counts as a tag is deliberately narrow: ``<`` + a known HTML element name (or an Office
namespace like ``o:p``) + well-formed attributes, at least one of them with ``=``. So ``a < b``,
``<3``, ``x<y``, ``List<String>``, ``<http://…>``/``<mailto:…>``/``<a@b.cn>`` autolinks, ``<>`` and
``《<蒙特利尔议定书>》`` are text.

Fixes keep every character of text between tags (``　　`` paragraph indents included): block tags
become one paragraph break, inline tags and images vanish, and only the ASCII whitespace around the
removed markup is collapsed, so fixing never leaves three blank lines in a row. Every removal also
carries an empty edit at its right end: that makes it conflict with a removal starting right there,
which then waits a round and sees the whitespace this one left (otherwise two adjacent removals could
each add a paragraph break). All four share one scan per document text (cached), so running them
together costs one pass.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator
from typing import ClassVar, NamedTuple

from newslint.document import Document, Region
from newslint.markdown_code import code_spans
from newslint.model import Applicability, Edit, Hit
from newslint.registry import Detector, Param
from newslint.suppression import DIRECTIVE

# -- tag tables ---------------------------------------------------------------------------------------

# Block-level elements: removing one separates the text around it like a paragraph does.
BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "br", "caption", "center", "col", "colgroup",
        "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer",
        "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hgroup", "hr",
        "html", "legend", "li", "main", "menu", "nav", "noframes", "noscript", "ol", "optgroup", "option",
        "p", "pre", "section", "summary", "table", "tbody", "tfoot", "thead", "title", "tr", "ul",
    }
)
# Table cells: a space between cells of one row (the row, ``tr``, is the paragraph).
CELL_TAGS = frozenset({"td", "th"})
# Inline and embedded elements: removed without a break (images and empty wrappers just vanish).
INLINE_TAGS = frozenset(
    {
        "a", "abbr", "acronym", "area", "audio", "b", "base", "basefont", "bdi", "bdo", "big", "button",
        "canvas", "cite", "code", "data", "datalist", "del", "dfn", "em", "embed", "font", "i", "iframe",
        "img", "input", "ins", "kbd", "label", "link", "map", "mark", "marquee", "meta", "meter", "nobr",
        "object", "output", "param", "picture", "progress", "q", "rp", "rt", "ruby", "s", "samp", "select",
        "small", "source", "span", "strike", "strong", "sub", "sup", "svg", "template", "textarea", "time",
        "track", "tt", "u", "var", "video", "wbr",
    }
)
_CATEGORY = {
    **{name: "inline" for name in INLINE_TAGS}, **{name: "cell" for name in CELL_TAGS},
    **{name: "block" for name in BLOCK_TAGS},
}
# Any name here; _token keeps only the known ones (a set lookup: an alternation of 130 names made the
# regex engine try them one by one at every '<').
_TAG_NAME = r"[a-z][a-z0-9]*(?::[a-z][a-z0-9]*)?"
# Word/Office HTML: <o:p>, <st1:chsdate>, <v:shape>. Not URI schemes: <http:…>, <mailto:…> are autolinks.
_OFFICE_NAME = re.compile(r"(?:o|v|w|x|m|st\d):[a-z][a-z0-9]*")

# Entity-escaped delimiters, also escaped twice or more (``&amp;lt;``, ``&#38;lt;``) and numeric
# (``&#60;``): whatever NL104 could decode into a delimiter is already one here.
_AMPS = r"(?:amp;|\#0*38;|\#[xX]0*26;)*"
_LT = rf"&{_AMPS}(?:lt|\#0*60|\#[xX]0*3[cC]);"
_GT = rf"&{_AMPS}(?:gt|\#0*62|\#[xX]0*3[eE]);"
_QUOT = rf"&{_AMPS}(?:quot|\#0*34|\#[xX]0*22);"
# Attributes of a real tag: quoted values may hold '>' but not '<'; unquoted ones may hold '&'.
_ATTRS = r"""(?:\s+[^\s"'<>/=]+(?:\s*=\s*(?:"[^"<]*"|'[^'<]*'|[^\s"'<>=`]+))?)*"""
# Attributes of an escaped tag: values quoted with &quot;, or unquoted without '&' (else a value
# could run over the closing &gt; and swallow the text after it).
_EATTRS = rf"""(?:\s+[^\s"'<>/=&]+(?:\s*=\s*(?:{_QUOT}[^&<>]*?{_QUOT}|"[^"<]*"|'[^'<]*'|[^\s"'<>=`&]+))?)*"""

# Every top-level branch starts with a literal '<' or '&': the regex engine then skips to candidates at
# C speed (the same alternation wrapped in named groups was ten times slower). Comments and style/script
# blocks are matched by their opening only: their end is the first closer after it (:class:`_Closers`).
# A lazy ``[\s\S]*?-->`` here scanned to the end of the text for every comment left unclosed (50,000
# ``<!--`` in 200 KB took minutes); the closers are found once, left to right.
_MARKUP = re.compile(
    r"<(?:"
    r"(?P<comment>!--)"
    rf"|(?P<block>(?P<open>(?P<raw>style|script)(?=[\s/>]){_ATTRS}\s*>))"
    rf"|(?P<lone>(?P<lclose>/)?(?P<lname>style|script)(?=[\s/>]){_ATTRS}\s*/?>)"
    rf"|(?P<tag>(?P<close>/)?(?P<name>{_TAG_NAME})(?=[\s/>&])(?P<attrs>{_ATTRS})\s*/?(?:>|{_GT}))"
    rf")|{_LT}(?:"
    r"(?P<ecomment>!--)"
    rf"|(?P<eblock>(?P<eopen>(?P<eraw>style|script)(?=[\s/&>]){_EATTRS}\s*(?:{_GT}|>)))"
    rf"|(?P<elone>(?P<elclose>/)?(?P<elname>style|script)(?=[\s/&>]){_EATTRS}\s*/?(?:{_GT}|>))"
    rf"|(?P<etag>(?P<eclose>/)?(?P<ename>{_TAG_NAME})(?=[\s/&>])(?P<eattrs>{_EATTRS})\s*/?(?:{_GT}|>))"
    r")",
    re.I,
)
# What a block opening falls back to when no closer follows it (the alternation's next branch).
_LONE = re.compile(
    rf"<(?P<lone>(?P<lclose>/)?(?P<lname>style|script)(?=[\s/>]){_ATTRS}\s*/?>)"
    rf"|{_LT}(?P<elone>(?P<elclose>/)?(?P<elname>style|script)(?=[\s/&>]){_EATTRS}\s*/?(?:{_GT}|>))",
    re.I,
)
_CLOSERS = {
    "comment": re.compile(rf"--(?:>|{_GT})", re.I),
    ("block", "style"): re.compile(r"</style\s*>", re.I),
    ("block", "script"): re.compile(r"</script\s*>", re.I),
    ("eblock", "style"): re.compile(rf"{_LT}/style\s*(?:{_GT}|>)", re.I),
    ("eblock", "script"): re.compile(rf"{_LT}/script\s*(?:{_GT}|>)", re.I),
}


class _Closers:
    """The first closer of each kind at or after a position, for a scan that moves forward: one
    search answers every query up to the closer it found (and a failed one, every query after it)."""

    def __init__(self, text: str, end: int) -> None:
        self.text, self.end = text, end
        self.found: dict[object, tuple[int, re.Match[str] | None]] = {}

    def after(self, kind: object, pos: int) -> re.Match[str] | None:
        known = self.found.get(kind)
        if known is not None:
            since, match = known
            if match is None and pos >= since:
                return None
            if match is not None and since <= pos <= match.start():
                return match
        match = _CLOSERS[kind].search(self.text, pos, self.end)
        self.found[kind] = (pos, match)
        return match


# -- CSS rules outside <style> ----------------------------------------------------------------------------

_CSS_OPEN = rf"(?:\{{|&{_AMPS}(?:\#0*123|\#x0*7b|lcub|lbrace);)"
_CSS_CLOSE = rf"(?:\}}|&{_AMPS}(?:\#0*125|\#x0*7d|rcub|rbrace);)"
_CSS_TAGS = "a|b|body|div|em|h[1-6]|html|i|img|li|ol|p|span|strong|table|td|th|tr|ul"
_CSS_SIMPLE = (
    rf"(?:[.#][A-Za-z_-][\w-]*|(?:{_CSS_TAGS})(?![\w-])|\*)"
    r"(?:[.#][\w-]+|::?[\w-]+(?:\([^)\n]*\))?|\[[^\]\n]*\])*"
)
_CSS_SELECTOR = rf"{_CSS_SIMPLE}(?:(?:\s*[>+~,]\s*|[ \t]+){_CSS_SIMPLE})*"
_CSS_RULE = (
    rf"(?P<sel>{_CSS_SELECTOR})\s*(?P<open>{_CSS_OPEN})"
    rf"(?P<body>(?:(?!{_CSS_OPEN}|{_CSS_CLOSE})[^<>{{}}]){{0,2000}}){_CSS_CLOSE}"
)
# Selectors are ASCII (re.A): a Chinese line never starts a CSS rule.
_CSS_FIRST = re.compile(rf"[ \t]*(?P<rule>{_CSS_RULE})", re.A | re.I)
_CSS_NEXT = re.compile(rf"\s*(?P<rule>{_CSS_RULE})", re.A | re.I)
_CSS_HINT = re.compile(_CSS_OPEN, re.I)
_CSS_DECLARATION = re.compile(r"\s*-?[A-Za-z][\w-]*\s*:", re.A)

# -- entities ---------------------------------------------------------------------------------------------

# An entity, possibly escaped again (``&amp;nbsp;``); ``&nbsp`` is also accepted without its ';'
# (common in old Chinese portals), no other name is: ``?a=1&copy=2`` is a URL, not ``©``.
_ENTITY = re.compile(
    rf"&(?P<amps>{_AMPS})(?P<body>\#[xX][0-9a-fA-F]{{1,6}};|\#[0-9]{{1,7}};"
    r"|[A-Za-z][A-Za-z0-9]{1,31};|nbsp(?![A-Za-z0-9=;]))"
)

_ONE_AMP = re.compile(r"amp;|\#0*38;|\#[xX]0*26;")
_ASCII_WS = " \t\r\n"
# Between two block tags, these are no text: ``<p>　</p>`` and ``<p>&nbsp;</p>`` are empty paragraphs.
_EMPTY_GAP = re.compile(r"(?:\s|&nbsp;?|&\#0*160;|&\#x0*a0;)*", re.I)


class Token(NamedTuple):
    start: int
    end: int
    kind: str  # code | comment | directive | block | lone | tag | css
    name: str = ""  # element name (tags, blocks) or first selector (css)
    label: str = ""  # how a message shows it
    category: str = ""  # tags: block | cell | inline


class Run(NamedTuple):
    """Tags (or comments) separated only by whitespace: one finding, one fix."""

    start: int
    end: int
    tokens: tuple[Token, ...]
    breaks: bool = False  # holds a block tag: becomes a paragraph break
    cells: bool = False  # holds a table cell: becomes a space
    gap_newlines: int = 0  # most newlines between two of its tokens


class Scan(NamedTuple):
    tokens: list[Token]
    tag_runs: list[Run]
    comment_runs: list[Run]
    owned_starts: list[int]  # spans NL104 must leave alone (everything markup), sorted
    owned_ends: list[int]


_cache: tuple[str, int, int, Scan] | None = None
# What every token starts with: markup "<" or "&" (an escaped tag, an entity), CSS "{" (or an escaped
# one, "&…;"), a code span or fence "`" or "~~~".
_SCAN_MARKS = ("<", "&", "{", "`", "~~~")


def scan(text: str, start: int, end: int) -> Scan:
    """Tokenize ``text[start:end]`` once; the four detectors of one document share the result."""
    global _cache
    cached = _cache
    if cached is not None and cached[0] is text and cached[1] == start and cached[2] == end:
        return cached[3]
    result = _scan(text, start, end)
    _cache = (text, start, end, result)
    return result


def _scan(text: str, start: int, end: int) -> Scan:
    if not any(text.find(mark, start, end) >= 0 for mark in _SCAN_MARKS):
        return Scan([], [], [], [], [])  # no tag, entity, CSS block or code span can start: most text
    tokens: list[Token] = []
    code = _code_spans(text, start, end)
    if text.find("<", start, end) >= 0 or text.find("&", start, end) >= 0:
        closers = _Closers(text, end)
        pos = start
        while pos < end:
            match = _MARKUP.search(text, pos, end)
            if match is None:
                break
            kind = match.lastgroup
            begin = match.start()
            if kind in ("comment", "ecomment"):
                close = closers.after("comment", match.end())
                if close is None:  # not a comment, and nothing else starts with "<!"
                    pos = begin + 1
                    continue
                pos = close.end()
                if not (code and _inside(code, begin)):
                    tokens.append(_comment(text, kind, begin, pos))
                continue
            if kind in ("block", "eblock"):
                name = (match.group("raw") or match.group("eraw")).lower()
                close = closers.after((kind, name), match.end())
                if close is not None:
                    pos = close.end()
                    if not (code and _inside(code, begin)):
                        pos = _take_block(text, begin, match.end(), pos, name, tokens) or pos
                    continue
                match = _LONE.match(text, begin, end)  # a lone opening tag
                if match is None:  # (cannot happen: the opening matched)
                    pos = begin + 1
                    continue
            pos = match.end()
            if code and _inside(code, begin):
                continue
            token = _token(match)
            if token is not None:
                tokens.append(token)
    if code:
        tokens = _drop_overlaps(sorted(tokens + code))
    if _CSS_HINT.search(text, start, end):
        tokens = _merge_css(text, start, end, tokens)
    tag_runs = _runs(text, [t for t in tokens if t.kind == "tag"], tags=True)
    comment_runs = _runs(text, [t for t in tokens if t.kind == "comment"], tags=False)
    owned = sorted([(r.start, r.end) for r in tag_runs] + [(t.start, t.end) for t in tokens if t.kind != "tag"])
    return Scan(tokens, tag_runs, comment_runs, [s for s, _ in owned], [e for _, e in owned])


def _code_spans(text: str, start: int, end: int) -> list[Token]:
    """Markdown code fences and spans (``markdown_code``): markup inside them is text."""
    return [Token(s, e, "code") for s, e in code_spans(text, start, end)]


def _inside(spans: list[Token], offset: int) -> bool:
    index = bisect.bisect_right(spans, (offset, float("inf"))) - 1
    return index >= 0 and spans[index].end > offset


def _drop_overlaps(tokens: list[Token]) -> list[Token]:
    """Code spans and markup were found apart: where they overlap, the one that starts first wins."""
    kept: list[Token] = []
    for token in tokens:
        if kept and token.start < kept[-1].end:
            continue
        kept.append(token)
    return kept


def _take_block(text: str, start: int, opened: int, end: int, name: str, tokens: list[Token]) -> int | None:
    """Add the token for a style/script block; return where to scan again if it is not one."""
    if _prose_between(text, start, end):
        # "insert a simple <script> tag where…" paired with a real </script> paragraphs later:
        # only the opening tag is markup, the paragraphs between are text.
        tokens.append(Token(start, opened, "lone", name, f"<{name}> tag"))
        return opened
    tokens.append(Token(start, end, "block", name, f"<{name}> block"))
    return None


_BLANK_LINE = re.compile(r"\n[ \t]*\r?\n")


def _prose_between(text: str, start: int, end: int) -> bool:
    """A block that opens inside a line of text and runs over a paragraph break is not a block.

    Leftover style/script blocks start their own line (Sina's widgets) or sit on one line; an
    opening tag mentioned in a sentence must not swallow the paragraphs up to the next closing tag.
    """
    line_start = text.rfind("\n", 0, start) + 1
    if not text[line_start:start].strip():
        return False
    return _BLANK_LINE.search(text, start, end) is not None


def _comment(text: str, kind: str, start: int, end: int) -> Token:
    body = text[start:end]
    if kind == "comment" and DIRECTIVE.fullmatch(body):
        return Token(start, end, "directive")
    return Token(start, end, "comment", label=_short_comment(body))


def _token(match: re.Match[str]) -> Token | None:
    """The token of a lone style/script tag or of a tag (comments and blocks: see :func:`_scan`)."""
    kind = match.lastgroup
    start, end = match.span()
    if kind in ("lone", "elone"):
        name = (match.group("lname") or match.group("elname")).lower()
        slash = "/" if (match.group("lclose") or match.group("elclose")) else ""
        return Token(start, end, "lone", name, f"<{slash}{name}> tag")
    if kind == "tag":
        slash, name, attrs = match.group("close", "name", "attrs")
    else:  # etag
        slash, name, attrs = match.group("eclose", "ename", "eattrs")
    name = name.lower()
    category = _CATEGORY.get(name)
    if category is None:
        if not _OFFICE_NAME.fullmatch(name):
            return None  # List<String>, <y and z>: not an HTML element
        category = "inline"
    if attrs and not slash and "=" not in attrs:
        return None  # "<b and c>" is prose; real leftover tags with attributes have a name=value
    inner = f"{'/' if slash else ''}{name}{' …' if attrs and not attrs.isspace() else ''}"
    label = f"&lt;{inner}&gt;" if kind == "etag" else f"<{inner}>"
    return Token(start, end, "tag", name, label, category)


def _merge_css(text: str, start: int, end: int, tokens: list[Token]) -> list[Token]:
    """Add runs of CSS rules that start a line and lie outside every other token.

    Braces are rare, so the search goes from each opening brace back to the line its selector starts
    (the brace's own line, or up to three lines up: Sina writes the selector, a blank line, then
    ``&#123;``), rather than trying a selector at every line start.
    """
    starts = [t.start for t in tokens]
    found: list[Token] = []
    pos = start
    for hint in _CSS_HINT.finditer(text, start, end):
        brace = hint.start()
        if brace < pos:
            continue
        match = None
        line = max(start, text.rfind("\n", start, brace) + 1)
        for _ in range(4):
            if line < pos:
                break
            candidate = _CSS_FIRST.match(text, line, end)
            if candidate is not None and candidate.start("open") == brace:
                match = candidate
                break
            if line == start:
                break
            line = max(start, text.rfind("\n", start, line - 1) + 1)
        if match is None or not _CSS_DECLARATION.match(match.group("body")):
            continue
        run_start, run_end = match.start("rule"), match.end()
        selectors = [match.group("sel").split(",")[0].strip()]
        while True:
            following = _CSS_NEXT.match(text, run_end, end)
            if following is None or not _CSS_DECLARATION.match(following.group("body")):
                break
            selectors.append(following.group("sel").split(",")[0].strip())
            run_end = following.end()
        pos = run_end
        index = bisect.bisect_left(starts, run_end)
        if index > 0 and tokens[index - 1].end > run_start:
            continue  # inside a <style> block, a comment, code…
        if len(selectors) == 1:
            label = f"CSS rule {selectors[0]}{{…}}"
        else:
            label = "CSS rules " + ", ".join(selectors[:3]) + (", …" if len(selectors) > 3 else "")
        found.append(Token(run_start, run_end, "css", selectors[0], label))
    if not found:
        return tokens
    return sorted(tokens + found)


def _runs(text: str, tokens: list[Token], tags: bool) -> list[Run]:
    """Group tokens separated by ASCII whitespace (or, between two block tags, by empty content)."""
    groups: list[list[Token]] = []
    newlines: list[int] = []
    previous: Token | None = None
    for token in tokens:
        if previous is not None and (
            previous.end == token.start
            or not text[previous.end:token.start].strip(_ASCII_WS)
            or (
                tags
                and previous.category == "block"
                and token.category == "block"
                and _EMPTY_GAP.fullmatch(text, previous.end, token.start)
            )
        ):
            groups[-1].append(token)
            if previous.end != token.start:
                newlines[-1] = max(newlines[-1], text.count("\n", previous.end, token.start))
        else:
            groups.append([token])
            newlines.append(0)
        previous = token
    runs = []
    for group, gap_newlines in zip(groups, newlines, strict=True):
        categories = {t.category for t in group} if len(group) > 1 else {group[0].category}
        runs.append(
            Run(group[0].start, group[-1].end, tuple(group), "block" in categories, "cell" in categories,
                gap_newlines)
        )
    return runs


def _short_comment(body: str, limit: int = 48) -> str:
    flat = " ".join(body.split())
    return flat if len(flat) <= limit else flat[: limit - 5] + "… -->"


def _owned(found: Scan, offset: int) -> bool:
    index = bisect.bisect_right(found.owned_starts, offset) - 1
    return index >= 0 and found.owned_ends[index] > offset


# -- removing markup without breaking the text around it --------------------------------------------------


def removal(
    doc: Document, region: Region, start: int, end: int, *, breaks: bool = False, space: bool = False,
    inner_newlines: int = 0,
) -> tuple[Edit, ...]:
    """Edits that delete ``text[start:end]`` and collapse the ASCII whitespace around it.

    ``breaks``: the markup separated paragraphs (block tags), leave one paragraph break. Otherwise keep
    at most what was there: the line break(s) around it (capped at one blank line), a space between
    words, or nothing. Leading/trailing whitespace of the region is kept/ended with one newline.
    Ideographic spaces are text (paragraph indents), never absorbed.
    """
    text = doc.text
    left = start
    while left > region.start and text[left - 1] in _ASCII_WS:
        left -= 1
    right = end
    while right < region.end and text[right] in _ASCII_WS:
        right += 1
    if left == region.start:
        # Nothing before it in the region: delete it and what follows, keep what precedes.
        return _with_sentinel(Edit(start, right, ""), region)
    newline = doc.newline
    if right == region.end:
        ends_line = doc.record is None and "\n" in text[left:right]
        return (Edit(left, right, newline if ends_line else ""),)
    around = max(text.count("\n", left, start), text.count("\n", end, right), inner_newlines)
    count = 2 if breaks else min(2, around)
    if count:
        return _with_sentinel(Edit(left, right, newline * count), region)
    if space or left < start or right > end:
        return _with_sentinel(Edit(left, right, " "), region)
    return _with_sentinel(Edit(start, end, ""), region)


def _with_sentinel(edit: Edit, region: Region) -> tuple[Edit, ...]:
    """Add an empty edit at the removal's right end: a removal starting right there then conflicts
    with this one and waits a round, so it sees the whitespace this one leaves (see module doc)."""
    if edit.end >= region.end:
        return (edit,)
    return (edit, Edit(edit.end, edit.end, ""))


# Markup the text talks about, or code it lists, is the article's content (a tutorial on embedding a
# widget, a tech story about a ``<script>`` tag): still reported, never removed by a safe fix.
_TAG_WORD = re.compile(r"[ \t]*(?:tags?|elements?|blocks?|标签|元素)\b", re.I)
_ARTICLE_BEFORE = re.compile(r"(?:^|[\s(“\"'])(?:a|an|the|your|our|this|that|each|every|one)[ \t]+$", re.I)
_ONLY_PUNCTUATION_AFTER = re.compile(r"[ \t]*[:.,;!?)”\"']*[ \t]*$")
_CODE_LINE = re.compile(r"\{\{|\}\}|\{%|%\}|<\?php|\$[A-Za-z_]\w*\s*(?:->|=|\[)|\bfunction\s*\(|=>|\)\s*\{")


def talked_about(text: str, start: int, end: int, single: bool) -> bool:
    """Whether the markup ``text[start:end]`` is the text's subject, not residue: followed by a word
    for it (``a <script> tag``), a ``single`` tag named after an article and ending its clause
    (``contains our badge as a <div> :``), or on a line of code (``{{ username }}``, ``$app->get(``)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    if _TAG_WORD.match(text, end, line_end):
        return True
    if single and _ARTICLE_BEFORE.search(text, line_start, start) and _ONLY_PUNCTUATION_AFTER.match(
            text, end, line_end):
        return True
    # (the rest of the line only: a <script> block's own JavaScript says nothing about its line)
    return _CODE_LINE.search(text, line_start, start) is not None or _CODE_LINE.search(text, end, line_end) is not None


def _shorten(labels: list[str], limit: int = 6) -> str:
    if len(labels) <= limit:
        return "".join(labels)
    return "".join(labels[: limit - 1]) + f"… ({len(labels)} tags)"


# -- the four detectors -------------------------------------------------------------------------------------


class TagDetector(Detector):
    """NL201: leftover tags (also entity-escaped ones); one finding per run of adjacent tags."""

    kind: ClassVar[str] = "html-tag"
    params: ClassVar[dict[str, Param]] = {}

    def detect(self, doc: Document) -> Iterator[Hit]:
        text = doc.text
        for region in self.regions(doc):
            if text.find("<", region.start, region.end) < 0 and text.find("&", region.start, region.end) < 0:
                continue
            for run in scan(text, region.start, region.end).tag_runs:
                labels = [t.label for t in run.tokens]
                edits = removal(
                    doc, region, run.start, run.end, breaks=run.breaks, space=run.cells,
                    inner_newlines=run.gap_newlines,
                )
                subject = talked_about(text, run.start, run.end, single=len(labels) == 1)
                yield Hit(run.start, run.end, {"tags": _shorten(labels), "count": len(labels)}, edits,
                          Applicability.UNSAFE if subject else None)


class CommentDetector(Detector):
    """NL202: ``<!-- … -->`` (and escaped ones); newslint's own directives are never reported."""

    kind: ClassVar[str] = "html-comment"
    params: ClassVar[dict[str, Param]] = {}

    def detect(self, doc: Document) -> Iterator[Hit]:
        text = doc.text
        for region in self.regions(doc):
            if text.find("!--", region.start, region.end) < 0:
                continue
            for run in scan(text, region.start, region.end).comment_runs:
                more = len(run.tokens) - 1
                args = {"comment": run.tokens[0].label, "more": f" (and {more} more)" if more else ""}
                edits = removal(doc, region, run.start, run.end, inner_newlines=run.gap_newlines)
                subject = talked_about(text, run.start, run.end, single=True)
                yield Hit(run.start, run.end, args, edits, Applicability.UNSAFE if subject else None)


class StyleScriptDetector(Detector):
    """NL203: ``<style>``/``<script>`` blocks with their content, stray style/script tags, CSS rules."""

    kind: ClassVar[str] = "style-or-script"
    params: ClassVar[dict[str, Param]] = {}

    def detect(self, doc: Document) -> Iterator[Hit]:
        text = doc.text
        for region in self.regions(doc):
            found = scan(text, region.start, region.end)
            for token in found.tokens:
                if token.kind in ("block", "lone", "css"):
                    edits = removal(doc, region, token.start, token.end)
                    subject = talked_about(text, token.start, token.end, single=token.kind == "lone")
                    yield Hit(token.start, token.end, {"what": token.label, "name": token.name}, edits,
                              Applicability.UNSAFE if subject else None)


class EntityDetector(Detector):
    """NL104: character references in text; the fix writes the characters they stand for."""

    kind: ClassVar[str] = "html-entity"
    params: ClassVar[dict[str, Param]] = {}

    def detect(self, doc: Document) -> Iterator[Hit]:
        text = doc.text
        for region in self.regions(doc):
            if text.find("&", region.start, region.end) < 0:
                continue
            found = scan(text, region.start, region.end)
            items: list[tuple[int, int, str, bool]] = []
            for match in _ENTITY.finditer(text, region.start, region.end):
                if _owned(found, match.start()):
                    continue
                decoded = _decode(match.group("body"))
                if decoded is None:
                    if not match.group("amps"):
                        continue
                    # "&amp;foo;": only the first "&amp;" is an entity.
                    first = _ONE_AMP.match(text, match.start() + 1)
                    items.append((match.start(), first.end() if first else match.start() + 5, "&", False))
                    continue
                items.append((match.start(), match.end(), decoded, bool(match.group("amps"))))
            yield from self._hits(doc, region, items)
            for token in found.tokens:
                if (
                    token.kind in ("block", "css")
                    and text[token.start] != "&"  # an escaped block was shown as text: no Hexo escaping
                    and text.find("&", token.start, token.end) >= 0
                ):
                    hit = self._inside_css(text, token)
                    if hit is not None:
                        yield hit

    def _inside_css(self, text: str, token: Token) -> Hit | None:
        """One finding, without a fix, for the entities of a style/script block or CSS rule.

        In raw-text content entities are never correct HTML: Hexo escaped the braces (``&#123;``) so
        its template engine would leave them alone. They are reported (once per block) but not fixed
        here: NL203's fix removes the whole block, and two checks must not edit the same characters.
        """
        entities = [m for m in _ENTITY.finditer(text, token.start, token.end) if _decode(m.group("body")) is not None]
        if not entities:
            return None
        distinct = list(dict.fromkeys(m.group(0) for m in entities))
        shown = " ".join(distinct[:4]) + (" …" if len(distinct) > 4 else "")
        args = {"entity": shown, "meaning": f"{len(entities)} in a {token.label} that NL203's fix removes"}
        return Hit(entities[0].start(), entities[-1].end(), args, None, Applicability.NONE)

    def _hits(self, doc: Document, region: Region, items: list[tuple[int, int, str, bool]]) -> Iterator[Hit]:
        """Adjacent entities (``&nbsp;&nbsp;``) make one finding with one edit."""
        index = 0
        while index < len(items):
            last = index
            while last + 1 < len(items) and items[last + 1][0] == items[last][1]:
                last += 1
            group = items[index:last + 1]
            index = last + 1
            start, end = group[0][0], group[-1][1]
            decoded = "".join(item[2] for item in group).replace("\n", doc.newline)
            twice = any(item[3] for item in group)
            source = doc.text[start:end]
            args = {
                "entity": source if len(source) <= 40 else source[:37] + "…",
                "meaning": _meaning(decoded) + (", escaped twice" if twice else ""),
            }
            if decoded and decoded.strip(" ") == "":
                # Spaces (&nbsp; …): indentation or padding at a line's ends goes, inside a line one space.
                edits = removal(doc, region, start, end, space=True)
            else:
                edits = (Edit(start, end, decoded),)
            yield Hit(start, end, args, edits)


_html5: dict[str, str] | None = None


# Decoded characters newslint never writes: zero-width space, word joiner and BOM (the invisible check
# removes them anywhere), soft hyphen (a hyphenation hint), carriage return (a stray CR in a line).
_DROP = frozenset("\u200b\u2060\ufeff\u00ad\r\ufffd")


def _decode(body: str) -> str | None:
    """The text an entity stands for, as newslint writes it, or None if ``body`` is no entity.

    html.unescape semantics (numeric references in 0x80–0x9F are cp1252, invalid ones vanish), then:
    every space character but the ideographic one becomes a plain space, and the characters in
    ``_DROP`` are not written at all. ZWJ/ZWNJ and bidi marks are decoded: the invisible-character
    check keeps them where they do a job (emoji, joining scripts) and removes them elsewhere.
    """
    global _html5
    if body[0] != "#":
        if _html5 is None:
            from html.entities import html5

            _html5 = html5
        name = body if body.endswith(";") else body + ";"
        if name not in _html5:
            return None
        raw = _html5[name]
    else:
        import html

        raw = html.unescape("&" + body)
    out = []
    for char in raw:
        if char in _DROP:
            continue
        category = unicodedata.category(char)
        if category == "Zs" and char != "\u3000":
            out.append(" ")
        elif category == "Cc" and char not in "\n\t":
            continue
        else:
            out.append(char)
    return "".join(out)


def _meaning(decoded: str) -> str:
    if decoded == "":
        return "an invisible character"
    if decoded.strip(" ") == "":
        return "a space" if len(decoded) == 1 else f"{len(decoded)} spaces"
    if decoded.isspace():
        return "a line break" if "\n" in decoded else "whitespace"
    return f'"{decoded}"'
