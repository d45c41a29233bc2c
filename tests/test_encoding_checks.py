"""The encoding checks: NL101 mojibake, NL102 non-UTF-8 files, NL103 invisible characters.

Besides the pack's own examples, these run the checks over the real scraped text in ``seeds/`` and
``../shared/corpus`` (decoded as the linter decodes it), where correct Chinese must never be
flagged, and round-trip every codec pair NL101 knows on sentences of our own.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from newslint.decoding import decode_bytes
from newslint.detectors.mojibake import ftfy_encoding_fix
from newslint.document import Document, Format, detect_format, file_document, text_document
from newslint.linter import Linter
from newslint.model import Applicability
from newslint.packs import load_pack
from newslint.selftest import run_examples

REPO = Path(__file__).resolve().parents[1]
PACK = REPO / "checks" / "encoding.yml"
SEEDS = REPO / "seeds"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
SOGOU = CORPUS / "sogouc-reduced-gbk-finance" / "C000008"

PUNCTUATION = "北京，老百姓（603883）涨停：记者　报道？“引号” ‘curly’"


@pytest.fixture(scope="module")
def specs():
    return {spec.code: spec for spec in load_pack(PACK)}


@pytest.fixture(scope="module")
def linter(specs):
    return Linter(list(specs.values()))


def only(specs, code: str) -> Linter:
    return Linter([specs[code]])


def findings(linter: Linter, text: str, code: str | None = None):
    found = linter.check(file_document("<t>", text, Format.PLAIN))
    return [f for f in found if code is None or f.code == code]


def fixed(linter: Linter, text: str, unsafe: bool = False) -> str:
    return linter.fix(file_document("<t>", text, Format.PLAIN), unsafe=unsafe).text


def load_documents(root: Path) -> list[Document]:
    """Every file under ``root`` as the linter reads it (GB18030 files decoded as GB18030)."""
    docs = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.name != "SOURCES.md"):
        data = path.read_bytes()
        if not data:
            continue
        decoded = decode_bytes(data)
        docs.append(file_document(str(path), decoded.text, detect_format(str(path), decoded.text),
                                  decoded.encoding, decoded.confidence, decoded.lossless))
    return docs


def need_corpus() -> None:
    if not CORPUS.is_dir():
        pytest.skip("shared/corpus is not beside the repository")


# -- the pack ---------------------------------------------------------------------------------------


def test_pack_examples_pass():
    count, failures = run_examples(load_pack(PACK))
    assert count >= 40
    assert not failures, "\n".join(map(str, failures))


def test_every_check_is_documented(specs):
    assert set(specs) == {"NL101", "NL102", "NL103"}
    for spec in specs.values():
        assert spec.docs.what and spec.docs.why and spec.docs.example and spec.docs.fix, spec.code
        assert any(not e.flagged for e in spec.examples), spec.code


# -- precision on real text ---------------------------------------------------------------------------


def test_seeds_have_no_mojibake_or_invisible_characters(linter):
    docs = load_documents(SEEDS)
    assert len(docs) == 5
    for doc in docs:
        codes = [f.code for f in linter.check(doc)]
        assert "NL101" not in codes, doc.path
        assert "NL103" not in codes, doc.path


def test_corpus_mojibake_is_only_the_genuine_cases(specs):
    """Over the whole corpus NL101 flags exactly the real mojibake found there, nothing else."""
    need_corpus()
    nl101 = only(specs, "NL101")
    found: dict[str, set[str]] = {}
    for doc in load_documents(CORPUS):
        for finding in nl101.check(doc):
            codecs = finding.message.split("(", 1)[1].split(")", 1)[0]
            found.setdefault(Path(doc.path).name, set()).add(codecs)
    shifted = {"GBK shifted by a lost byte"}
    assert found == {
        # newspaper3k's chinese.txt has C1 controls \x93 \x94 where “ ” were meant.
        "chinese.txt": {"Windows-1252 read as Latin-1"},
        # SogouC: a dropped byte makes every later GBK pair one byte off (胆子?薄！暗ㄗ印…).
        "111.txt": shifted, "112.txt": shifted, "114.txt": shifted, "116.txt": shifted,
        "329.txt": shifted, "330.txt": shifted,
    }


def test_corpus_shifted_gbk_repair_reads_as_chinese(specs):
    need_corpus()
    docs = {Path(d.path).name: d for d in load_documents(SOGOU)}
    doc = docs["329.txt"]
    hits = only(specs, "NL101").check(doc)
    assert len(hits) == 1
    fix = hits[0].fix
    assert fix is not None and fix.applicability is Applicability.UNSAFE
    assert "库房等地产，目前物流基地占地面积" in fix.edits[0].replacement


def test_sogouc_111_private_use_code_points(specs):
    need_corpus()
    data = (SOGOU / "111.txt").read_bytes()
    text = data.decode("gb18030")
    doc = file_document("111.txt", text, Format.PLAIN, "gb18030", 1.0)
    hits = only(specs, "NL103").check(doc)
    points = {ord(c) for f in hits for c in text[f.start:f.end]}
    assert {0xE0E5, 0xE11A, 0xE12E, 0xE325, 0xE37F} <= points
    assert all("lost" in f.message and f.fix is None for f in hits)
    assert "U+E0E5" in " ".join(f.message for f in hits)


def test_corpus_invisible_characters(specs):
    need_corpus()
    nl103 = only(specs, "NL103")
    found = {Path(d.path).name: [f.message for f in nl103.check(d)] for d in load_documents(CORPUS)}
    assert any("U+E2F2" in m for m in found["329.txt"])
    assert found["235.txt"] == ["Control character: U+0001 CONTROL"]
    assert found["chinese_article.html"] == ["Byte order mark inside the text: U+FEFF BYTE ORDER MARK"]
    # The C1 quotes in chinese.txt are NL101's (restored), not NL103's (deleted).
    assert found["chinese.txt"] == []


# -- ftfy is for encodings only ---------------------------------------------------------------------------


def test_ftfy_never_touches_chinese_punctuation_or_curly_quotes(linter):
    import ftfy

    assert ftfy.fix_text(PUNCTUATION) != PUNCTUATION  # ftfy's defaults would fold and uncurl…
    assert ftfy_encoding_fix(PUNCTUATION)[0] == PUNCTUATION  # …ours are off
    assert findings(linter, PUNCTUATION) == []
    assert fixed(linter, PUNCTUATION, unsafe=True) == PUNCTUATION
    mixed = PUNCTUATION + " cafÃ©"
    assert fixed(linter, mixed) == PUNCTUATION + " café"


# -- round trips for every codec pair ---------------------------------------------------------------------

SENTENCES = [
    "北京市政府今天发布通知，要求各区做好防汛准备。",
    "记者从上海证券交易所获悉：沪指收涨百分之一。",
    "“我们会继续努力。”他说。",
    "新华社北京电（记者王小明）国务院新闻办公室举行发布会",
]


def sloppy_cp1252(data: bytes) -> str:
    """Bytes as a browser's windows-1252 decoder shows them: undefined bytes become C1 controls."""
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in data)


