"""The names checks: NL503 translation-pair, NL601 name-mistranslation, NL602 name-variant, NL603 glossary.

NL503, NL601 and NL602 are corpus checks: ``map`` summarises each document (names, numbers, place
words, offsets; see :mod:`newslint.names.analyze`), ``reduce`` pairs translations and compares names
across the run. The pairing map analyses a batch of documents that holds both languages; otherwise it
keeps them raw, and the reduce analyses them only when the run holds the other language. NL603 is a
plain document check driven by user glossaries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar

from newslint.document import Document
from newslint.model import Applicability, Edit, Hit
from newslint.registry import CheckSpec, CorpusDetector, Detector, PackError, Param

_PAIR_PARAMS: dict[str, Param] = {
    "threshold": Param((int, float), default=0.5, doc="lowest pairing score that makes a pair"),
    "margin": Param((int, float), default=0.15, doc="how far the best Chinese document must beat the runner-up"),
    "link_fields": Param(list, default=["translation_of"], doc="front-matter fields naming the original"),
    "shared_fields": Param(list, default=["source_url"], doc="front-matter fields a pair shares"),
}

_pairs_cache: tuple[list, tuple, Any] | None = None
_TWO_CAPITALISED_WORDS = re.compile(r"[A-Z][a-z’']+[ -][A-Z][a-z]")


class _NamesCorpus(CorpusDetector):
    params: ClassVar[dict[str, Param]] = dict(_PAIR_PARAMS)
    hit_applicability = Applicability.UNSAFE  # NL601's renamings, never safe; NL503 has no fix
    min_documents: ClassVar[int] = 2  # a pair needs two documents

    def map(self, doc: Document) -> Any:
        return self.map_finish([self.map_start(doc)])[0]

    def map_start(self, doc: Document) -> Any:
        """A document's deferred entry (its language, bounds and text: no analysis yet)."""
        from newslint.names.analyze import map_entry

        return map_entry(doc, tuple(self.p["link_fields"]) + tuple(self.p["shared_fields"]))

    def map_finish(self, started: list[Any]) -> list[Any]:
        """The stored entries of a batch. When it holds documents in both languages the run pairs,
        so every document is analysed here (the work spread over the map's workers, not left to the
        one process that reduces). Otherwise they stay raw, and the reduce analyses them only if
        the run holds the other language after all: a Chinese-only run never extracts a name, an
        English-only one never computes an anchor."""
        from newslint.names.analyze import RAW_CHINESE, RAW_ENGLISH, is_raw, raw_summary
        from newslint.names.pairing import pack

        shared = tuple(self.p["shared_fields"])
        pairing = (any(is_raw(entry, RAW_ENGLISH) for entry in started)
                   and any(is_raw(entry, RAW_CHINESE) for entry in started))
        out = []
        for entry in started:
            if is_raw(entry):
                out.append(pack(raw_summary(entry), shared) if pairing else entry)
            else:
                out.append(pack(entry, shared))  # a body-less document's summary
        return out

    def map_key(self) -> tuple:
        # NL503 and NL601 summarise a document the same way: the runner maps and stores it once
        return ("names-summary", tuple(self.p["link_fields"]), tuple(self.p["shared_fields"]))

    def _pairs(self, summaries: Iterable[tuple[int, Any]]) -> Any:
        """Confirmed pairs; NL503 and NL601 reduce the same summaries (one shared stream when the
        runner shares their map), so the last result is reused."""
        global _pairs_cache
        key = (id(summaries), self.p["threshold"], self.p["margin"],
               tuple(self.p["link_fields"]), tuple(self.p["shared_fields"]))
        if _pairs_cache is not None and _pairs_cache[1] == key:
            return _pairs_cache[2]
        from newslint.names.pairing import find_pairs

        result = find_pairs(summaries, float(self.p["threshold"]), float(self.p["margin"]),
                            self.p["link_fields"], self.p["shared_fields"])
        _pairs_cache = (summaries, key, result)  # the stream kept alive so its id stays unique
        return result

    def _aligned_pairs(self, summaries: Iterable[tuple[int, Any]]) -> Iterator[tuple[Any, Any, Any, list]]:
        """Each confirmed pair with its English and Chinese summaries and their name alignment."""
        pairs, corpus = self._pairs(summaries)
        if not pairs:
            return
        from newslint.names.pairing import align

        for pair in pairs:
            en, zh = corpus.en[pair.en], corpus.zh[pair.zh]
            yield pair, en, zh, align(en, zh)


