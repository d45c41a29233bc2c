"""The names checks' cheap paths give the same answers as the full analysis they stand in for.

English documents are kept raw by the pairing map and analysed in reduce only when the run holds
Chinese documents; NL602 keeps flat span lists; the anchor scanners avoid patterns that try every
position. Each test pins the behaviour the shortcut must keep.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import newslint.registry as registry
from newslint.config import Settings
from newslint.datafile import dump_body, loads_body
from newslint.document import Format, file_document
from newslint.inputs import load
from newslint.registry import build_detector

registry.BUILTIN_KINDS.setdefault("translation-pair", "newslint.names.detectors:TranslationPairDetector")
registry.BUILTIN_KINDS.setdefault("name-mistranslation", "newslint.names.detectors:NameMistranslationDetector")
registry.BUILTIN_KINDS.setdefault("name-variant", "newslint.names.detectors:NameVariantDetector")
registry.BUILTIN_KINDS.setdefault("glossary", "newslint.names.detectors:GlossaryDetector")

from newslint.packs import load_pack  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
NAMES = load_pack(REPO / "checks" / "names.yml")


def _seed_docs(*numbers: int):
    docs = []
    for n in numbers:
        path = next((REPO / "seeds").glob(f"{n:03d}_*.txt"))
        docs.extend(load(path, Settings()).documents)
    return docs


def _detector(code: str):
    return build_detector(next(s for s in NAMES if s.code == code), trusted=True)


def _roundtrip(value):
    return loads_body(dump_body(value))  # what the spool gives the reduce back


def test_english_map_does_not_analyse(monkeypatch) -> None:
    import newslint.names.anchors as anchors

    def boom(text):
        raise AssertionError("English anchors computed in the map")

    monkeypatch.setattr(anchors, "en_anchors", boom)
    (en,) = _seed_docs(0)
    entry = _detector("NL503").map(en)
    from newslint.names.analyze import RAW_ENGLISH

    assert entry[0] == RAW_ENGLISH


def test_english_only_reduce_never_analyses(monkeypatch) -> None:
    import newslint.names.analyze as analyze
    from newslint.names.pairing import find_pairs

    detector = _detector("NL503")
    entries = [(i, _roundtrip(detector.map(d))) for i, d in enumerate(_seed_docs(0, 2, 3))]

    def boom(entry):
        raise AssertionError("an English document analysed without a Chinese one in the run")

    monkeypatch.setattr(analyze, "english_summary", boom)
    assert find_pairs(entries) == ([], None)


def test_raw_and_analysed_english_pair_alike() -> None:
    """A deferred English entry and the packed summary of the same document give the same pairs."""
    from newslint.names.analyze import RAW_ENGLISH, summarise
    from newslint.names.pairing import find_pairs, pack

    detector = _detector("NL503")
    fields = (*detector.p["link_fields"], *detector.p["shared_fields"])
    docs = _seed_docs(0, 1, 4)
    raw = [(i, _roundtrip(detector.map(d))) for i, d in enumerate(docs)]
    assert sum(1 for _, e in raw if e[0] == RAW_ENGLISH) == 1
    packed = [(i, _roundtrip(pack(summarise(d, fields)))) for i, d in enumerate(docs)]
    pairs_raw, _ = find_pairs(raw)
    pairs_packed, _ = find_pairs(packed)
    assert pairs_raw == pairs_packed and [(p.en, p.zh) for p in pairs_raw] == [(0, 1)]


def test_chinese_only_runs_never_extract_names(monkeypatch) -> None:
    """A batch without an English document keeps its Chinese ones raw, and a run without English
    documents never analyses them; a batch with both languages analyses all at once."""
    import newslint.names.analyze as analyze
    import newslint.names.extract as extract
    from newslint.names.analyze import RAW_CHINESE, raw_summary, summarise
    from newslint.names.pairing import find_pairs

    detector = _detector("NL503")
    zh_docs = _seed_docs(1, 4)
    fields = (*detector.p["link_fields"], *detector.p["shared_fields"])
    for doc in zh_docs:  # the deferred entry analyses to the summary the map would have made
        assert raw_summary(_roundtrip(detector.map(doc))) == summarise(doc, fields)

    def boom(*args, **kwargs):
        raise AssertionError("Chinese names extracted in a run without English documents")

    monkeypatch.setattr(extract, "extract_names", boom)
    monkeypatch.setattr(analyze, "_zh", boom)
    batch = [_roundtrip(e) for e in detector.map_finish([detector.map_start(d) for d in zh_docs])]
    assert [e[0] for e in batch] == [RAW_CHINESE, RAW_CHINESE]
    assert find_pairs(list(enumerate(batch))) == ([], None)
    monkeypatch.undo()

    mixed = _seed_docs(0, 1, 4)
    packed = detector.map_finish([detector.map_start(d) for d in mixed])
    assert [e[0] for e in packed] == ["en", "zh", "zh"]


def test_chinese_entries_deferred_to_the_reduce_pair_alike() -> None:
    """English and Chinese documents in different map batches (left raw) pair as in one (analysed)."""
    from newslint.names.pairing import find_pairs

    detector = _detector("NL503")
    docs = _seed_docs(0, 1, 4)
    together = [_roundtrip(e) for e in detector.map_finish([detector.map_start(d) for d in docs])]
    apart = [_roundtrip(detector.map(d)) for d in docs]  # one batch each: the Chinese stay raw
    assert [e[0] for e in apart] == ["en:text", "zh:text", "zh:text"]
    pairs_together, _ = find_pairs(list(enumerate(together)))
    pairs_apart, _ = find_pairs(list(enumerate(apart)))
    assert pairs_together == pairs_apart and [(p.en, p.zh) for p in pairs_apart] == [(0, 1)]


def test_raw_entry_keeps_the_name_context_after_the_body() -> None:
    """The title context of a name reads 40 characters past it, beyond the body when the name ends it."""
    from newslint.names.analyze import raw_summary, summarise

    text = "---\ntitle: Visit\n---\nThe meeting was chaired by Cai Qi\n"
    doc = file_document("en.md", text, Format.MARKDOWN)
    entry = _roundtrip(_detector("NL503").map(doc))
    assert raw_summary(entry) == summarise(doc, ("translation_of", "source_url"))
    assert raw_summary(entry).names[0].surface == "Cai Qi"


def test_name_variant_map_is_flat_and_reads_old_summaries() -> None:
    from newslint.names.analyze import summarise

    detector = _detector("NL602")
    docs = _seed_docs(2, 3)
    flat = [(i, _roundtrip(detector.map(d))) for i, d in enumerate(docs)]
    assert all(isinstance(v, int | str) for _, e in flat for part in e for v in part)
    old = [(i, summarise(d)) for i, d in enumerate(docs)]  # a saved index of an earlier version
    found = sorted((i, h.start, h.end, h.args["preferred"]) for i, h in detector.reduce(flat))
    assert found and found == sorted((i, h.start, h.end, h.args["preferred"]) for i, h in detector.reduce(old))


def test_chinese_summary_is_not_built_for_english_variant_map(monkeypatch) -> None:
    import newslint.names.extract as extract

    monkeypatch.setattr(extract, "extract_names", lambda text: pytest.fail("NL602 extracted Chinese names"))
    zh = file_document("zh.txt", "市委书记蔡奇（Cai Qi）在通州区调研，记者夏宾报道。\n", Format.PLAIN)
    assert _detector("NL602").map(zh) is None  # Chinese: NL602 compares English spellings only


@pytest.mark.parametrize(("text", "present", "absent"), [
    ("1,二十万", "n:100000", "n:200000"),  # 二 follows a comma: the amount starts at 十
    ("增长3.25万", "n:32500", "n:25"),
    ("版本v1.2.3", "n:1.2", "n:3"),
    ("一万人", "n:10000", "n:1"),
    ("统一了两千", "n:2000", "n:1"),
])
def test_chinese_numbers_keep_the_lookbehind(text: str, present: str, absent: str) -> None:
    from newslint.names.anchors import zh_anchors

    keys = zh_anchors(text)
    assert present in keys and absent not in keys


def test_chinese_dates_with_and_without_year() -> None:
    from newslint.names.anchors import zh_anchors

    assert {"d:2-10", "y:2023-2"} <= zh_anchors("2023年2月10日上午").keys()
    assert "d:12-3" in zh_anchors("12月3日")
    assert not {k for k in zh_anchors("13月3日") if k[0] in "dy"}


@pytest.mark.parametrize(("text", "expected"), [
    ("US-led talks", True), ("the US.", True), ("USB cable on a BUS", False), ("_US", False), ("US2", False),
])
def test_two_letter_entities_need_word_boundaries(text: str, expected: bool) -> None:
    from newslint.names.anchors import en_anchors

    facts, words = en_anchors(text)
    assert ("c:usa" in facts) == expected == bool(re.search(r"\bUS\b", text))
    assert "us" not in words


def test_two_shared_keys_match_counting() -> None:
    from newslint.names.pairing import _two_shared

    by_key = {"a": [1, 2], "b": [3], "c": [2, 4], "d": [5, 5 + 1]}
    assert _two_shared(["a", "c"], by_key)  # document 2 holds both
    assert not _two_shared(["a", "b", "d"], by_key)


# -- extraction: 长 and 年 in given names (issue 13's misses) ------------------------------------------

@pytest.mark.parametrize(("text", "name"), [
    ("国家质检总局副局长蒲长城在论坛上表示，去年淘汰了一批企业。", "蒲长城"),
    ("经济学家许小年在参加开岛仪式时指出。", "许小年"),
    ("报道还提到了前政务司司长唐英年。", "唐英年"),
])
def test_given_names_with_chang_and_nian(text: str, name: str) -> None:
    from newslint.names.extract import extract_names

    assert name in {x.name for x in extract_names(text)}


@pytest.mark.parametrize(("text", "word"), [
    ("公司董事长于同年6月辞职。", "于同年"),  # 同年: "the same year"
    ("总经理李去年离职后创业。", "李去年"),  # 去年: "last year"
    ("副主任刘行长表示将加快审批。", "刘行长"),  # 行长: a title, 长 last
    ("记者王年说。", "王年"),  # 年 alone is never a given name
])
def test_time_words_and_titles_stay_out(text: str, word: str) -> None:
    from newslint.names.extract import extract_names

    assert word not in {x.name for x in extract_names(text)}


# -- NL604 on English text ---------------------------------------------------------------------------

def test_untranslated_name_pattern_starts_at_a_han_character() -> None:
    """NL604 reports a Latin name after a Han character. Its pattern must start with that character,
    outside the reported group: the engine then skips English text in C, where a leading capital ran
    the 31 role lookbehinds at every capital of an English document (5× the cost)."""
    import re._parser as sre_parse

    spec = next(s for s in NAMES if s.code == "NL604")
    op, av = sre_parse.parse(spec.params["pattern"])[0]
    assert op is sre_parse.IN and (sre_parse.RANGE, (0x4E00, 0x9FFF)) in av
    # the reported span is the name alone, as before
    detector = build_detector(spec, trusted=True)
    doc = file_document("x.txt", "要求将总统Yoon Suk Yeol拘留。", Format.PLAIN)
    assert [doc.text[h.start:h.end] for h in detector.detect(doc)] == ["Yoon Suk Yeol"]
