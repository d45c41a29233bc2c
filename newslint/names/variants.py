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


class _PlaceForms:
    """The forms of each place, counted over one pass; then the occurrences of losing forms."""

    def __init__(self) -> None:
        self.norms_of: dict[str, Counter[str]] = {}  # place key -> comparison form -> occurrences
        self.surfaces_of: dict[str, dict[str, Counter[str]]] = {}  # place key -> form -> surfaces
        self.norm_of: dict[str, str] = {}  # surface -> comparison form: a run repeats a few surfaces many times
        self.flagged: dict[str, tuple[str, str, str]] = {}  # key -> (winning form, shown, counts)
        self.found: dict[str, list[Variant]] = {}

    def count(self, places: list) -> None:
        for _start, _end, surface, key in _chunks(places, 4):
            norm = self.norm_of.get(surface)
            if norm is None:
                norm = self.norm_of[surface] = _norm(surface, _generic_len(surface))
            norms = self.norms_of.get(key)
            if norms is None:
                norms = self.norms_of[key] = Counter()
                self.surfaces_of[key] = defaultdict(Counter)
            norms[norm] += 1
            self.surfaces_of[key][norm][surface] += 1

    def decide(self, preferred: Iterable[str]) -> bool:
        """Which places have losing forms; False when none has."""
        wanted = {}
        for form in preferred:
            wanted[_norm(form, _generic_len(form))] = form
        for key, norms in self.norms_of.items():
            if len(norms) < 2:
                continue
            surfaces = self.surfaces_of[key]
            best = max(norms, key=lambda n, s=surfaces, c=norms: _rank(n, s, c, wanted))
            if best in wanted:
                shown = wanted[best]
            else:
                shown = max(surfaces[best], key=lambda s: (_title_generic(s, _generic_len(s)), surfaces[best][s]))
            counts = ", ".join(f"'{surfaces[n].most_common(1)[0][0]}'×{c}" for n, c in norms.most_common())
            self.flagged[key] = (best, shown, counts)
        self.found = {key: [] for key in self.flagged}
        return bool(self.flagged)

    def collect(self, doc: int, places: list) -> None:
        for start, end, surface, key in _chunks(places, 4):
            entry = self.flagged.get(key)
            if entry is not None and self.norm_of[surface] != entry[0]:
                self.found[key].append(Variant(doc, start, end, surface, entry[1], entry[2], "place"))

    def variants(self) -> Iterator[Variant]:
        for found in self.found.values():
            yield from found


def place_variants(summaries: Iterable[Spans], preferred: Iterable[str] = ()) -> Iterator[Variant]:
    """Two passes over ``summaries`` (re-iterable): the forms of each place are counted first, then
    only the occurrences of a form that loses are collected (memory: the vocabulary and the findings)."""
    forms = _PlaceForms()
    for _, _names, places in summaries:
        forms.count(places)
    if forms.decide(preferred):
        for doc, _names, places in summaries:
            forms.collect(doc, places)
    yield from forms.variants()


def _final_major(minor: str, major_of: dict[str, str]) -> str:
    """The form a minor given name should become: its major, or, when that major is itself reported
    as a variant of a more frequent form, that form (MT spells 李絮枫 "Li Xufeng" ×4, "Li Sufeng" ×2 and
    "Li Shufeng" ×1: "Shufeng" is near "Sufeng" but not "Xufeng", and must not be told to become a
    spelling that is itself reported). Each step at least doubles the count, so the chain ends."""
    major = major_of[minor]
    while major in major_of:
        major = major_of[major]
    return major


class _PersonForms:
    """The given-name spellings of each surname, counted over one pass; then the minor forms' occurrences."""

    def __init__(self, min_letters: int = 4, min_ratio: float = 80.0) -> None:
        self.min_letters, self.min_ratio = min_letters, min_ratio
        # surname -> given name -> its surfaces, counted in the order first seen
        self.by_surname: dict[str, dict[str, Counter[str]]] = defaultdict(dict)
        self.flagged: dict[tuple[str, str], tuple[str, str]] = {}  # (surname, minor given) -> (shown, counts)
        self.found: dict[tuple[str, str], list[Variant]] = {}

    def count(self, names: list) -> None:
        by_surname = self.by_surname
        for _start, _end, surface, surname, given in _chunks(names, 5):
            by_surname[surname].setdefault(given, Counter())[surface] += 1

    def decide(self) -> bool:
        """Which given names are minor spellings of a more frequent one; False when none is."""
        from rapidfuzz import fuzz

        for surname, givens in self.by_surname.items():
            if len(givens) < 2:
                continue
            long = [g for g in givens if len(g) >= self.min_letters]
            counts = {g: givens[g].total() for g in long}
            major_of: dict[str, str] = {}
            for minor in long:
                majors = [g for g in long if g != minor and counts[g] >= 2 and counts[g] >= 2 * counts[minor]
                          and fuzz.ratio(g, minor) >= self.min_ratio]
                if majors:
                    major_of[minor] = max(majors, key=lambda g: (counts[g], fuzz.ratio(g, minor)))
            for minor in major_of:
                major = _final_major(minor, major_of)
                shown = givens[major].most_common(1)[0][0]
                first = next(iter(givens[minor]))  # the minor form's first surface
                self.flagged[(surname, minor)] = (shown, f"{shown!r}×{counts[major]}, {first!r}×{counts[minor]}")
        self.found = {key: [] for key in self.flagged}
        return bool(self.flagged)

    def collect(self, doc: int, names: list) -> None:
        for start, end, surface, surname, given in _chunks(names, 5):
            key = (surname, given)
            entry = self.flagged.get(key)
            if entry is not None:
                self.found[key].append(Variant(doc, start, end, surface, entry[0], entry[1], "person"))

    def variants(self) -> Iterator[Variant]:
        for found in self.found.values():
            yield from found


def person_variants(summaries: Iterable[Spans], min_letters: int = 4,
                    min_ratio: float = 80.0) -> Iterator[Variant]:
    """Two passes over ``summaries`` (re-iterable), like :func:`place_variants`."""
    forms = _PersonForms(min_letters, min_ratio)
    for _, names, _places in summaries:
        forms.count(names)
    if forms.decide():
        for doc, names, _places in summaries:
            forms.collect(doc, names)
    yield from forms.variants()


def variants(summaries: Iterable[Spans], preferred: Iterable[str] = (), persons: bool = True,
             min_letters: int = 4, min_ratio: float = 80.0) -> list[Variant]:
    """Place variants, then (``persons``) person variants, in two passes over ``summaries`` for both
    (each pass decodes every document's spans from the spool: four passes cost twice as much)."""
    places = _PlaceForms()
    people = _PersonForms(min_letters, min_ratio) if persons else None
    for _, names, spans in summaries:
        places.count(spans)
        if people is not None:
            people.count(names)
    some_places = places.decide(preferred)
    some_people = people is not None and people.decide()
    if some_places or some_people:
        for doc, names, spans in summaries:
            if some_places:
                places.collect(doc, spans)
            if some_people:
                people.collect(doc, names)  # type: ignore[union-attr]
    return [*places.variants(), *(people.variants() if people is not None else ())]