@pytest.mark.parametrize("sentence", SENTENCES)
@pytest.mark.parametrize(
    ("label", "garble"),
    [
        ("GBK read as", lambda s: s.encode("gbk").decode("latin-1")),
        ("GBK read as", lambda s: sloppy_cp1252(s.encode("gbk"))),
        ("UTF-8 read as cp1252", lambda s: sloppy_cp1252(s.encode("utf-8"))),
        ("UTF-8 read as Latin-1", lambda s: s.encode("utf-8").decode("latin-1")),
    ],
)
def test_round_trip(specs, sentence, label, garble):
    garbled = garble(sentence)
    nl101 = only(specs, "NL101")
    hits = findings(nl101, garbled)
    assert hits, garbled
    assert all(f.message.startswith(f"Mojibake ({label}") for f in hits), [f.message for f in hits]
    assert fixed(nl101, garbled, unsafe=True) == sentence


@pytest.mark.parametrize("sentence", ["你好，世界！", "今天天气很好", "经济增长", "国务院新闻办公室", "央行宣布降息"])
def test_round_trip_utf8_read_as_gbk(specs, sentence):
    # These byte strings pair up completely (GB18030 keeps GBK's user-defined pairs as private use).
    garbled = sentence.encode("utf-8").decode("gb18030")
    nl101 = only(specs, "NL101")
    hits = findings(nl101, garbled)
    assert [f.message.split(":")[0] for f in hits] == ["Mojibake (UTF-8 read as GBK)"]
    assert fixed(nl101, garbled) == sentence