class TranslationPairDetector(_NamesCorpus):
    """NL503: an English document translates a Chinese document of the same run."""

    kind: ClassVar[str] = "translation-pair"

    def reduce(self, summaries: Iterable[tuple[int, Any]]) -> Iterator[tuple[int, Hit]]:
        for pair, en, zh, alignments in self._aligned_pairs(summaries):
            absent = [a for a in alignments if a.status == "absent"]
            how = "front-matter link" if pair.explicit else (
                f"score {pair.score:.2f}, runner-up {pair.runner_up:.2f}; "
                + ", ".join(f"{k} {v:.2f}" for k, v in pair.features))
            missing = ""
            if absent:
                missing = "; names of the original not found: " + ", ".join(
                    f"{a.zh_name} ({a.expected})" for a in absent)
            yield pair.en, Hit(en.body_start, max(en.body_start, en.first_line_end),
                               {"original": zh.path, "how": how, "missing": missing})


class NameMistranslationDetector(_NamesCorpus):
    """NL601: a person named in the Chinese original is rendered wrongly in its English translation."""

    kind: ClassVar[str] = "name-mistranslation"

    def reduce(self, summaries: Iterable[tuple[int, Any]]) -> Iterator[tuple[int, Hit]]:
        for pair, en, zh, alignments in self._aligned_pairs(summaries):
            for a in alignments:
                if a.status != "wrong":
                    continue
                spans = [(en.names[j].start, en.names[j].end, en.names[j].surface, a.note) for j in a.spans]
                for start, end, surface, note in sorted({*spans, *a.extra}):
                    args = {"found": surface, "expected": a.expected, "zh": a.zh_name,
                            "original": zh.path, "confidence": f"{a.confidence:.2f}", "note": note}
                    yield pair.en, Hit(start, end, args, (Edit(start, end, a.expected),), Applicability.UNSAFE)


class _English:
    """NL602's summaries of a re-iterable stream, itself re-iterable: ``(index, names, places)`` with
    the spans flattened as :func:`newslint.names.analyze.english_spans` stores them (a
    :class:`~newslint.names.analyze.Summary`, as a saved index may hold, is flattened here)."""

    def __init__(self, summaries: Iterable[tuple[int, Any]]) -> None:
        self._summaries = summaries

    def __iter__(self) -> Iterator[tuple[int, list, list]]:
        for i, s in self._summaries:
            if isinstance(s, (list, tuple)):
                yield i, s[0], s[1]
            elif s is not None:
                from newslint.names.analyze import Summary, flat_spans

                if isinstance(s, Summary) and s.lang == "en":
                    yield i, *flat_spans(s.names, s.places)


class NameVariantDetector(CorpusDetector):
    """NL602: one person or place spelled several ways in the run."""

    kind: ClassVar[str] = "name-variant"
    hit_applicability = Applicability.UNSAFE  # a respelling, never safe
    params: ClassVar[dict[str, Param]] = {
        "min_given_letters": Param(int, default=4, doc="shorter given names are never compared (Wang Wei/Wang Wen)"),
        "min_ratio": Param((int, float), default=80, doc="rapidfuzz ratio two given names must reach"),
        "preferred": Param(list, default=[], doc="canonical place spellings that win over the majority"),
        "persons": Param(bool, default=True, doc="compare person names too, not only places"),
    }

    def map(self, doc: Document) -> Any:
        if not _TWO_CAPITALISED_WORDS.search(doc.text):
            return None  # no romanised name or place can be in it: skip the analysis (and its imports)
        from newslint.names.analyze import english_spans

        return english_spans(doc)  # only the name and place spans: NL602 reads nothing else

    def reduce(self, summaries: Iterable[tuple[int, Any]]) -> Iterator[tuple[int, Hit]]:
        items = _English(summaries)  # re-iterable: the variants read it twice, and keep little
        if next(iter(items), None) is None:
            return  # no document with a name or a place (a one-file run): nothing to import
        from newslint.names.variants import variants

        found = variants(items, self.p["preferred"], self.p["persons"], self.p["min_given_letters"],
                         float(self.p["min_ratio"]))
        for v in found:
            args = {"found": v.found, "preferred": v.preferred, "counts": v.counts, "what": v.kind}
            yield v.doc, Hit(v.start, v.end, args, (Edit(v.start, v.end, v.preferred),), Applicability.UNSAFE)


