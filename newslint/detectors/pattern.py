"""The ``pattern`` kind: a regular expression, its named groups as message arguments, and an
optional replacement template (``\\g<name>``) as the fix.

Patterns are checked at load for ``\\b`` next to a CJK character: Python's ``\\b`` sits between a
word and a non-word character, and CJK ideographs are word characters, so ``\\b北京\\b`` inside
Chinese text never matches. Such a rule would silently find nothing (Vale #1154), so it is refused.

Speed: a pack pattern is usually an alternation of phrases (``海量资讯…|股民福利来了！…|Share Pin It…``),
which CPython's regex engine tries at every candidate character (~7 ns a character, whatever the
phrases). When every match must begin with one of a few literals (read off the parsed pattern),
they are looked for first (:class:`Literal`): a region holding none of them is skipped, and the
pattern is tried only where one of them starts (a plain scan takes over where they are dense).

Bounds: a pack pattern is a user's program, and a backtracking engine can take exponential time on
it (``(a|aa)+$`` on a line of ``a``). :func:`compile_pattern` therefore compiles a user pack's
pattern with the ``regex`` module (version 0: ``re``'s syntax) and returns a :class:`BoundedPattern`,
whose every call passes a ``timeout`` drawn from one budget per check per document
(``registry.PATTERN_LIMITS``, reset by the linter); a pattern that runs out raises
``PatternTimeout``. The packs shipped with newslint are reviewed with the code and compile with the
stdlib ``re`` (``registry.build_detector(trusted=True)``): ``regex``'s per-call timeout costs a few
microseconds, which the boilerplate checks' per-line calls would pay millions of times. Every
pattern, shipped or not, must be valid for ``re``, must not use the two constructs ``regex`` reads
differently (``{e<=1}`` fuzzy constraints, ``[[:alpha:]]`` POSIX classes), and must not ask for a
huge fixed repeat (``regex`` unrolls ``[ab]{1000000}`` at compile time: a second and 400 MB).
ARCHITECTURE.md, "Bounded patterns", says why.
"""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Iterator
from time import monotonic
from typing import Any, ClassVar

from newslint.document import Document
from newslint.model import Edit, Hit
from newslint.registry import PATTERN_LIMITS, CheckSpec, Detector, PackError, Param, PatternTimeout

#: Seconds a check's patterns may spend on one document (the ``pattern`` kind's ``timeout`` parameter).
DEFAULT_TIMEOUT = 1.0
#: Elements a pattern may ask the engine to expand at compile time (``x{n}`` is ``n`` copies of ``x``).
MAX_EXPANSION = 100_000

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
# Past this many tries at literals closer than this many characters apart on average, scan instead.
_DENSE_TRIES, _DENSE_GAP = 16, 64
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


def required_prefixes(regex: re.Pattern[str] | BoundedPattern) -> tuple[str, ...] | None:
    """Literals of which every match of ``regex`` starts with one, or None if there is no such set.

    Case-insensitive patterns get None (a literal would have to be tried in every case). Exact by
    construction: only literal characters at the start of every branch are collected, stepping over
    zero-width assertions, groups and repeats that must match at least once.
    """
    if not isinstance(regex.pattern, str) or regex.flags & re.IGNORECASE:
        return None
    sre_parse = _sre_parse()
    parsed = _parsed(regex.pattern, regex.flags)
    if parsed is None or parsed.state.flags & re.IGNORECASE:
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


