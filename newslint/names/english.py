"""Romanised Chinese names and places in English text, and the anchors used to pair documents.

A person span is a capitalised token whose fold is a romanised surname, one space, and a capitalised
token that splits into 1–3 pinyin syllables ("Cui Yan", "Zhang Yancun", "Lü Wei", "Cui Shu-qiang").
Two one-syllable tokens are one given name ("Cui Shu Qiang") unless the second starts the next name
(run-on MT such as "Wei Xiaodong Zhang Yancun attended" gives two spans). A place span is a pinyin
name followed by a generic noun ("Xiong’an New Area", "Xiong an new district"); a split name is
joined only when a generic noun follows, so "Beijing an important city" is not a place.

Everything here is regex plus a memoised syllabifier: no pypinyin, so English-only runs stay cheap.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from newslint.names.candidates import GENERIC_NOUNS, candidates
from newslint.names.data import EN_SURNAMES, SYLLABLES
from newslint.names.romanize import fold

_CAP = re.compile(r"[A-Z][a-zü]+(?:[-’'][a-zA-Zü][a-zü]*)?")
_WORD = r"[A-Z][a-zü]+(?:[-’'][a-zA-Zü][a-zü]*)?"
_THIRD = re.compile(rf" ({_WORD})(?: ({_WORD}))?")
# ASCII digits only, boundaries checked by hand: ``\w`` would match the Han characters of 155平方公里
_DIGITS = re.compile(r"[0-9](?<![0-9A-Za-z.,][0-9])[0-9,.]*")  # the lookbehind runs only at digits
_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_MONTH_ABBR = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)} | {"sept": 9}
_MONTH_NAMES = frozenset((
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december",
))
_ZH_DATE = re.compile(r"(\d{1,2})月(\d{1,2})日")
_GENERIC_END = re.compile(
    r"[ ]+(new[ ]+area|new[ ]+district|district|county|city|province|township|town|village|prefecture)$", re.I)
_GENERIC_CLASS = {"new area": "new-area", "new district": "new-area"}
_ANCHOR_STOP = frozenset((
    "china", "beijing", "chinese", "area", "line", "center", "centre", "new", "city", "party", "the", "he",
    "she", "an", "in", "on", "to", "me", "we", "bin", "men", "man", "pan", "fan", "ban", "die", "long", "hang",
    "ping", "sun", "tan", "ran", "run", "hen", "den", "gun", "dong", "hong", "kong", "hongkong",
))



@functools.lru_cache(maxsize=1)
def _name_re() -> re.Pattern[str]:
    """ "Surname Given" with the surnames as a trie: the engine skips straight to capitals that start one.
    (Python's ``re`` costs ~10 ns a character, and an alternation of branches defeats that skipping, so
    names, places and dates are three small passes rather than one combined pattern.)"""
    from newslint.detectors.phrases import trie_regex

    surnames = sorted({s.capitalize() for s in EN_SURNAMES} | {"Lü", "Lüqiu"})
    return re.compile(rf"(?:{trie_regex(surnames)}) {_WORD}")


_PLACE_BACK = re.compile(r"([A-Z][a-z]{1,9}(?:[’'][a-z]{1,5})?)(?:[ ]+[’']?[aeo][a-z]{0,4})?$")
_GENERIC_AT = re.compile(
    r"[ ]+(?:new[ ]+area|new[ ]+district|district|county|city|province|township|town|village|prefecture)\b", re.I)
_MONTH_RE = re.compile(
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?[ ]+[0-9]{1,2}(?![0-9])")


def name_spans(text: str, start: int = 0, end: int | None = None) -> list[NameSpan]:
    """Person-name spans in ``text[start:end]`` ("Beijing Cai Qi" finds Cai Qi: surnames start the match)."""
    start, end = _clamp(text, start, end)
    found = candidates(text, start, end)
    if found is None:
        matches: Iterable[re.Match[str]] = _name_re().finditer(text, start, end)
    else:
        matches = _matches_at(_name_re(), text, found[0], end)
    out: list[NameSpan] = []
    pos = start
    for m in matches:
        s0 = m.start()
        if s0 < pos or (s0 and text[s0 - 1].isalpha()):
            continue
        w0, _, w1 = m.group().partition(" ")
        span = _name_at(text, s0, w0, w1, end)
        if span is not None:
            out.append(span)
            pos = span.end
    return out


def _clamp(text: str, start: int, end: int | None) -> tuple[int, int]:
    """Bounds as ``re`` reads them (a negative start is 0, an end past the text is its end)."""
    start = max(start, 0)
    return start, max(start, min(len(text), len(text) if end is None else end))


def _matches_at(pattern: re.Pattern[str], text: str, starts: list[int], end: int) -> Iterator[re.Match[str]]:
    """What ``pattern.finditer`` yields, given every position where a match can start (ascending):
    the match at each one that does not start inside the previous match."""
    last = -1
    for s0 in starts:
        if s0 < last:
            continue
        m = pattern.match(text, s0, end)
        if m is not None:
            last = m.end()
            yield m


def place_spans(text: str, start: int = 0, end: int | None = None) -> list[PlaceSpan]:
    """Pinyin place names with a generic noun ("Xiong’an New Area", "Xiong an new district"): the
    generic nouns are found first (cheap: ``str.find`` on the lower-cased text, or the Hyperscan
    pass), then the name is read backwards."""
    start, end = _clamp(text, start, end)
    found = candidates(text, start, end)
    if found is None:
        chunk = text[start:end]
        low = chunk.lower()
        if len(low) != len(chunk):  # U+0130 lower-cases to two characters: keep positions those of text
            low = "".join(c.lower() if len(c.lower()) == 1 else c for c in chunk)
        hits = []
        for word in GENERIC_NOUNS:
            i = low.find(word)
            while i >= 0:
                hits.append(i + 1 + start)
                i = low.find(word, i + 1)
        hits.sort()
    else:
        hits = found[1]
    out: list[PlaceSpan] = []
    seen: set[int] = set()
    for pos in hits:
        gstart = pos - 4 if text[max(start, pos - 4):pos].lower() == "new " else pos
        if gstart - 1 < start or text[gstart - 1] != " ":
            continue
        window = max(start, gstart - 26)
        if text[window:gstart - 1].islower():
            continue  # no capital before the noun ("the city"): _PLACE_BACK cannot match (a cheap test)
        g = _GENERIC_AT.match(text, gstart - 1, end)
        back = _PLACE_BACK.search(text, window, gstart - 1) if g else None
        if back is None or back.start() in seen or (back.start() and text[back.start() - 1].isalpha()):
            continue
        place = _place(text, back.start(), g.end())
        if place is not None:
            seen.add(back.start())
            out.append(place)
    return out


def en_dates(text: str, start: int = 0, end: int | None = None) -> frozenset[tuple[int, int]]:
    """Month-day dates ("September 27", "Sept. 3")."""
    out = set()
    for m in _MONTH_RE.finditer(text, start, len(text) if end is None else end):
        word, _, day = m.group().rpartition(" ")
        month = _MONTH_TOKENS.get(word.rstrip(".").strip())
        if month and 1 <= int(day) <= 31:
            out.add((month, int(day)))
    return frozenset(out)


def _place(text: str, start: int, end: int) -> PlaceSpan | None:
    surface = text[start:end]
    key = _place_key(surface)
    return None if key is None else PlaceSpan(start, end, surface, key)


@functools.lru_cache(maxsize=65536)
def _place_key(surface: str) -> str | None:
    """The key of a place surface ("xiongan new-area"), or None when it is no pinyin place (memoised:
    a run repeats a few places many times)."""
    g = _GENERIC_END.search(surface)
    if g is None:
        return None
    head = surface[:g.start()]
    word, _, tail = head.partition(" ")
    tail = tail.strip()
    if tail and len(syllabify(fold(word)) or ()) != 1:
        return None  # "Beijing an …" is not a split name
    joined = fold(word + tail)
    syl = syllabify(joined)
    if syl is None or len(syl) < 2 or len(syl) > 4 or joined in _ANCHOR_STOP:
        return None
    generic = " ".join(g.group(1).lower().split())
    return f"{joined} {_GENERIC_CLASS.get(generic, generic)}"


@functools.lru_cache(maxsize=65536)
def syllabify(word: str) -> tuple[str, ...] | None:
    """Split a folded word into pinyin syllables (fewest syllables, longest first); None if impossible."""
    word = word.lower()
    n = len(word)
    if not n or n > 24:
        return None
    best: list[tuple[str, ...] | None] = [None] * (n + 1)
    best[0] = ()
    for i in range(n):
        prev = best[i]
        if prev is None:
            continue
        for j in range(min(n, i + 6), i, -1):
            piece = word[i:j]
            if piece in SYLLABLES:
                cand = (*prev, piece)
                cur = best[j]
                if cur is None or len(cand) < len(cur):
                    best[j] = cand
    return best[n]


@functools.lru_cache(maxsize=65536)
def _given_syllables(token: str) -> int:
    """How many pinyin syllables a given-name token holds (0 if it is not pinyin-shaped)."""
    parts = re.split(r"[-’']", token)
    if len(parts) > 1:
        count = 0
        for part in parts:
            syl = syllabify(fold(part))
            if syl is None or len(syl) != 1 and not (len(parts) == 2 and part == parts[-1] and len(syl) <= 2):
                return 0
            count += len(syl)
        return count if count <= 3 else 0
    syl = syllabify(fold(token))
    if syl is None or len(syl) > 3:
        return 0
    return len(syl)


@functools.lru_cache(maxsize=65536)
def _is_surname(token: str) -> bool:
    return fold(token) in EN_SURNAMES


@dataclass(frozen=True)
class NameSpan:
    """A romanised person name in English text."""

    start: int
    end: int
    surface: str
    surname: str  # folded
    given: str  # folded, joined


def _name_at(text: str, s0: int, w0: str, w1: str, end: int) -> NameSpan | None:
    """The name "w0 w1[ w2]" starting at ``s0``, or None when w0 is no surname or w1 no given name."""
    parts = _name_parts(w0, w1)
    if parts is None:
        return None
    surname, given, given_len, syl = parts
    given_end = s0 + len(w0) + 1 + given_len
    # "Cui Shu Qiang": a third one-syllable token joins unless it starts the next name
    if syl == 1:
        third = _THIRD.match(text, given_end, end)
        if third is not None and _given_syllables(third.group(1)) == 1 and not (
            _is_surname(third.group(1)) and third.group(2) and _given_syllables(third.group(2))
        ):
            given_end, given = third.start(1) + len(third.group(1)), given + fold(third.group(1))
    return NameSpan(s0, given_end, text[s0:given_end], surname, given)


@functools.lru_cache(maxsize=65536)
def _name_parts(w0: str, w1: str) -> tuple[str, str, int, int] | None:
    """(folded surname, folded given name, the given name's length, its syllables) of "w0 w1", or None
    (memoised: a run repeats a few names many times)."""
    if not _is_surname(w0):
        return None
    if w1[-2:] in ("'s", "’s"):
        w1 = w1[:-2]
    syl = _given_syllables(w1)
    if not syl or w1.isupper():
        return None
    return fold(w0), fold(w1), len(w1), syl


@dataclass(frozen=True)
class PlaceSpan:
    start: int
    end: int
    surface: str
    key: str  # folded name + generic class


def number_weights(text: str) -> dict[str, float]:
    """Arabic numbers in ``text`` with their evidential weight (rare values count most)."""
    out: dict[str, float] = {}
    for m in _DIGITS.finditer(text):
        start, raw = m.start(), m.group(0).rstrip(",.")
        after = start + len(raw)
        if after < len(text) and text[after].isascii() and text[after].isalpha():
            continue  # 5G, 3rd
        if "," in raw:
            if not _GROUPED.fullmatch(raw):
                continue
            raw = raw.replace(",", "")
        if raw.count(".") > 1:
            continue
        value = float(raw)
        weight = 0.2  # small counts and ordinals are everywhere
        if "." in raw or value >= 100:
            weight = 0.5 if "." not in raw and 1900 <= value <= 2100 else 1.0
        key = raw.rstrip("0").rstrip(".") if "." in raw else raw
        out[key] = max(out.get(key, 0.0), weight)
    return out


_MONTH_TOKENS = {name.capitalize(): i for i, name in enumerate(sorted(_MONTH_NAMES, key=lambda n: (
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].index(n[:3]))), 1)}
_MONTH_TOKENS.update({k[:3]: v for k, v in _MONTH_TOKENS.items()})
_MONTH_TOKENS["Sept"] = 9
_MONTH_SET = frozenset(_MONTH_TOKENS)
_DAY_AFTER = re.compile(r"\.?[ \t]+([0-9]{1,2})(?![0-9])")
_DAY_BEFORE = re.compile(r"(?<![0-9])([0-9]{1,2})[ \t]+$")


def zh_dates(text: str) -> frozenset[tuple[int, int]]:
    return frozenset((int(a), int(b)) for a, b in _ZH_DATE.findall(text) if 1 <= int(a) <= 12 and 1 <= int(b) <= 31)


@functools.lru_cache(maxsize=65536)
def _anchor(token: str) -> str | None:
    word = fold(token)
    if len(word) < 4 or word in _ANCHOR_STOP:
        return None
    syl = syllabify(word)
    if syl and 2 <= len(syl) <= 4 and all(len(s) > 1 for s in syl[1:]):
        return word
    return None


