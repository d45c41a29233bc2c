"""Where romanised names and places may start in English text, found in one Hyperscan pass.

The name and place spans (:mod:`newslint.names.english`) cost two scans of every English document:
the surname trie in ``re`` (~5 ns a character: ``re`` tests each character against the trie's first
letters) and one ``str.find`` pass per generic noun. On English-only runs that was nearly all of the
names checks' cost (issue 13). With the optional ``hyperscan`` package (``pip install 'newslint[fast]'``)
one pass finds every "Surname " and every generic noun. They are plain literals: a literal database
compiles in ~5 ms, where "Surname [A-Z]" patterns took 0.3 s, longer than the scans they save on a
few thousand documents.

The candidates are a superset of the spans' starts, and the exact tests stay where they were, so the
spans are the same with and without Hyperscan (``tests/test_names_candidates.py`` compares them). The
text is scanned as Latin-1 with every other character replaced by ``?``: one byte a character, so
offsets are character offsets, and no replaced character can be part of a surname or a generic noun.
"""

from __future__ import annotations

import _thread  # (not threading: a one-file run does not import it)
import os
import sys
from typing import Any

from newslint.names.data import EN_SURNAMES

# a place's generic noun always follows a space ("Xiong’an New Area", "Hebei province"): searched with it,
# "capacity" and "electricity" are no candidates
GENERIC_NOUNS = (" area", " district", " county", " city", " province", " town", " village", " prefecture")
SURNAMES = tuple(sorted({s.capitalize() for s in EN_SURNAMES} | {"Lü", "Lüqiu"}))


class _Engine:
    """The compiled database (built on first use) and a scratch space per process and thread."""

    def __init__(self) -> None:
        self.enabled = os.environ.get("NEWSLINT_HYPERSCAN", "1").strip().lower() not in ("0", "false", "no", "off")
        self.db: Any = None
        self.scratches: dict[tuple[int, int], Any] = {}  # (process, thread) -> its scratch space
        # the last text's candidates: its name spans and its place spans each ask for them
        self.last: tuple[str, int, int, tuple[list[int], list[int]]] | None = None

    def scratch(self) -> Any:
        """This thread's scratch space (Hyperscan scans without the GIL, and a scratch space serves
        one scan at a time), or None when Hyperscan is not in use."""
        if not self.enabled:
            return None
        key = (os.getpid(), _thread.get_ident())
        scratch = self.scratches.get(key)
        if scratch is None:
            try:
                import hyperscan

                if self.db is None:
                    self.db = _compile()
                scratch = self.scratches[key] = hyperscan.Scratch(self.db)
            except ImportError:
                self.enabled = False  # not installed: the re scans do the work
                return None
            except Exception as exc:  # no wheel for this CPU, no SSSE3, a bad build: say so once, then re
                self.enabled = False
                print(f"newslint: the Hyperscan pass is off ({type(exc).__name__}: {exc}); using re",
                      file=sys.stderr)
                return None
        return scratch


def _compile() -> Any:
    import hyperscan

    def literal(word: str) -> bytes:
        return "".join(f"\\x{b:02x}" for b in word.encode("latin-1")).encode("ascii")

    expressions = [literal(s + " ") for s in SURNAMES] + [literal(w) for w in GENERIC_NOUNS]
    flags = [0] * len(SURNAMES) + [hyperscan.HS_FLAG_CASELESS] * len(GENERIC_NOUNS)
    db = hyperscan.Database()
    db.compile(expressions=expressions, ids=list(range(len(expressions))), elements=len(expressions), flags=flags)
    return db


_ENGINE = _Engine()
_LENGTHS = tuple(len(s) + 1 for s in SURNAMES) + tuple(len(w) - 1 for w in GENERIC_NOUNS)


def use_hyperscan(enabled: bool) -> bool:
    """Turn the Hyperscan pass on or off for this process (tests and benchmarks compare the two);
    returns whether it was on. The environment variable ``NEWSLINT_HYPERSCAN=0`` turns it off."""
    was = _ENGINE.enabled
    _ENGINE.enabled = enabled
    return was


def candidates(text: str, start: int, end: int) -> tuple[list[int], list[int]] | None:
    """``(names, generics)`` in ``text[start:end]``: the starts of "Surname " followed by a capital
    letter, and the starts of the generic nouns (after a space) in ASCII letters of any case, both ascending; None
    when Hyperscan is not in use. The bounds are within the text (``english._clamp`` reads them as re does)."""
    scratch = _ENGINE.scratch()
    if scratch is None:
        return None
    last = _ENGINE.last
    if last is not None and last[0] is text and last[1] == start and last[2] == end:
        return last[3]
    chunk = text[start:end]
    hits: list[tuple[int, int]] = []
    add = hits.append
    try:
        _ENGINE.db.scan(chunk.encode("latin-1", "replace"),
                        match_event_handler=lambda i, _f, to, _fl, _c: add((i, to)), scratch=scratch)
    except Exception:  # any failure of the optional pass: the re scans decide
        return None
    names: list[int] = []
    generics: list[int] = []
    surnames = len(SURNAMES)
    size = len(chunk)
    for i, to in hits:
        if i < surnames:
            if to < size and "A" <= chunk[to] <= "Z":
                names.append(start + to - _LENGTHS[i])
        else:
            generics.append(start + to - _LENGTHS[i])
    names.sort()
    generics.sort()
    _ENGINE.last = (text, start, end, (names, generics))
    return names, generics
