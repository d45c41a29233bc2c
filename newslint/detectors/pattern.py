"""The ``pattern`` kind: a regular expression, its named groups as message arguments, and an
optional replacement template (``\\g<name>``) as the fix.

Patterns are checked at load for ``\\b`` next to a CJK character: Python's ``\\b`` sits between a
word and a non-word character, and CJK ideographs are word characters, so ``\\b北京\\b`` inside
Chinese text never matches. Such a rule would silently find nothing (Vale #1154), so it is refused.

Speed: a pack pattern is usually an alternation of phrases (``海量资讯…|股民福利来了！…|Share Pin It…``),
which CPython's regex engine tries at every candidate character (~7 ns a character, whatever the
phrases). When every match must begin with one of a few literals (read off the parsed pattern),
they are looked for first (:class:`Literal`): a region holding none of them is skipped, and the scan
starts at the first one found.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, ClassVar

from newslint.document import Document
from newslint.model import Edit, Hit
from newslint.registry import CheckSpec, Detector, PackError, Param

_FLAGS = {"IGNORECASE": re.I, "MULTILINE": re.M, "DOTALL": re.S, "VERBOSE": re.X}
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_GROUP_OPEN = re.compile(r"\((?:\?(?:[:=!>]|P<\w+>|<\w+>|<[=!]))?")


def cjk_boundary_problem(pattern: str) -> str | None:
    """Return a description if ``\\b`` in ``pattern`` stands right next to a CJK character."""
    for match in re.finditer(r"(?<!\\)(?:\\\\)*\\b", pattern):
        after = _GROUP_OPEN.sub("", pattern[match.end():match.end() + 12]).lstrip("[")
        before = pattern[max(0, match.start() - 12):match.start()].rstrip("()|?:*+")
        if (after and _CJK.match(after[0])) or (before and _CJK.match(before[-1])):
            return (
                "\\b next to a CJK character can never match inside Chinese text "
                "(ideographs are word characters); drop the \\b or use lookarounds"
            )
    return None


_LONG_REGION = 4096
_COMMON_CJK_PUNCTUATION = frozenset("，。、；：？！“”‘’（）《》【】　…—·")


class Literal:
    """``str.find`` for one literal, by way of one of its characters where that is faster.

    CPython finds a longer literal at 0.2–0.9 ns a character, which adds up over the literals of
    every pattern on every document; a single character it finds at memchr speed (hundredths of a
    ns) by looking for its low byte. A CJK character whose low byte is not an ASCII one is almost
    never a false lead, in Chinese text or in markup, and a text stored one byte a character cannot
    hold it at all; so such a character is looked for and the literal tried where it occurs. After
    a few misses (a common character after all) the plain search takes over from there. A literal
    without such a character is looked for as it is.
    """

    __slots__ = ("text", "probe")
    _TRIES = 8

    def __init__(self, text: str) -> None:
        self.text = text
        best, best_score = None, 0
        for index, char in enumerate(text):
            if char.isascii() or char in _COMMON_CJK_PUNCTUATION:
                continue
            low = ord(char) & 0xFF
            score = 3 if low >= 0x80 else 2 if low < 0x20 else 1
            if score > best_score:
                best, best_score = index, score
        self.probe = best

    def find(self, haystack: str, start: int, end: int) -> int:
        """``haystack.find(self.text, start, end)`` for offsets within the haystack (as regions are)."""
        index = self.probe
        if index is None:
            return haystack.find(self.text, start, end)
        char = self.text[index]
        pos = start + index
        for _ in range(self._TRIES):
            hit = haystack.find(char, pos, end)
            if hit < 0:
                return -1
            if haystack.startswith(self.text, hit - index, end):
                return hit - index
            pos = hit + 1
        # Every occurrence starting before pos - index has been ruled out.
        return haystack.find(self.text, pos - index, end)


def required_prefixes(regex: re.Pattern[str]) -> tuple[str, ...] | None:
    """Literals of which every match of ``regex`` starts with one, or None if there is no such set.

    Case-insensitive patterns get None (a literal would have to be tried in every case). Exact by
    construction: only literal characters at the start of every branch are collected, stepping over
    zero-width assertions, groups and repeats that must match at least once.
    """
    if not isinstance(regex.pattern, str) or regex.flags & re.IGNORECASE:
        return None
    try:
        from re import _parser as sre_parse  # Python >= 3.11
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_parse  # type: ignore[no-redef]
    try:
        parsed = sre_parse.parse(regex.pattern, regex.flags)
    except Exception:  # noqa: BLE001 - a pattern re compiled but this parser refuses: no shortcut
        return None
    if parsed.state.flags & re.IGNORECASE:
        return None
    found = _prefixes(parsed, sre_parse)
    return tuple(dict.fromkeys(found)) if found else None


def _prefixes(items: Any, sre: Any) -> list[str] | None:
    """Literal prefixes of a parsed (sub)pattern: one of them starts every match, or None."""
    c = sre  # the opcode constants live in the parser module (re._constants re-exported)
    literal: list[str] = []
    for op, av in items:
        if op is c.LITERAL:
            literal.append(chr(av))
            continue
        if literal:
            break
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue  # zero-width: the match still starts with what follows
        if op is c.BRANCH:
            out: list[str] = []
            for branch in av[1]:
                sub = _prefixes(branch, sre)
                if not sub:
                    return None
                out.extend(sub)
            return out
        if op is c.SUBPATTERN:
            _group, add_flags, _del_flags, sub_pattern = av
            if add_flags & re.IGNORECASE:
                return None
            return _prefixes(sub_pattern, sre)
        if op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1:
            return _prefixes(av[2], sre)
        if op is c.IN and all(kind is c.LITERAL for kind, _ in av):
            return [chr(value) for _, value in av]  # (?:d|e) is parsed as the set [de]
        return None
    return ["".join(literal)] if literal else None


def compile_pattern(source: str, flags: list[str] | None = None) -> re.Pattern[str]:
    value = 0
    for name in flags or []:
        if name.upper() not in _FLAGS:
            raise PackError(f"unknown regex flag {name!r} (known: {', '.join(_FLAGS)})")
        value |= _FLAGS[name.upper()]
    problem = cjk_boundary_problem(source)
    if problem:
        raise PackError(f"pattern {source!r}: {problem}")
    try:
        return re.compile(source, value)
    except re.error as exc:
        raise PackError(f"bad regex {source!r}: {exc}") from None


class PatternDetector(Detector):
    kind: ClassVar[str] = "pattern"
    params: ClassVar[dict[str, Param]] = {
        "pattern": Param(str, required=True, doc="Python regular expression; named groups become message arguments"),
        "flags": Param(list, default=[], doc="IGNORECASE, MULTILINE, DOTALL, VERBOSE"),
        "replacement": Param(str, default=None, doc="fix template, e.g. '\\g<text>'; empty string deletes"),
        "group": Param(str, default=None, doc="report and replace only this named group"),
    }

    def __init__(self, check: CheckSpec) -> None:
        super().__init__(check)
        self.regex = compile_pattern(self.p["pattern"], self.p["flags"])
        self.prefixes = required_prefixes(self.regex)
        self.literals = None if self.prefixes is None else [Literal(p) for p in self.prefixes]
        group = self.p["group"]
        if group is not None and group not in self.regex.groupindex:
            raise PackError(f"group {group!r} is not a named group of the pattern")
        if self.p["replacement"] is not None:
            try:
                self.regex.sub(self.p["replacement"], "")
            except (re.error, IndexError) as exc:
                raise PackError(f"bad replacement {self.p['replacement']!r}: {exc}") from None

    def detect(self, doc: Document) -> Iterator[Hit]:
        replacement = self.p["replacement"]
        group = self.p["group"]
        text = doc.text
        for region in self.regions(doc):
            begin = region.start
            if self.prefixes is not None:
                # No match can start before the first of its literals (see the module docstring). In a
                # short region a plain search costs less than the Python calls that would avoid it.
                if region.end - region.start < _LONG_REGION:
                    starts = (text.find(p, region.start, region.end) for p in self.prefixes)
                else:
                    starts = (lit.find(text, region.start, region.end) for lit in self.literals or ())
                found = [i for i in starts if i >= 0]
                if not found:
                    continue
                begin = min(found)
            for match in self.regex.finditer(text, begin, region.end):
                start, end = match.span(group) if group else match.span()
                if start == end or start < 0:
                    continue
                args: dict[str, object] = {k: v for k, v in match.groupdict().items() if v is not None}
                args["match"] = match.group(0)
                # The template expands against the whole match but replaces only the reported span.
                edits = None if replacement is None else (Edit(start, end, match.expand(replacement)),)
                yield Hit(start, end, args, edits)