def needs_non_ascii(regex: re.Pattern[str] | BoundedPattern) -> bool:
    """True when no text of ASCII characters only can hold a match: every match (or a lookaround it
    requires) contains a character above U+007F. Such a check skips an ASCII document without a scan
    (``str.isascii`` costs nothing: CPython knows it), as Chinese-only patterns do on English text.

    Conservative: case-insensitive patterns are never skipped (``re.I`` lets U+212A KELVIN SIGN match
    ``k`` and U+017F match ``s``), nor is anything the walk below does not understand.
    """
    if not isinstance(regex.pattern, str) or regex.flags & re.IGNORECASE:
        return False
    if isinstance(regex, BoundedPattern) and regex.flags & re.VERBOSE:
        return False  # ``regex`` ignores U+3000, U+00A0 … as verbose whitespace; ``re``'s parser reads them as text
    sre_parse = _sre_parse()
    parsed = _parsed(regex.pattern, regex.flags)
    if parsed is None:
        return False
    flags = parsed.state.flags
    if flags & re.IGNORECASE or (isinstance(regex, BoundedPattern) and flags & re.VERBOSE):
        return False
    return _needs_non_ascii(parsed, sre_parse)


def _needs_non_ascii(items: Any, sre: Any) -> bool:
    """Whether a parsed (sub)pattern must consume or assert at least one non-ASCII character."""
    c = sre
    for op, av in items:
        if op is c.LITERAL and av > 0x7F:
            return True
        if op is c.IN and av and all(
            (kind is c.LITERAL and value > 0x7F) or (kind is c.RANGE and value[0] > 0x7F) for kind, value in av
        ):
            return True
        if op is c.SUBPATTERN:
            if not av[1] & re.IGNORECASE and _needs_non_ascii(av[3], sre):
                return True
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            if av[0] >= 1 and _needs_non_ascii(av[2], sre):
                return True
        elif op is c.ASSERT:  # a positive lookaround: the text must hold what it asserts
            if _needs_non_ascii(av[1], sre):
                return True
        elif op is c.BRANCH and av[1] and all(_needs_non_ascii(branch, sre) for branch in av[1]):
            return True
    return False


@functools.lru_cache(maxsize=256)
def _parsed(pattern: str, flags: int) -> Any:
    """The parse tree of a pattern, read (never changed) by both shortcuts above: parsed once per
    detector build, not once per shortcut. None when the parser refuses what ``re`` compiled."""
    try:
        return _sre_parse().parse(pattern, flags)
    except Exception:  # noqa: BLE001 - no shortcut then
        return None


def _sre_parse() -> Any:
    try:
        from re import _parser as sre_parse  # Python >= 3.11
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_parse  # type: ignore[no-redef]
    return sre_parse


def _expansion(items: Any, sre: Any) -> int:
    """How many elements ``regex`` builds for a parsed pattern: it unrolls the mandatory part of a
    counted repeat (``x{n}``, ``x{n,m}``: ``n`` copies of ``x``), so nested counts multiply."""
    repeats = tuple(op for op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)) if op)
    total = 0
    for op, av in items:
        if op in repeats:
            total += max(1, av[0]) * _expansion(av[2], sre)
        elif op is sre.SUBPATTERN:
            total += 1 + _expansion(av[3], sre)
        elif op is sre.BRANCH:
            total += 1 + sum(_expansion(branch, sre) for branch in av[1])
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            total += 1 + _expansion(av[1], sre)
        elif op is getattr(sre, "ATOMIC_GROUP", None):
            total += 1 + _expansion(av, sre)
        elif op is sre.GROUPREF_EXISTS:
            total += 1 + _expansion(av[1], sre) + (_expansion(av[2], sre) if av[2] else 0)
        else:
            total += 1
        if total > MAX_EXPANSION:
            break  # enough to refuse; no need to walk the rest
    return total


_QUANTIFIER = re.compile(r"\{\d*(?:,\d*)?\}")
# What ``regex`` takes for a fuzzy-matching constraint ({e}, {e<=1}, {i<=1,d<=1}, {2i+2d<=4}, {1<=e<=3})
# where ``re`` reads a literal brace.
_FUZZY = re.compile(r"\{\s*(?:\d+\s*[<=+]*\s*)?[deis](?![A-Za-z])")
_POSIX = re.compile(r"\[:\^?\w+:\]")