@pytest.mark.parametrize("codec", ["gbk", "gb18030"])
@pytest.mark.parametrize("sentence", SENTENCES)
def test_round_trip_utf8_read_as_gbk_losing_bytes(specs, sentence, codec):
    """A decoder replaces each byte it cannot pair with U+FFFD: those characters are lost, the rest
    come back, and the fix (unsafe, since it writes U+FFFD) keeps every position."""
    garbled = sentence.encode("utf-8").decode(codec, errors="replace")
    nl101 = only(specs, "NL101")
    hits = findings(nl101, garbled)
    assert hits and all(f.message.startswith("Mojibake (UTF-8 read as GBK)") for f in hits)
    repaired = fixed(nl101, garbled, unsafe=True)
    assert len(repaired) == len(sentence)
    assert all(a == b or a == "\ufffd" for a, b in zip(repaired, sentence, strict=True))
    assert sum(a == b for a, b in zip(repaired, sentence, strict=True)) >= 0.5 * len(sentence)


def test_utf8_read_as_gbk_message_and_safe_fix(specs):
    hits = findings(only(specs, "NL101"), "北京".encode().decode("gbk"))
    assert [h.message for h in hits] == ['Mojibake (UTF-8 read as GBK): "鍖椾含" should be "北京"']
    assert hits[0].fix is not None and hits[0].fix.applicability is Applicability.SAFE


def test_utf8_read_as_gbk_with_lost_bytes_is_an_unsafe_partial_repair(specs):
    sentence = "2008年北京奥运会"
    garbled = sentence.encode().decode("gbk", errors="replace")
    assert "\ufffd" in garbled
    nl101 = only(specs, "NL101")
    hits = findings(nl101, garbled)
    assert hits and all(h.fix and h.fix.applicability is Applicability.UNSAFE for h in hits)
    assert fixed(nl101, garbled) == garbled  # unsafe: not applied by default
    repaired = fixed(nl101, garbled, unsafe=True)
    assert len(repaired) == len(sentence)
    assert all(a == b or a == "\ufffd" for a, b in zip(repaired, sentence, strict=True))
    assert repaired.count("\ufffd") <= 2


def test_question_marks_stand_for_lost_bytes(specs):
    sentence = "北京市政府今天发布通知，要求各区做好防汛准备。"
    garbled = sentence.encode().decode("gbk", errors="replace").replace("\ufffd", "?")
    repaired = fixed(only(specs, "NL101"), garbled, unsafe=True)
    assert len(repaired) == len(sentence)
    assert sum(a == b for a, b in zip(repaired, sentence, strict=True)) >= len(sentence) - 4


def test_front_matter_is_checked_and_fixed(linter):
    text = "---\ntitle: 鍖椾含\u200b鏂伴椈\n---\n正文：北京新闻。\n"
    doc = file_document("post.md", text, Format.MARKDOWN)
    assert doc.front_matter() is not None
    assert sorted(f.code for f in linter.check(doc)) == ["NL101", "NL101", "NL103"]
    assert linter.fix(doc).text == "---\ntitle: 北京新闻\n---\n正文：北京新闻。\n"


