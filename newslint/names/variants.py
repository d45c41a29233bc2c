"""One person or place spelled several ways across a run (the NL602 heuristic).

Places: a pinyin name plus a generic noun is keyed by its folded name and the generic's class, so
"Xiong’an New District", "Xiongan New Area" and "Xiong an new area" share the key ``xiongan new-area``.
Forms that differ only in the case of the generic noun ("Hebei province"/"Hebei Province") or in the
apostrophe character (’ and ') are the same form. When a key has several forms, the preferred one is
a glossary form if given, else the best-formed one (one word, an apostrophe where GB/T 28039 wants one
before a, o, e), then the most frequent; every occurrence of another form is flagged.

People: same surname, given names of at least four letters that are near-identical (rapidfuzz ratio
≥ 80: Yankun/Yancun), and one form clearly more frequent. Short given names are different people far
more often than typos (Wang Wei, Wang Wen), so they are never compared.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from newslint.names.analyze import Summary
from newslint.names.english import syllabify
from newslint.names.romanize import fold


@dataclass(frozen=True)
class Variant:
    doc: int
    start: int
    end: int
    found: str
    preferred: str
    counts: str
    kind: str  # "place" or "person"


def _norm(surface: str, generic_len: int) -> str:
    """Comparison form: apostrophes unified, the generic noun lower-cased."""
    surface = surface.replace("’", "'")
    head, tail = surface[: len(surface) - generic_len], surface[len(surface) - generic_len:]
    return head + tail.lower()


def _generic_len(surface: str) -> int:
    words = surface.split()
    lower = [w.lower() for w in words]
    if len(lower) >= 2 and lower[-2] == "new":
        return len(" ".join(words[-2:]))
    return len(words[-1])


def _well_formed(surface: str, generic_len: int) -> bool:
    name = surface[: len(surface) - generic_len].strip()
    if " " in name:
        return False
    syl = syllabify(fold(name))
    needs = bool(syl) and any(s[0] in "aoe" for s in syl[1:])
    has = "'" in name or "’" in name
    return needs == has and name[:1].isupper()


def _title_generic(surface: str, generic_len: int) -> bool:
    tail = surface[len(surface) - generic_len:]
    return all(w[:1].isupper() for w in tail.split())


def _rank(norm: str, surfaces: dict[str, Counter[str]], norms: Counter[str], wanted: dict[str, str]) -> tuple:
    sample = surfaces[norm].most_common(1)[0][0]
    gl = _generic_len(sample)
    return (norm in wanted, _well_formed(sample, gl), norms[norm], _title_generic(sample, gl))


def place_variants(summaries: Iterable[tuple[int, Summary]], preferred: Iterable[str] = ()) -> Iterator[Variant]:
    occ: dict[str, list[tuple[int, int, int, str]]] = defaultdict(list)
    for i, s in summaries:
        for p in s.places:
            occ[p.key].append((i, p.start, p.end, p.surface))
    wanted = {}
    for form in preferred:
        gl = _generic_len(form)
        wanted[_norm(form, gl)] = form
    for _key, items in occ.items():
        norms = Counter(_norm(x[3], _generic_len(x[3])) for x in items)
        if len(norms) < 2:
            continue
        surfaces: dict[str, Counter[str]] = defaultdict(Counter)
        for x in items:
            surfaces[_norm(x[3], _generic_len(x[3]))][x[3]] += 1

        best = max(norms, key=lambda n, s=surfaces, c=norms: _rank(n, s, c, wanted))
        if best in wanted:
            shown = wanted[best]
        else:
            shown = max(surfaces[best], key=lambda s: (_title_generic(s, _generic_len(s)), surfaces[best][s]))
        counts = ", ".join(f"'{surfaces[n].most_common(1)[0][0]}'×{c}" for n, c in norms.most_common())
        for doc, start, end, surface in items:
            if _norm(surface, _generic_len(surface)) != best:
                yield Variant(doc, start, end, surface, shown, counts, "place")


def person_variants(summaries: Iterable[tuple[int, Summary]], min_letters: int = 4,
                    min_ratio: float = 80.0) -> Iterator[Variant]:
    from rapidfuzz import fuzz

    by_surname: dict[str, dict[str, list[tuple[int, int, int, str]]]] = defaultdict(lambda: defaultdict(list))
    for i, s in summaries:
        for x in s.names:
            by_surname[x.surname][x.given].append((i, x.start, x.end, x.surface))
    for _surname, givens in by_surname.items():
        if len(givens) < 2:
            continue
        long = [g for g in givens if len(g) >= min_letters]
        counts = {g: len(givens[g]) for g in long}
        for minor in long:
            majors = [g for g in long if g != minor and counts[g] >= 2 and counts[g] >= 2 * counts[minor]
                      and fuzz.ratio(g, minor) >= min_ratio]
            if not majors:
                continue
            major = max(majors, key=lambda g: (counts[g], fuzz.ratio(g, minor)))
            shown = Counter(x[3] for x in givens[major]).most_common(1)[0][0]
            summary = f"{shown!r}×{counts[major]}, {givens[minor][0][3]!r}×{counts[minor]}"
            for doc, start, end, surface in givens[minor]:
                yield Variant(doc, start, end, surface, shown, summary, "person")