def regex_only_construct(source: str, verbose: bool = False) -> str | None:
    """Describe a construct that ``re`` reads as literal text but ``regex`` as something else
    (fuzzy constraints, POSIX classes in a set), or None. Such a pattern would silently change
    meaning under the bounded engine, so it is refused at load with this description."""
    i, n = 0, len(source)
    in_set = False
    while i < n:
        char = source[i]
        if char == "\\":
            i += 2
            continue
        if in_set:
            if char == "]":
                in_set = False
            elif char == "[" and (posix := _POSIX.match(source, i)):
                return (f"{posix.group(0)} (position {i}) is a POSIX class to the pattern engine but literal "
                        "characters to Python's re; write the characters out (e.g. [a-zA-Z]) or escape the '['")
            i += 1
            continue
        if char == "[":
            in_set = True
            i += 1
            if source.startswith("^", i):
                i += 1
            if source.startswith("]", i):  # a ']' first in a set is literal
                i += 1
            continue
        if char == "#" and verbose:
            newline = source.find("\n", i)
            i = n if newline < 0 else newline + 1
            continue
        if char == "{" and not _QUANTIFIER.match(source, i) and (fuzzy := _FUZZY.match(source, i)):
            close = source.find("}", i)
            shown = source[i:close + 1] if close >= 0 else fuzzy.group(0)
            return (f"{shown!r} (position {i}) is a fuzzy-matching constraint to the pattern engine but "
                    "literal text to Python's re; write '\\{' for a literal brace")
        i += 1
    return None


class BoundedPattern:
    """A compiled pack pattern whose every call is time-limited (see the module docstring).

    It offers the calls detectors make (``finditer``, ``search``, ``match``, ``fullmatch``, ``sub``)
    and the attributes they read (``pattern``, ``flags`` — ``re``'s values —, ``groupindex``,
    ``groups``), and nothing else: a call it does not know fails loudly instead of running unbounded.
    Matches are ``regex`` match objects (``span``, ``group``, ``groupdict``, ``expand``,
    ``lastgroup`` as in ``re``). A call that runs out of budget, or that the engine abandons for
    lack of memory, raises :class:`~newslint.registry.PatternTimeout`.
    """

    __slots__ = ("compiled", "pattern", "flags", "groupindex", "groups", "limit")

    def __init__(self, compiled: Any, flags: int, limit: float) -> None:
        self.compiled = compiled
        self.pattern: str = compiled.pattern
        self.flags = flags
        self.groupindex = compiled.groupindex
        self.groups: int = compiled.groups
        self.limit = limit

    def __repr__(self) -> str:
        return f"BoundedPattern({self.pattern!r}, limit={self.limit})"

    def _timeout(self) -> float:
        limits = PATTERN_LIMITS
        deadline = limits.deadline
        if deadline < 0.0:  # outside a check run: each call gets the whole limit
            return self.limit
        now = monotonic()
        if deadline == 0.0:  # the check's first pattern call on this document starts its clock
            limits.deadline = now + self.limit
            return self.limit
        left = deadline - now
        if left <= 0.0:
            raise PatternTimeout(self.limit)
        return left

    def _stopped(self, exc: BaseException) -> PatternTimeout:
        return PatternTimeout(self.limit, memory=isinstance(exc, MemoryError))

    def finditer(self, string: str, pos: int = 0, endpos: int | None = None) -> Iterator[Any]:
        return self._guarded(self.compiled.finditer(string, pos, endpos, timeout=self._timeout()))

    def _guarded(self, matches: Iterator[Any]) -> Iterator[Any]:
        # The engine's timeout counts its own matching time over the whole iteration.
        try:
            yield from matches
        except (TimeoutError, MemoryError) as exc:
            raise self._stopped(exc) from None

    def search(self, string: str, pos: int = 0, endpos: int | None = None) -> Any:
        try:
            return self.compiled.search(string, pos, endpos, timeout=self._timeout())
        except (TimeoutError, MemoryError) as exc:
            raise self._stopped(exc) from None

    def match(self, string: str, pos: int = 0, endpos: int | None = None) -> Any:
        try:
            return self.compiled.match(string, pos, endpos, timeout=self._timeout())
        except (TimeoutError, MemoryError) as exc:
            raise self._stopped(exc) from None

    def fullmatch(self, string: str, pos: int = 0, endpos: int | None = None) -> Any:
        try:
            return self.compiled.fullmatch(string, pos, endpos, timeout=self._timeout())
        except (TimeoutError, MemoryError) as exc:
            raise self._stopped(exc) from None

    def sub(self, repl: Any, string: str, count: int = 0) -> str:
        try:
            return self.compiled.sub(repl, string, count, timeout=self._timeout())
        except (TimeoutError, MemoryError) as exc:
            raise self._stopped(exc) from None