def _boundary(phrase: str) -> str:
    source = re.escape(phrase)
    if phrase[:1].isascii() and phrase[:1].isalnum():
        source = r"(?<![A-Za-z0-9])" + source
    if phrase[-1:].isascii() and phrase[-1:].isalnum():
        source += r"(?![A-Za-z0-9’'])"
    return source


def load_glossary(data: Any, where: str) -> list[dict[str, Any]]:
    """Validate glossary entries: ``{zh, en, wrong: [...]}`` (zh optional)."""
    if not isinstance(data, list):
        raise PackError(f"{where}: a glossary is a list of {{zh, en, wrong}} entries")
    out = []
    for n, entry in enumerate(data, 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("en"), str) or not entry["en"]:
            raise PackError(f"{where}: glossary entry #{n} needs an 'en' string")
        wrong = entry.get("wrong") or []
        if not isinstance(wrong, list) or not all(isinstance(w, str) and w for w in wrong):
            raise PackError(f"{where}: glossary entry #{n} ({entry['en']}): 'wrong' must be a list of strings")
        out.append({"zh": str(entry.get("zh") or ""), "en": entry["en"], "wrong": wrong})
    return out


class GlossaryDetector(Detector):
    """NL603: a known wrong rendering from a glossary; the fix writes the canonical form."""

    kind: ClassVar[str] = "glossary"
    params: ClassVar[dict[str, Param]] = {
        "entries": Param(list, default=[], doc="glossary entries {zh, en, wrong: [...]}"),
        "files": Param(list, default=[], doc="YAML glossary files (a list of entries, or {glossary: [...]}), "
                                             "relative to the pack"),
        "ignore_case": Param(bool, default=False),
    }

    def __init__(self, check: CheckSpec) -> None:
        super().__init__(check)
        entries = load_glossary(self.p["entries"], "glossary")
        base = Path(check.pack).parent if check.pack else Path(".")
        for name in self.p["files"]:
            path = Path(name) if Path(name).is_absolute() else base / name
            from newslint.document import YamlError, load_yaml

            try:
                data = load_yaml(path.read_text(encoding="utf-8"))
            except OSError as exc:
                raise PackError(f"glossary file {path}: {exc.strerror}") from exc
            except (UnicodeDecodeError, YamlError) as exc:
                raise PackError(f"glossary file {path}: not valid UTF-8 YAML: {exc}") from None
            if isinstance(data, dict):
                data = data.get("glossary")
            entries += load_glossary(data, str(path))
        flags = re.I if self.p["ignore_case"] else 0
        self.canonical: dict[str, tuple[str, str]] = {}
        for entry in entries:
            for wrong in entry["wrong"]:
                key = wrong.lower() if flags else wrong
                self.canonical[key] = (entry["en"], entry["zh"])
        self.regex = None
        if self.canonical:
            alts = sorted({w for e in entries for w in e["wrong"]}, key=len, reverse=True)
            self.regex = re.compile("|".join(_boundary(w) for w in alts), flags)
            for entry in entries:  # a fix must not produce another wrong form (idempotence)
                if self.regex.search(entry["en"]):
                    raise PackError(f"glossary: canonical form {entry['en']!r} matches a wrong rendering")

    def detect(self, doc: Document) -> Iterator[Hit]:
        if self.regex is None:
            return
        lower = bool(self.regex.flags & re.I)
        for region in self.regions(doc):
            for m in self.regex.finditer(doc.text, region.start, region.end):
                found = m.group(0)
                canonical, zh = self.canonical[found.lower() if lower else found]
                if found == canonical:
                    continue
                yield Hit(m.start(), m.end(), {"found": found, "canonical": canonical, "zh": zh or canonical},
                          (Edit(m.start(), m.end(), canonical),))