def test_windows_1252_read_as_latin1(specs):
    nl101 = only(specs, "NL101")
    assert fixed(nl101, "他说\x93好\x94。") == "他说“好”。"
    assert findings(only(specs, "NL103"), "他说\x93好\x94。") == []


def test_gbk_lead_bytes_in_latin1_mojibake_are_not_deleted(linter):
    # 亂 is 0x81 0x79 in GBK: read as Latin-1 its lead byte is a C1 control that NL101 decodes,
    # so NL103 must not delete it first.
    sentence = "报道说：天下大亂，来者不拒，市场一片混乱。"
    garbled = sentence.encode("gbk").decode("latin-1")
    assert "\x81" in garbled
    assert [f.code for f in findings(linter, garbled)] == ["NL101"]
    assert fixed(linter, garbled) == sentence
    assert [f.code for f in findings(linter, "a\x81b")] == ["NL103"]


def test_lost_data_is_reported_without_a_fix(specs):
    nl101 = only(specs, "NL101")
    for text in ("标题：锟斤拷锟斤拷", "内存：烫烫烫烫烫烫", "堆：屯屯屯屯"):
        hits = findings(nl101, text)
        assert len(hits) == 1 and hits[0].fix is None and "cannot be recovered" in hits[0].message
        assert fixed(nl101, text, unsafe=True) == text
    assert findings(nl101, "热烫烫的汤，屯兵于此") == []


def test_shifted_gbk_realigns(specs):
    original = "“胆子”的大小，实际上综合反映着资金实力、眼界高低、管理机制"
    data = original.encode("gbk")[1:]
    garbled = "前者?" + data[: len(data) // 2 * 2].decode("gb18030") + "?"
    hits = findings(only(specs, "NL101"), garbled)
    assert len(hits) == 1 and "GBK shifted by a lost byte" in hits[0].message
    repaired = fixed(only(specs, "NL101"), garbled, unsafe=True)
    assert "胆子”的大小，实际上综合反映着资金实力、眼界高低、管理机" in repaired


def _gb2312_level1() -> str:
    chars = []
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.append(bytes((lead, trail)).decode("gb2312"))
    return "".join(chars)


_LEVEL1 = _gb2312_level1()


@settings(max_examples=300, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=_LEVEL1 + "，。：“”（）", min_size=3, max_size=30))
def test_gbk_read_as_latin1_repairs_any_common_chinese(specs, text):
    assume(sum(c in _LEVEL1 for c in text) >= 3)
    data = text.encode("gbk")
    try:
        data.decode("utf-8")
        assume(False)  # valid UTF-8 too: genuinely ambiguous, ftfy's reading wins
    except UnicodeDecodeError:
        pass
    garbled = data.decode("latin-1")
    assert fixed(only(specs, "NL101"), garbled) == text


@settings(max_examples=300, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=_LEVEL1 + "，。：“”（）", min_size=3, max_size=30))
def test_utf8_read_as_gbk_repairs_any_common_chinese(specs, text):
    try:
        garbled = text.encode().decode("gbk")
    except UnicodeDecodeError:
        assume(False)
    # Three common characters always repair; two only when the garbled form is rare enough.
    assume(sum(c in _LEVEL1 for c in text) >= 3)
    assert fixed(only(specs, "NL101"), garbled) == text


@settings(max_examples=300, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=_LEVEL1 + "，。：“”（）《》、　0123456789abc ", min_size=1, max_size=40))
def test_correct_chinese_is_never_flagged(specs, text):
    assert findings(only(specs, "NL101"), text) == []


# -- NL102 ------------------------------------------------------------------------------------------------