def compile_generated(
    source: str, flags: int = 0, timeout: float = DEFAULT_TIMEOUT
) -> re.Pattern[str] | BoundedPattern:
    """Compile a regex a detector built itself from pack data (escaped phrases, say) without the
    checks of :func:`compile_pattern`: with ``re`` for a shipped pack, bounded otherwise. Escaped
    literals cannot backtrack exponentially, but a long literal against a long run of its prefix
    still costs text length times literal length, which a user pack can make as large as it likes."""
    if PATTERN_LIMITS.trusted:
        return re.compile(source, flags)
    import regex

    return BoundedPattern(regex.compile(source, flags | regex.VERSION0), re.compile(source, flags).flags, timeout)


def compile_pattern(
    source: str, flags: list[str] | None = None, timeout: float = DEFAULT_TIMEOUT
) -> re.Pattern[str] | BoundedPattern:
    """Validate a pack pattern (``PackError`` says what is wrong) and compile it: with ``re`` while a
    shipped pack's detector is built (``PATTERN_LIMITS.trusted``), for bounded matching otherwise."""
    value = 0
    for name in flags or []:
        if not isinstance(name, str) or name.upper() not in _FLAGS:
            raise PackError(f"unknown regex flag {name!r} (known: {', '.join(_FLAGS)})")
        value |= _FLAGS[name.upper()]
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= 3600:
        raise PackError(f"timeout must be a number of seconds above 0 (at most 3600), not {timeout!r}")
    problem = cjk_boundary_problem(source)
    if problem:
        raise PackError(f"pattern {source!r}: {problem}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # "possible nested set": handled below
            checked = re.compile(source, value)
    except (re.error, OverflowError, RecursionError) as exc:
        raise PackError(f"bad regex {source!r}: {exc}") from None
    problem = regex_only_construct(source, bool(checked.flags & re.X))
    if problem:
        raise PackError(f"pattern {source!r}: {problem}")
    sre = _sre_parse()
    try:
        size = _expansion(sre.parse(source, value), sre)
    except Exception:  # noqa: BLE001 - re compiled it, so its parser will too; be safe all the same
        size = 0
    if size > MAX_EXPANSION:
        raise PackError(
            f"pattern {source!r}: its counted repeats expand to over {MAX_EXPANSION:,} elements when "
            "compiled (x{n} and x{n,} hold n copies of x); use smaller counts or x+ / x*"
        )
    if PATTERN_LIMITS.trusted:
        return checked
    import regex

    try:
        compiled = regex.compile(source, value | regex.VERSION0)
    except (regex.error, OverflowError, RecursionError) as exc:
        raise PackError(f"bad regex {source!r}: {exc}") from None
    return BoundedPattern(compiled, checked.flags, float(timeout))


class PatternDetector(Detector):
    kind: ClassVar[str] = "pattern"
    params: ClassVar[dict[str, Param]] = {
        "pattern": Param(str, required=True, doc="Python regular expression; named groups become message arguments"),
        "flags": Param(list, default=[], doc="IGNORECASE, MULTILINE, DOTALL, VERBOSE"),
        "replacement": Param(str, default=None, doc="fix template, e.g. '\\g<text>'; empty string deletes"),
        "group": Param(str, default=None, doc="report and replace only this named group"),
        "timeout": Param((int, float), default=DEFAULT_TIMEOUT,
                         doc="seconds the pattern may take on one document; past that the document is "
                             "reported as not checked by this check (exit code 2). Packs shipped with "
                             "newslint run unbounded"),
    }

    def __init__(self, check: CheckSpec) -> None:
        super().__init__(check)
        self.regex = compile_pattern(self.p["pattern"], self.p["flags"], self.p["timeout"])
        self.prefixes = required_prefixes(self.regex)
        self.non_ascii_only = needs_non_ascii(self.regex)
        self.literals = None if self.prefixes is None else [Literal(p) for p in self.prefixes]
        group = self.p["group"]
        if group is not None and group not in self.regex.groupindex:
            raise PackError(f"group {group!r} is not a named group of the pattern")
        if self.p["replacement"] is not None:
            # Valid for both engines: where both accept a template they expand it the same way.
            errors: tuple[type[Exception], ...] = (re.error, IndexError, ValueError)
            if isinstance(self.regex, BoundedPattern):
                import regex

                errors += (regex.error,)
            try:
                re.compile(self.regex.pattern, self.regex.flags).sub(self.p["replacement"], "")
                self.regex.sub(self.p["replacement"], "")
            except errors as exc:
                raise PackError(f"bad replacement {self.p['replacement']!r}: {exc}") from None

    def detect(self, doc: Document) -> Iterator[Hit]:
        replacement = self.p["replacement"]
        group = self.p["group"]
        text = doc.text
        if self.non_ascii_only and text.isascii():
            return  # e.g. a Chinese-only pattern on an English document
        for region in self.regions(doc):
            for match in self._matches(text, region.start, region.end):
                start, end = match.span(group) if group else match.span()
                if start == end or start < 0:
                    continue
                args: dict[str, object] = {k: v for k, v in match.groupdict().items() if v is not None}
                args["match"] = match.group(0)
                # The template expands against the whole match but replaces only the reported span.
                edits = None if replacement is None else (Edit(start, end, match.expand(replacement)),)
                yield Hit(start, end, args, edits)

    def _matches(self, text: str, start: int, end: int) -> Iterator[Any]:
        """The matches ``finditer`` gives in ``text[start:end]``, tried only where one of the pattern's
        literals starts when it has them (see the module docstring): a top-level alternation
        (``(?P<a>·)…|(?P<o>（)…``) is otherwise tried branch by branch at every character. Every match
        starts with a literal, so trying ``match`` at each occurrence in order finds the same matches
        (none is empty). Where the literals are dense the plain scan is cheaper: it takes over."""
        if self.prefixes is None:
            yield from self.regex.finditer(text, start, end)
            return
        if end - start < _LONG_REGION:
            # In a short region a plain search costs less than the Python calls that would avoid it.
            finders = [functools.partial(text.find, p) for p in self.prefixes]
        else:
            finders = [functools.partial(lit.find, text) for lit in self.literals or ()]
        upcoming = [find(start, end) for find in finders]
        pos, tried = start, 0
        while True:
            for k, at in enumerate(upcoming):
                if 0 <= at < pos:
                    upcoming[k] = finders[k](pos, end)
            live = [at for at in upcoming if at >= 0]
            if not live:
                return
            candidate = min(live)
            tried += 1
            if tried > _DENSE_TRIES and (candidate - start) < tried * _DENSE_GAP:
                yield from self.regex.finditer(text, candidate, end)
                return
            match = self.regex.match(text, candidate, end)
            if match is None:
                pos = candidate + 1
                continue
            yield match
            pos = max(match.end(), candidate + 1)
