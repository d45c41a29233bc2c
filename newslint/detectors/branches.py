"""Searching a list of regexes as their alternation ``(?:r0|r1|…)``, running only the ones that can match.

A large alternation of lookbehinds, classes and bounded repeats (the ``junk-line`` cues) has no literal
prefix, so ``re`` tries every branch at every position of the text: a few hundred microseconds per
unit. Most branches need a literal to match (``扫码``, ``follow``, ``版权``), and most units hold none of
them. So the literals every branch requires are derived once from the parsed pattern
(:func:`required_literals`), and the case-folded units of a document are scanned for all of them at
once by an Aho–Corasick automaton (:class:`LiteralScan`). One regex of all the literals was slower: its
first characters (``的``, a space, most Latin letters) occur everywhere. A unit is then
searched only with the branches whose literals it holds, each on its own (most have a literal prefix
``re`` skips to).

The same holds for every match, not just the first: a branch whose literals a text lacks matches
nowhere in it, so the alternation of the others finds what the whole one finds (``finditer``, ``sub``).

The answer is the alternation's: its match starts at the leftmost position where any branch
matches, and there the lowest-numbered branch that matches wins. So the result is the minimum of
``(start, branch index)`` over the branches searched, and a branch that cannot match changes
nothing. Branches that refer to groups (``\\1``, ``(?P=name)``, ``(?(1)…)``) would mean something else
on their own, and bounded (untrusted) patterns have their own engine: then the alternation is searched
as it is.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

_GROUP_REFERENCE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")
_UNSTABLE = frozenset(map(ord, "Σ"))  # lowercased by context (σ, or ς at the end of a word)


@functools.lru_cache(maxsize=4096)  # (NL303 and NL304 share their cues and widgets: parsed once)
def required_literals(source: str, flags: int = 0) -> frozenset[str] | None:
    """Lowercased strings one of which every match of ``source`` contains, or None if the pattern
    has no such literal (then it must always be searched). They are looked for in the lowercased
    text. A pattern-wide case-insensitive flag gives None (``BranchSearch`` does not ask), but a
    scoped one (``(?i:all rights reserved)``) counts the characters that fold only to their two ASCII
    cases or not at all: ``re`` also folds ``ſ`` to ``s``, ``K`` (Kelvin) to ``k`` and ``ı``/``İ``
    to ``i``, which ``str.lower`` does not, so those three letters end a literal there (``all r``).
    ``Σ`` never counts (lowercased as ``ς`` at the end of a word)."""
    from newslint.detectors.pattern import _sre_parse

    sre = _sre_parse()
    try:
        return _literals(sre.parse(source, flags), sre)  # (flags: re.VERBOSE changes what is literal)
    except Exception:  # noqa: BLE001 - an unusual construct: no shortcut, the pattern is searched
        return None


def _fold_safe(value: int) -> bool:
    """Whether every character ``re`` matches with ``chr(value)`` under IGNORECASE lowercases (with
    ``str.lower``) to ``chr(value).lower()``: an ASCII character other than i, k, s (each of which
    ``re`` also matches with a non-ASCII letter), or a character without case (CJK, digits, marks of
    punctuation: no other character lowercases to one of them)."""
    char = chr(value)
    if char.isascii():
        return char.lower() not in "iks"
    category = unicodedata.category(char)
    return category == "Lo" or category[0] in "NPSZ"


def _literals(items: Any, sre: Any, folded: bool = False) -> frozenset[str] | None:
    """``folded``: inside a scoped ``(?i:…)`` group (see :func:`required_literals`)."""
    candidates: list[frozenset[str]] = []
    run = ""

    def stable(value: int) -> bool:
        return value not in _UNSTABLE and (not folded or _fold_safe(value))

    for op, av in items:
        char = None
        if op is sre.LITERAL and stable(av):
            char = chr(av).lower()
        elif op is sre.IN and av and all(o is sre.LITERAL and stable(v) for o, v in av):
            lowered = {chr(v).lower() for _, v in av}
            char = lowered.pop() if len(lowered) == 1 else None
        if char is not None:
            run += char
            continue
        if run:
            candidates.append(frozenset({run}))
            run = ""
        found: frozenset[str] | None = None
        if op is sre.SUBPATTERN:
            _group, added, removed, sub = av
            inner = (folded or bool(added & sre.SRE_FLAG_IGNORECASE)) and not removed & sre.SRE_FLAG_IGNORECASE
            found = _literals(sub, sre, inner)
        elif op is sre.BRANCH:
            alternatives = [_literals(branch, sre, folded) for branch in av[1]]
            if all(alternatives):
                found = frozenset().union(*alternatives)  # type: ignore[arg-type]
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[0] >= 1:
            found = _literals(av[2], sre, folded)
        elif op is sre.IN:
            chars = [chr(v).lower() for o, v in av if o is sre.LITERAL and stable(v)]
            if len(chars) == len(av):
                found = frozenset(chars)
        if found:
            candidates.append(found)
    if run:
        candidates.append(frozenset({run}))
    if not candidates:
        return None
    return max(candidates, key=lambda c: min(len(x) for x in c))


_CHUNK_BYTES = 1 << 20  # texts scanned together at most (the automaton returns every match of a call at once)


class LiteralScan:
    """Which of a set of literals occur in each of a list of texts: one pass of an Aho–Corasick
    automaton (``ahocorasick_rs``, in Rust) over the texts' UTF-8 bytes joined by line breaks, every
    occurrence found, overlapping ones included, whatever the number of literals. Bytes, not ``str``:
    on a ``str`` the library keeps a byte-to-character offset table of 8 bytes per byte of text. Lone
    surrogates (JSON text may hold them) are encoded as themselves (``surrogatepass``), on both sides:
    UTF-8 is self-synchronising, so a literal's bytes occur only where the literal does."""

    def __init__(self, literals: Sequence[str]) -> None:
        import ahocorasick_rs

        self._automaton = ahocorasick_rs.BytesAhoCorasick([x.encode("utf-8", "surrogatepass") for x in literals])

    def present(self, texts: Sequence[str]) -> list[set[int]]:
        """For each text, the indexes of the literals it holds (a literal across two texts is in neither)."""
        found: list[set[int]] = [set() for _ in texts]
        encoded = [text.encode("utf-8", "surrogatepass") for text in texts]
        first = 0
        while first < len(encoded):  # texts of up to _CHUNK_BYTES together (a longer one alone)
            last, size = first + 1, len(encoded[first])
            while last < len(encoded) and size + len(encoded[last]) < _CHUNK_BYTES:
                size += len(encoded[last]) + 1
                last += 1
            chunk = encoded[first:last]
            ends = list(itertools.accumulate(len(data) + 1 for data in chunk))  # (one past each text's join)
            for index, start, end in self._automaton.find_matches_as_indexes(b"\n".join(chunk), overlapping=True):
                unit = bisect.bisect_right(ends, start)
                if end < ends[unit]:  # not across the joins
                    found[first + unit].add(index)
            first = last
        return found


