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


# What the variants read of each English document: ``(index, names, places)``, the spans flattened
# (``[start, end, surface, surname, given, …]`` and ``[start, end, surface, key, …]``, see
# ``newslint.names.analyze.english_spans``): plain lists decode at C speed from the spool.
Spans = tuple[int, list, list]


def _chunks(flat: list, size: int) -> Iterator[tuple]:
    """The consecutive ``size``-tuples of a flat list."""
    it = iter(flat)
    return zip(*[it] * size, strict=True)


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


def place_variants(summaries: Iterable[Spans], preferred: Iterable[str] = ()) -> Iterator[Variant]:
    """Two passes over ``summaries`` (re-iterable): the forms of each place are counted first, then
    only the occurrences of a form that loses are collected (memory: the vocabulary and the findings)."""
    norms_of: dict[str, Counter[str]] = {}  # place key -> comparison form -> occurrences
    surfaces_of: dict[str, dict[str, Counter[str]]] = {}  # place key -> comparison form -> surfaces
    norm_of: dict[str, str] = {}  # surface -> comparison form: a run repeats a few surfaces many times
    for _, _names, places in summaries:
        for _start, _end, surface, key in _chunks(places, 4):
            norm = norm_of.get(surface)
            if norm is None:
                norm = norm_of[surface] = _norm(surface, _generic_len(surface))
            norms = norms_of.get(key)
            if norms is None:
                norms = norms_of[key] = Counter()
                surfaces_of[key] = defaultdict(Counter)
            norms[norm] += 1
            surfaces_of[key][norm][surface] += 1
    wanted = {}
    for form in preferred:
        gl = _generic_len(form)
        wanted[_norm(form, gl)] = form
    flagged: dict[str, tuple[str, str, str]] = {}  # key -> (winning form, shown, counts)
    for key, norms in norms_of.items():
        if len(norms) < 2:
            continue
        surfaces = surfaces_of[key]
        best = max(norms, key=lambda n, s=surfaces, c=norms: _rank(n, s, c, wanted))
        if best in wanted:
            shown = wanted[best]
        else:
            shown = max(surfaces[best], key=lambda s: (_title_generic(s, _generic_len(s)), surfaces[best][s]))
        counts = ", ".join(f"'{surfaces[n].most_common(1)[0][0]}'×{c}" for n, c in norms.most_common())
        flagged[key] = (best, shown, counts)
    if not flagged:
        return
    found: dict[str, list[Variant]] = {key: [] for key in flagged}
    for doc, _names, places in summaries:
        for start, end, surface, key in _chunks(places, 4):
            entry = flagged.get(key)
            if entry is not None and norm_of[surface] != entry[0]:
                found[key].append(Variant(doc, start, end, surface, entry[1], entry[2], "place"))
    for variants in found.values():
        yield from variants


def _final_major(minor: str, major_of: dict[str, str]) -> str:
    """The form a minor given name should become: its major, or, when that major is itself reported
    as a variant of a more frequent form, that form (MT spells 李絮枫 "Li Xufeng" ×4, "Li Sufeng" ×2 and
    "Li Shufeng" ×1: "Shufeng" is near "Sufeng" but not "Xufeng", and must not be told to become a
    spelling that is itself reported). Each step at least doubles the count, so the chain ends."""
    major = major_of[minor]
    while major in major_of:
        major = major_of[major]
    return major


def person_variants(summaries: Iterable[Spans], min_letters: int = 4,
                    min_ratio: float = 80.0) -> Iterator[Variant]:
    """Two passes over ``summaries`` (re-iterable), like :func:`place_variants`."""
    from rapidfuzz import fuzz

    # surname -> given name -> its surfaces, counted in the order first seen
    by_surname: dict[str, dict[str, Counter[str]]] = defaultdict(dict)
    for _, names, _places in summaries:
        for _start, _end, surface, surname, given in _chunks(names, 5):
            by_surname[surname].setdefault(given, Counter())[surface] += 1
    flagged: dict[tuple[str, str], tuple[str, str]] = {}  # (surname, minor given name) -> (shown, counts)
    for surname, givens in by_surname.items():
        if len(givens) < 2:
            continue
        long = [g for g in givens if len(g) >= min_letters]
        counts = {g: givens[g].total() for g in long}
        major_of: dict[str, str] = {}
        for minor in long:
            majors = [g for g in long if g != minor and counts[g] >= 2 and counts[g] >= 2 * counts[minor]
                      and fuzz.ratio(g, minor) >= min_ratio]
            if majors:
                major_of[minor] = max(majors, key=lambda g: (counts[g], fuzz.ratio(g, minor)))
        for minor in major_of:
            major = _final_major(minor, major_of)
            shown = givens[major].most_common(1)[0][0]
            first = next(iter(givens[minor]))  # the minor form's first surface
            flagged[(surname, minor)] = (shown, f"{shown!r}×{counts[major]}, {first!r}×{counts[minor]}")
    if not flagged:
        return
    found: dict[tuple[str, str], list[Variant]] = {key: [] for key in flagged}
    for doc, names, _places in summaries:
        for start, end, surface, surname, given in _chunks(names, 5):
            key = (surname, given)
            entry = flagged.get(key)
            if entry is not None:
                found[key].append(Variant(doc, start, end, surface, entry[0], entry[1], "person"))
    for variants in found.values():
        yield from variants