def test_non_utf8_file_is_reported_once_with_an_encoding_fix(specs):
    nl102 = only(specs, "NL102")
    doc = file_document("a.txt", "第一行\r\n第二行\r\n", Format.PLAIN, encoding="gb18030", confidence=0.99)
    found = nl102.check(doc)
    assert len(found) == 1
    finding = found[0]
    assert (finding.start, finding.end) == (0, 3)
    assert finding.message == "File is gb18030 (detected with 99% confidence), not UTF-8"
    assert finding.fix is not None and finding.fix.encoding == "utf-8" and finding.fix.edits == ()
    outcome = nl102.fix(doc)
    assert outcome.encoding == "utf-8" and outcome.text == doc.text and outcome.converged
    assert outcome.fixed["NL102"] == 1


def test_undecodable_file_has_no_fix(specs):
    nl102 = only(specs, "NL102")
    doc = file_document("b.txt", "坏\ufffd字节", Format.PLAIN, encoding="gb18030", confidence=0.6, lossless=False)
    found = nl102.check(doc)
    assert len(found) == 1 and found[0].fix is None
    assert "lose" in found[0].message and "gb18030" in found[0].message
    assert nl102.fix(doc).encoding == "gb18030"
    damaged = file_document("c.txt", "x\ufffd", Format.PLAIN, encoding="utf-8", lossless=False)
    assert "damaged UTF-8" in nl102.check(damaged)[0].message


def test_utf8_files_and_jsonl_records_are_not_reported(specs):
    nl102 = only(specs, "NL102")
    assert nl102.check(file_document("d.txt", "北京", Format.PLAIN)) == []
    record = text_document("e.jsonl", "北京", record=1, field_name="text")
    record.encoding = "gb18030"
    assert nl102.check(record) == []


def test_sogouc_files_are_gb18030(specs):
    need_corpus()
    docs = load_documents(SOGOU)
    reports = [f for d in docs for f in only(specs, "NL102").check(d)]
    assert len(reports) == len(docs) == 35
    assert all(r.message.startswith("File is gb18030") for r in reports)


# -- NL103 ------------------------------------------------------------------------------------------------


def test_invisible_runs_are_one_finding(specs):
    nl103 = only(specs, "NL103")
    found = findings(nl103, "北\u200b\u200b\u2060京\x00\x07新闻")
    assert [f.message for f in found] == [
        "Zero-width character: U+200B ZERO WIDTH SPACE ×2, U+2060 WORD JOINER",
        "Control character: U+0000 NULL, U+0007 BELL",
    ]
    assert fixed(nl103, "北\u200b\u200b\u2060京\x00\x07新闻") == "北京新闻"


def test_joiners_that_do_a_job_are_kept(specs):
    nl103 = only(specs, "NL103")
    for text in ("👨\u200d👩\u200d👧", "👍🏽", "می\u200cخواهم", "क्\u200dष", "第一页\f第二页", "a\tb\r\nc"):
        assert findings(nl103, text) == [], repr(text)
    assert fixed(nl103, "北\u200d京") == "北京"
    assert fixed(nl103, "A\u200cB") == "AB"


def test_terminal_escapes_and_vertical_tab(specs):
    nl103 = only(specs, "NL103")
    assert fixed(nl103, "\x1b[1;31m错误\x1b[0m") == "错误"
    assert fixed(nl103, "第一行\x0b第二行") == "第一行\n第二行"


def test_lost_characters_have_no_fix(specs):
    nl103 = only(specs, "NL103")
    found = findings(nl103, "图标\ue003和乱码\ufffd\ufffd和\U000f0001")
    assert [f.fix for f in found] == [None, None, None]
    assert all("the original character is lost" in f.message for f in found)
    assert "U+FFFD REPLACEMENT CHARACTER ×2" in found[1].message


def test_private_use_can_be_switched_off(specs):
    from dataclasses import replace

    spec = replace(specs["NL103"], params={**specs["NL103"].params, "private_use": False})
    assert findings(Linter([spec]), "图标\ue003和乱码\ufffd")[0].message.startswith("Replacement")


def test_bom_inside_the_text_is_removed(specs):
    assert fixed(only(specs, "NL103"), "第一段\ufeff第二段") == "第一段第二段"


# -- speed -------------------------------------------------------------------------------------------------