class BranchSearch:
    """``search`` answers as ``combined.search`` would (``combined`` is the alternation of
    ``compiled``, in order), with the index of the branch that matched."""

    def __init__(self, sources: Sequence[str], compiled: Sequence[Any], combined: Any) -> None:
        self.combined = combined
        self.sources = list(sources)
        self.branches = list(compiled)
        self.separable = all(isinstance(p, re.Pattern) for p in self.branches) and not any(
            _GROUP_REFERENCE.search(s) for s in sources)
        literals = [None if p.flags & re.IGNORECASE else required_literals(s, p.flags)
                    for s, p in zip(sources, self.branches, strict=True)] if self.separable else []
        # Branches without a required literal are searched in every text.
        self.always = frozenset(i for i, found in enumerate(literals) if not found)
        owners: dict[str, set[int]] = {}
        for index, found in enumerate(literals):
            for literal in found or ():
                owners.setdefault(literal, set()).add(index)
        self.owners = {literal: frozenset(indices) for literal, indices in owners.items()}
        self._scan: tuple[LiteralScan, list[frozenset[int]]] | None = None  # built on first use

    def candidates(self, texts: Sequence[str]) -> list[frozenset[int] | None]:
        """For each text, the branches that may match it (None: it needs the whole alternation).

        The texts are case-folded and scanned once, all together, for every branch's literals
        (:class:`LiteralScan`): a document costs one pass, a line without any literal nothing of its own."""
        if not self.separable:
            return [None] * len(texts)
        found: list[frozenset[int]] = [self.always] * len(texts)
        if not self.owners or not texts:
            return found
        if self._scan is None:
            self._scan = (LiteralScan(list(self.owners)), list(self.owners.values()))
        scan, owners = self._scan
        for unit, present in enumerate(scan.present([text.lower() for text in texts])):
            for index in present:
                found[unit] = found[unit] | owners[index]
        return found

    def search(self, text: str) -> tuple[re.Match[str], int] | None:
        """The alternation's match in ``text`` and the index of its branch, or None."""
        return self.search_among(text, self.candidates([text])[0])

    def search_among(self, text: str, candidates: Iterable[int] | None) -> tuple[re.Match[str], int] | None:
        """:meth:`search`, trying only ``candidates`` (one entry of :meth:`candidates`)."""
        if candidates is None:
            match = self.combined.search(text)
            return None if match is None else (match, int((match.lastgroup or "_j0")[2:]))
        best: re.Match[str] | None = None
        best_index = -1
        for index in sorted(candidates):
            match = self.branches[index].search(text)
            if match is not None and (best is None or match.start() < best.start()):
                best, best_index = match, index
        return None if best is None else (best, best_index)


__all__ = ["BranchSearch", "required_literals"]
