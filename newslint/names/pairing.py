"""Which English document translates which Chinese one, and which names it got wrong.

Pairing scores every candidate (English, Chinese) pair on anchors that survive machine translation:

``score = .30 names + .25 numbers + .20 pinyin + .10 dates + .10 title + .05 length``

* names: F1 of the romanised Chinese names against the English name spans (a same-surname near
  match counts half), IDF-weighted over the English documents so that Xi Jinping proves little;
* numbers: weighted Dice over Arabic numbers (155, 906 count fully, years half, small numbers 0.2);
* pinyin: the share of the English pinyin place names ("Tongzhou District", "Xiong’an New Area") whose
  name reads as some run of characters of the Chinese text (通州), via pypinyin's character table;
* dates (9月27日 ~ September 27, 0.5 when either side has none), title (names and numbers of the
  Chinese title in the first 400 English characters), length (English/Chinese ratio in 1.8–5).

The best Chinese document for an English one must score at least the threshold (0.5) and beat the
runner-up by the margin (0.15): names alone do not separate the two reports of one meeting (seeds
001 and 004 name the same officials), the numbers and place words do. Explicit links from front
matter (``translation_of``, a shared ``source_url``) win outright. Candidates are blocked on rare
numbers and dates when the corpus is large, so the work stays near-linear.

Alignment (for a confirmed pair) matches each Chinese name to the English spans: exact or tolerant
(heteronym readings, ü spellings, split given names), then the polyphonic-surname and split
compound-surname mistakes, then a scored search over unclaimed spans with the same surname:
``.45 + .30 given-name similarity + .15 title context near the span + .10 relative position``,
greedy one-to-one above 0.55, and reported only when the given name is similar (≥ 0.5) or the
title context agrees (≥ 0.5).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from newslint.names.analyze import RAW_CHINESE, RAW_ENGLISH, RAW_KINDS, Summary, is_raw, raw_summary
from newslint.names.data import SURNAME_KEY, TITLE_KEYWORDS
from newslint.names.romanize import Romanised, fold, romanise

WEIGHTS = {"names": 0.30, "anchors": 0.45, "pinyin": 0.15, "title": 0.10}
LENGTH_PENALTY = 0.85  # a length ratio outside 1.5–8 English characters per Chinese character
MIN_EVIDENCE = 0.7  # rarity-weighted shared anchors (≈ one amount no other original holds) a pair needs
#                     when no name or place word matches
ALL_PAIRS_LIMIT = 20_000
MAX_POSTINGS = 200


@dataclass(frozen=True)
class Pair:
    en: int
    zh: int
    score: float
    runner_up: float
    explicit: bool = False
    features: tuple[tuple[str, float], ...] = ()


# -- candidate blocking ---------------------------------------------------------------------------

def _block_keys(s: Summary) -> set[str]:
    """The keys a pair must share (two of them, in a large run): distinctive amounts, percentages,
    dates, and the surnames of the names (every reading, so a wrong given name still shares one)."""
    keys = {k for k, w in s.facts.items() if k[0] in "dp" or (k[0] == "n" and w >= 1.0)}
    if not s.facts:
        keys.update(f"n:{k}" for k, w in s.numbers.items() if w >= 1.0)
        keys.update(f"d:{m}-{d}" for m, d in s.dates)
    if s.lang == "zh":
        for n in s.zh_names:
            sur = SURNAME_KEY.get(n.name[:2]) or SURNAME_KEY.get(n.name[:1])
            if sur:
                keys.add(f"s:{sur}")
    else:
        keys.update(f"s:{x.surname}" for x in s.names)
    return keys


def candidates(en_keys: dict[int, Iterable[str]], zh: dict[int, Summary], zh_count: int | None = None,
               usable: set[str] | None = None) -> dict[int, set[int]]:
    """Chinese candidates per English document (given by its blocking keys): all of them for small
    runs, else blocked on rare keys. ``zh`` may hold only the Chinese documents that can be
    candidates; ``zh_count`` is then the number in the whole run, and ``usable`` the keys rare
    enough in the whole run to block on."""
    total = len(zh) if zh_count is None else zh_count
    if len(en_keys) * total <= ALL_PAIRS_LIMIT:
        return {e: set(zh) for e in en_keys}
    index: dict[str, list[int]] = defaultdict(list)
    for z, s in zh.items():
        keys = _block_keys(s)
        for key in keys if usable is None else keys & usable:
            index[key].append(z)
    out: dict[int, set[int]] = {}
    for e, keys in en_keys.items():
        found: dict[int, int] = defaultdict(int)
        for key in keys:
            posting = index.get(key)
            if posting and len(posting) <= MAX_POSTINGS:
                for z in posting:
                    found[z] += 1
        out[e] = {z for z, c in found.items() if c >= 2}
    return out


# -- features ---------------------------------------------------------------------------------------

class _Corpus:
    """Corpus statistics and per-document caches used while scoring."""

    def __init__(self, en: dict[int, Summary], zh: dict[int, Summary], side: _EnglishSide) -> None:
        """``en``: the English documents to score; ``side``: statistics over every English document
        of the run."""
        self.en, self.zh = en, zh
        self.n_en = max(1, side.count)
        self.name_df, self.anchor_df = side.name_df, side.anchor_df
        self._roman: dict[int, list[Romanised]] = {}
        self._grams: dict[int, dict[str, set[str]]] = {}
        self._han: dict[int, str] = {}
        self._words: dict[int, frozenset[str]] = {}
        self.fact_df: dict[str, int] = defaultdict(int)  # Chinese documents holding each anchor
        for summary in zh.values():
            for key in summary.facts:
                self.fact_df[key] += 1
        self.n_zh = max(1, len(zh))

    def words(self, e: int) -> frozenset[str]:
        if e not in self._words:
            self._words[e] = frozenset(self.en[e].words.split())
        return self._words[e]

    def idf(self, df: int) -> float:
        return math.log(1 + self.n_en / (1 + df))

    def roman(self, z: int) -> list[Romanised]:
        if z not in self._roman:
            self._roman[z] = [romanise(n.name) for n in self.zh[z].zh_names]
        return self._roman[z]

    def readings(self, z: int) -> dict[str, set[str]]:
        """Syllable → the characters of the Chinese text that can be read so (built once per document)."""
        if z not in self._grams:
            from newslint.names.romanize import char_readings

            index: dict[str, set[str]] = defaultdict(set)
            for ch in set(self.zh[z].han_text()) - {"|"}:
                for syl in char_readings(ch):
                    index[syl].add(ch)
            self._grams[z] = index
            self._han[z] = self.zh[z].han_text()
        return self._grams[z]

    def has_pinyin(self, z: int, word: str) -> bool:
        """True when some run of characters in the Chinese text reads as ``word`` (Tongzhou → 通州)."""
        from newslint.names.english import syllabify

        syl = syllabify(word)
        if not syl:
            return False
        index = self.readings(z)
        text = self._han[z]
        options = [index.get(x) for x in syl]
        if not all(options):
            return False
        prefixes = [c for c in options[0]]
        for chars in options[1:]:
            prefixes = [p + c for p in prefixes for c in chars if p + c in text]
            if not prefixes:
                return False
        return True


def _name_f1(c: _Corpus, e: int, z: int) -> float:
    en = c.en[e]
    spans = {(x.surname, x.given) for x in en.names}
    if not spans or not c.zh[z].zh_names:
        return 0.0
    from rapidfuzz import fuzz

    matched_en: dict[tuple[str, str], float] = {}
    recall_num = recall_den = 0.0
    for r in c.roman(z):
        w = c.idf(c.name_df.get(f"{r.surname_key} {min(r.given_keys)}", 0))
        recall_den += w
        best, best_span = 0.0, None
        for span in spans:
            if span[0] != r.surname_key:
                continue
            if span[1] in r.given_keys:
                best, best_span = 1.0, span
                break
            if max(fuzz.ratio(span[1], g) for g in r.given_keys) >= 70 and best < 0.5:
                best, best_span = 0.5, span
        if best_span is not None:
            recall_num += w * best
            matched_en[best_span] = max(matched_en.get(best_span, 0.0), best)
    prec_num = prec_den = 0.0
    for span in spans:
        w = c.idf(c.name_df.get(f"{span[0]} {span[1]}", 0))
        prec_den += w
        prec_num += w * matched_en.get(span, 0.0)
    p = prec_num / prec_den if prec_den else 0.0
    r_ = recall_num / recall_den if recall_den else 0.0
    return 2 * p * r_ / (p + r_) if p + r_ else 0.0


def _pinyin(c: _Corpus, e: int, z: int) -> float:
    anchors = c.en[e].anchors
    if not anchors:
        return 0.0
    num = den = 0.0
    for a in anchors:
        w = c.idf(c.anchor_df.get(a, 0))
        den += w
        if c.has_pinyin(z, a):
            num += w
    return num / den if den else 0.0


def _title(c: _Corpus, e: int, z: int) -> float:
    zs, es = c.zh[z], c.en[e]
    total = hit = 0
    for name in zs.zh_title_names:
        total += 1
        r = romanise(name)
        if any(k in es.head_names for k in r.keys):
            hit += 1
    for num in zs.zh_title_numbers:
        total += 1
        hit += num in es.head_numbers
    return hit / total if total else 0.0


def _fact_idf(c: _Corpus, key: str) -> float:
    """How rare an anchor is among the run's Chinese documents, in (0, 1]: an anchor no other Chinese
    document holds counts about 1 whatever the size of the run."""
    return math.log(1 + c.n_zh / (1 + c.fact_df.get(key, 0))) / math.log(1 + c.n_zh)


def _anchors(c: _Corpus, e: int, z: int) -> tuple[float, float]:
    """(similarity, shared evidence) of the two documents' normalised anchors: a weighted Dice in which
    each anchor counts by its kind and by how few Chinese documents of the run hold it. The English
    side's capitalised words count only where they match a Latin word of the Chinese text: most are
    ordinary English."""
    es, zs = c.en[e], c.zh[z]
    ef, zf, words = es.facts, zs.facts, c.words(e)
    if not zf or not (ef or words):
        return 0.0, 0.0
    shared = zmass = emass = 0.0
    for key, w in zf.items():
        m = w * _fact_idf(c, key)
        zmass += m
        if key in ef or (key[0] == "l" and key[2:] in words):
            shared += m
            if key[0] == "l":
                emass += m
    for key, w in ef.items():
        emass += w * _fact_idf(c, key)
    total = zmass + emass
    return (2 * shared / total if total else 0.0), shared


def score(c: _Corpus, e: int, z: int) -> tuple[float, tuple[tuple[str, float], ...]]:
    """The pairing score: the weighted mean of the features both documents can show (a brief with no
    person names is judged on its anchors alone), lowered when the lengths do not fit, and capped
    below any threshold when nothing distinctive is shared."""
    es, zs = c.en[e], c.zh[z]
    anchors, evidence = _anchors(c, e, z)
    feats: dict[str, float] = {"anchors": anchors}
    if zs.zh_names and es.names:
        feats["names"] = _name_f1(c, e, z)
    if es.anchors:
        feats["pinyin"] = _pinyin(c, e, z)
    if zs.zh_title_names or zs.zh_title_numbers:
        feats["title"] = _title(c, e, z)
    # names, place words and the title only add evidence: a translation that mangles every name
    # (the case NL601 is for) is judged on its anchors alone
    total = max(anchors, sum(WEIGHTS[k] * v for k, v in feats.items()) / sum(WEIGHTS[k] for k in feats))
    ratio = es.length / max(1, zs.length)
    if not 1.5 <= ratio <= 8.0:
        total *= LENGTH_PENALTY
    if evidence < MIN_EVIDENCE and feats.get("names", 0.0) < 0.5 and feats.get("pinyin", 0.0) < 0.5:
        total = min(total, 0.3)
    feats["evidence"] = evidence
    return total, tuple((k, round(v, 2)) for k, v in feats.items())


def _explicit(en_meta: dict[int, dict[str, str]], zh: dict[int, Summary], link_fields: Iterable[str],
              shared_fields: Iterable[str]) -> dict[int, int]:
    """English document → the Chinese one it links to (``en_meta``: each English document's link
    and shared fields)."""
    ids: dict[str, int] = {}
    shared: dict[tuple[str, str], int] = {}
    for z, s in zh.items():
        ids[s.path] = z
        ids[s.path.rsplit("/", 1)[-1]] = z
        for f in ("url", "link", "id", "source_url", "permalink", *shared_fields):
            if s.meta.get(f):
                ids.setdefault(s.meta[f], z)
        for f in shared_fields:
            if s.meta.get(f):
                shared[(f, s.meta[f])] = z
    out: dict[int, int] = {}
    for e, meta in en_meta.items():
        for f in link_fields:
            target = meta.get(f)
            if target and target in ids:
                out[e] = ids[target]
                break
        else:
            for f in shared_fields:
                if meta.get(f) and (f, meta[f]) in shared:
                    out[e] = shared[(f, meta[f])]
                    break
    return out


# A packed entry, what the names checks' ``map`` stores: ``[lang, blocking keys, link names, encoded
# Summary, English statistics]``. Passes over millions of records then read only the keys, names and
# statistics (an English document's name keys, pinyin anchors and link fields); the full summary is
# decoded only for the English documents with a candidate and the few Chinese candidates. Lists, not
# tuples: the spool decodes lists at C speed, each tuple through a Python callback (every pass).
Packed = list


def pack(s: Summary, shared_fields: Iterable[str] = ("source_url",)) -> Packed:
    from newslint.datafile import dump_body

    names: list[str] = []
    if s.lang == "zh":
        found = {s.path, s.path.rsplit("/", 1)[-1]}
        found.update(s.meta[f] for f in ("url", "link", "id", "source_url", "permalink", *shared_fields)
                     if s.meta.get(f))
        names = sorted(found)
    keys = sorted(_block_keys(s)) if s.lang in ("zh", "en") else []
    stats: list = []
    if s.lang == "en":
        stats = [sorted({f"{x.surname} {x.given}" for x in s.names}), sorted(s.anchors),
                 [list(item) for item in sorted(s.meta.items())]]
    return [s.lang, keys, names, dump_body(s), stats]


def _lang(entry: Summary | Packed) -> str:
    """The language of a map entry (a summary, a packed one or a deferred one)."""
    if isinstance(entry, Summary):
        return entry.lang
    return "en" if entry[0] == RAW_ENGLISH else "zh" if entry[0] == RAW_CHINESE else entry[0]


class _Analysed:
    """The summaries of deferred entries (:func:`newslint.names.analyze.map_entry`), analysed when
    first needed and kept while their text stays under a budget: the first pass analyses every
    English document, the last needs those with a candidate again (in a small run, all of them); a
    deferred Chinese document is analysed when the pairing first reads its blocking keys."""

    BUDGET = 16_000_000  # characters of text kept analysed (beyond: analysed again if wanted)

    def __init__(self) -> None:
        self._kept: dict[int, Summary] = {}
        self._chars = 0

    def resolved(self, i: int, entry: Summary | Packed, kind: str) -> Summary | Packed:
        """``entry``, analysed if it is a deferred entry of ``kind`` (any other as it is)."""
        return self.get(i, entry) if is_raw(entry, kind) else entry  # type: ignore[arg-type]

    def get(self, i: int, entry: list) -> Summary:
        summary = self._kept.get(i)
        if summary is None:
            summary = raw_summary(entry)
            if self._chars + len(entry[-1]) <= self.BUDGET:
                self._chars += len(entry[-1])
                self._kept[i] = summary
        return summary


def _unpacked(entry: Summary | Packed, i: int = -1, analysed: _Analysed | None = None) -> Summary:
    if isinstance(entry, Summary):
        return entry
    if entry[0] in RAW_KINDS:
        return (analysed or _Analysed()).get(i, entry)
    from newslint.datafile import loads_body

    return loads_body(entry[3])


def _facts(entry: Summary | Packed, shared_fields: tuple[str, ...]) -> tuple[str, set[str], set[str]]:
    """(lang, blocking keys, link names) of a packed Chinese entry or a plain summary (only the
    language of a deferred English one)."""
    if not isinstance(entry, Summary) and entry[0] == RAW_ENGLISH:
        return "en", set(), set()
    if isinstance(entry, Summary):
        names = {entry.path, entry.path.rsplit("/", 1)[-1]}
        names.update(entry.meta[f] for f in ("url", "link", "id", "source_url", "permalink", *shared_fields)
                     if entry.meta.get(f))
        return entry.lang, _block_keys(entry) if entry.lang in ("zh", "en") else set(), names
    return entry[0], set(entry[1]), set(entry[2])


class _EnglishSide:
    """What pairing keeps of *every* English document: its blocking keys, its link fields (when it
    has any) and the document frequencies of names and anchors. The whole summary is unpickled
    again only for the English documents that have a candidate, so memory follows the vocabulary
    and the candidates, not a corpus of millions of English records."""

    def __init__(self) -> None:
        self.keys: dict[int, tuple[str, ...]] = {}
        self.meta: dict[int, dict[str, str]] = {}
        self.name_df: dict[str, int] = defaultdict(int)
        self.anchor_df: dict[str, int] = defaultdict(int)
        self.count = 0
        self._strings: dict[str, str] = {}  # one object per distinct key (each pass unpickles new ones)

    def add(self, e: int, entry: Summary | Packed, fields: tuple[str, ...]) -> None:
        if isinstance(entry, Summary):
            keys, meta_items = _block_keys(entry), entry.meta.items()
            names, anchors = {f"{x.surname} {x.given}" for x in entry.names}, entry.anchors
        else:
            keys, (names, anchors, meta_items) = entry[1], entry[4]
        intern = self._strings.setdefault
        self.count += 1
        self.keys[e] = tuple(intern(k, k) for k in keys)
        meta = {f: v for f, v in meta_items if f in fields and v}
        if meta:
            self.meta[e] = meta
        for key in names:
            self.name_df[intern(key, key)] += 1
        for anchor in anchors:
            self.anchor_df[intern(anchor, anchor)] += 1


def find_pairs(summaries: Iterable[tuple[int, Summary | Packed]], threshold: float = 0.5, margin: float = 0.15,
               link_fields: Iterable[str] = ("translation_of",),
               shared_fields: Iterable[str] = ("source_url",)) -> tuple[list[Pair], _Corpus | None]:
    """Confirmed (English, Chinese) translation pairs of a run.

    ``summaries`` (plain or :func:`pack`-ed) may be a spooled stream, read up to four times: every
    English document's keys and statistics (:class:`_EnglishSide`); the Chinese documents' key
    counts; the Chinese documents that can pair with an English one — a candidate of the blocking,
    or the target of an explicit link; and the English documents with a candidate. Memory is then
    bounded by the candidates and the vocabulary, not by the corpus."""
    link_fields, shared_fields = tuple(link_fields), tuple(shared_fields)
    zh_count = sum(1 for _, entry in summaries if entry is not None and _lang(entry) == "zh")
    if not zh_count:
        return [], None  # nothing to pair with: an English-only run stops after reading the languages
    side = _EnglishSide()
    analysed = _Analysed()
    for i, entry in summaries:
        if entry is not None and _lang(entry) == "en":
            entry = analysed.resolved(i, entry, RAW_ENGLISH)  # a deferred English document is analysed here, once
            side.add(i, entry, link_fields + shared_fields)
    if not side.count:
        return [], None
    targets = {value for meta in side.meta.values() for value in meta.values()}
    zh, usable = _wanted_chinese(summaries, side.keys, targets, zh_count, shared_fields, analysed)
    explicit = _explicit(side.meta, zh, link_fields, shared_fields)
    found = candidates(side.keys, zh, zh_count, usable)
    wanted = set(explicit) | {e for e, cands in found.items() if cands}
    en: dict[int, Summary] = {}
    if wanted:
        for i, entry in summaries:
            if i in wanted and entry is not None:
                en[i] = _unpacked(entry, i, analysed)
    corpus = _Corpus(en, zh, side)
    pairs: list[Pair] = []
    for e, z in explicit.items():
        pairs.append(Pair(e, z, 1.0, 0.0, True))
    for e, cands in found.items():
        if e in explicit or not cands:
            continue
        scored = sorted(((score(corpus, e, z), z) for z in sorted(cands)), key=lambda t: -t[0][0])
        (best, feats), z = scored[0]
        runner = scored[1][0][0] if len(scored) > 1 else 0.0
        if best >= threshold and best - runner >= margin:
            pairs.append(Pair(e, z, round(best, 3), round(runner, 3), False, feats))
    return sorted(pairs, key=lambda p: p.en), corpus


def _wanted_chinese(summaries: Iterable[tuple[int, Summary | Packed]], en_keys: dict[int, tuple[str, ...]],
                    targets: set[str], zh_count: int, shared_fields: tuple[str, ...],
                    analysed: _Analysed | None = None) -> tuple[dict[int, Summary], set[str] | None]:
    """The Chinese summaries that can matter: all of them in a small run; else those sharing two
    usable blocking keys (held by at most :data:`MAX_POSTINGS` Chinese documents of the run) with an
    English document, and those an English link (``targets``) can name. Also returns the usable keys."""
    analysed = analysed or _Analysed()  # (deferred Chinese entries, analysed once each)
    small = len(en_keys) * zh_count <= ALL_PAIRS_LIMIT
    by_key: dict[str, list[int]] = defaultdict(list)
    usable: set[str] = set()
    if not small:
        for e, keys in en_keys.items():
            for key in keys:
                by_key[key].append(e)
        postings: dict[str, int] = defaultdict(int)  # Chinese documents per key (keys English documents hold)
        for z, entry in summaries:
            if entry is None:
                continue
            lang, keys, _ = _facts(analysed.resolved(z, entry, RAW_CHINESE), shared_fields)
            if lang == "zh":
                for key in keys & by_key.keys():
                    postings[key] += 1
        usable = {key for key, n in postings.items() if n <= MAX_POSTINGS}
    out: dict[int, Summary] = {}
    for z, entry in summaries:
        if entry is None:
            continue
        entry = analysed.resolved(z, entry, RAW_CHINESE)
        lang, keys, names = _facts(entry, shared_fields)
        if lang != "zh":
            continue
        if small or (targets and not names.isdisjoint(targets)):
            out[z] = _unpacked(entry)
            continue
        if _two_shared(keys & usable, by_key):
            out[z] = _unpacked(entry)
    return out, None if small else usable


def _two_shared(keys: Iterable[str], by_key: dict[str, list[int]]) -> bool:
    """True when some English document holds two of ``keys`` (``by_key``: the English documents
    holding each key, each at most once): set operations that stop at the first one, where counting
    every English document of every key grew with the square of a popular surname."""
    seen: set[int] = set()
    for key in keys:
        posting = by_key[key]
        if not seen.isdisjoint(posting):
            return True
        seen.update(posting)
    return False


# -- alignment -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Alignment:
    zh_name: str
    expected: str
    status: str  # ok, wrong, absent
    spans: tuple[int, ...] = ()  # indexes into the English summary's names
    confidence: float = 0.0
    note: str = ""
    # wrong renderings found by paragraph and role (render.py): (start, end, surface, note)
    extra: tuple[tuple[int, int, str, str], ...] = ()


def _title_share(title: str, ctx: frozenset) -> float:
    groups = [ws for key, ws in TITLE_KEYWORDS.items() if key in title]
    if not groups:
        return 0.0
    hit = sum(1 for ws in groups if any(w in k for k in ctx for w in ws))
    return hit / len(groups)


def align(en: Summary, zh: Summary, min_score: float = 0.55) -> list[Alignment]:
    """Match each Chinese name of ``zh`` to the English name spans of ``en``."""
    from rapidfuzz import fuzz

    romans = [romanise(n.name) for n in zh.zh_names]
    spans = en.names
    claimed: dict[int, int] = {}
    results: dict[int, Alignment] = {}
    keys = [(s.surname, s.given) for s in spans]
    for i, r in enumerate(romans):
        ok = [j for j, k in enumerate(keys) if k[0] == r.surname_key and k[1] in r.given_keys]
        ok += [j for j, k in enumerate(keys) if k[1] == r.surname_key and k[0] in r.given_keys]  # given-first
        if ok:
            results[i] = Alignment(zh.zh_names[i].name, r.preferred, "ok", tuple(ok), 1.0)
            for j in ok:
                claimed[j] = i
    for i, r in enumerate(romans):
        if i in results:
            continue
        wrong = [j for j, k in enumerate(keys) if j not in claimed and k[0] in r.surname_misreadings
                 and k[1] in r.given_keys]
        note = f"surname {r.surname} read as '{{}}'; as a surname it is '{r.surname_key}'"
        if not wrong and len(r.surname) == 2:
            first = fold(SURNAME_KEY.get(r.surname[:1], ""))
            rest = r.surname_key[len(first):]
            wrong = [j for j, k in enumerate(keys) if j not in claimed and first and k[0] == first
                     and any(k[1] == rest + g for g in r.given_keys)]
            note = f"compound surname {r.surname} split"
        if wrong:
            note = note.format(keys[wrong[0]][0])
            results[i] = Alignment(zh.zh_names[i].name, r.preferred, "wrong", tuple(wrong), 0.95, note)
            for j in wrong:
                claimed[j] = i
    scored: list[tuple[float, int, int, float, float]] = []
    length = max(1, en.length)
    for i, r in enumerate(romans):
        if i in results:
            continue
        name = zh.zh_names[i]
        for j, span in enumerate(spans):
            if j in claimed or span.surname != r.surname_key:
                continue
            if any(keys[j][0] == fold(romanise(n.name).surname_key) and keys[j][1] in romanise(n.name).given_keys
                   for n in zh.zh_names):
                continue
            sim = max(fuzz.ratio(span.given, g) for g in r.given_keys) / 100
            share = _title_share(name.title, en.name_ctx[j]) if en.name_ctx else 0.0
            pos = 1 - abs((span.start - en.body_start) / length - name.rel_pos)
            total = 0.45 + 0.30 * sim + 0.15 * share + 0.10 * pos
            if total >= min_score:
                scored.append((total, i, j, sim, share))
    scored.sort(key=lambda t: -t[0])
    for total, i, j, sim, share in scored:
        if i in results or j in claimed:
            continue
        if sim < 0.5 and share < 0.5:
            continue  # too weak to call: another person with the same surname is as likely
        surface = spans[j].surface
        same = tuple(k for k, s in enumerate(spans) if s.surface == surface and k not in claimed)
        bits = [f"same surname, given-name similarity {sim:.2f}"]
        if share:
            bits.append(f"title context {share:.0%}")
        results[i] = Alignment(zh.zh_names[i].name, romans[i].preferred, "wrong", same, round(total, 2),
                               ", ".join(bits))
        for k in same:
            claimed[k] = i
    for i, r in enumerate(romans):
        if i not in results:
            results[i] = Alignment(zh.zh_names[i].name, r.preferred, "absent")
    if (en.body or en.text_packed) and (zh.body or zh.text_packed):
        _by_position(en, zh, romans, results)
    return [results[i] for i in range(len(romans))]


def _by_position(en: Summary, zh: Summary, romans: list[Romanised], results: dict[int, Alignment]) -> None:
    """Add the renderings found by paragraph and role word (render.py): a wrong one the surname search
    could not see ("Sharp" for 夏宾), and drop a wrong verdict on a span that is a format variant."""
    from newslint.names.render import renderings

    found = renderings(en.text(), en.body_start, zh.text(), [n.name for n in zh.zh_names],
                       [n.title for n in zh.zh_names], romans)
    fine = {(x.start, x.end) for x in found if x.verdict != "wrong"}
    ok_spans = [(en.names[j].start, en.names[j].end) for a in results.values() if a.status == "ok" for j in a.spans]
    taken = {(en.names[j].start, en.names[j].end) for a in results.values() if a.status == "wrong" for j in a.spans}
    for i, a in list(results.items()):
        if a.status == "wrong" and a.spans:
            keep = tuple(j for j in a.spans if (en.names[j].start, en.names[j].end) not in fine)
            if keep != a.spans:
                results[i] = a = Alignment(a.zh_name, a.expected, "wrong" if keep else "ok", keep, a.confidence,
                                           a.note)
        extra = []
        for x in found:
            if x.zh_index != i or x.verdict != "wrong":
                continue
            if any(s < x.end and x.start < e for s, e in ok_spans) or any(
                    s < x.end and x.start < e for s, e in taken):
                continue
            extra.append((x.start, x.end, x.surface, x.note))
            taken.add((x.start, x.end))
        if extra:
            results[i] = Alignment(a.zh_name, a.expected, "wrong", a.spans if a.status == "wrong" else (),
                                   a.confidence if a.status == "wrong" else 0.9,
                                   a.note if a.status == "wrong" else extra[0][3], tuple(extra))
