"""The engine without any particular check: decoding, formats, positions, edits, packs, config."""

from __future__ import annotations

import codecs
import textwrap
from pathlib import Path

import pytest
from conftest import seed

from newslint.config import find_config, load_config
from newslint.decoding import BinaryInputError, decode_bytes
from newslint.document import Format, Role, detect_format, file_document
from newslint.edits import apply_fix_groups
from newslint.linter import Linter
from newslint.model import Edit
from newslint.packs import load_pack
from newslint.registry import PackError
from newslint.selection import select_checks
from newslint.suppression import suppressed_ranges


def write_pack(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "pack.yml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


# -- decoding ---------------------------------------------------------------------------------------

def test_utf8_with_and_without_bom() -> None:
    plain = decode_bytes("北京，你好".encode())
    assert (plain.text, plain.encoding, plain.bom) == ("北京，你好", "utf-8", False)
    bom = decode_bytes(codecs.BOM_UTF8 + "北京".encode())
    assert (bom.text, bom.bom) == ("北京", True)


def test_gbk_is_detected_and_decoded_losslessly() -> None:
    text = "　　新华社北京电，国家统计局今日发布数据，一季度国内生产总值同比增长百分之五点三。" * 4
    decoded = decode_bytes(text.encode("gbk"))
    assert decoded.encoding == "gb18030"
    assert decoded.text == text
    assert decoded.lossless


def test_binary_is_refused_with_a_reason() -> None:
    with pytest.raises(BinaryInputError, match="binary"):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))


# -- formats and positions --------------------------------------------------------------------------

def test_seed_formats_are_detected_by_content() -> None:
    expected = {0: Format.PLAIN, 1: Format.MARKDOWN, 2: Format.PLAIN, 3: Format.PLAIN, 4: Format.MARKDOWN}
    for number, fmt in expected.items():
        path = seed(number)
        assert detect_format(path.name, path.read_text(encoding="utf-8")) is fmt, path.name


def test_front_matter_region_of_seed_001_starts_after_blank_line() -> None:
    text = seed(1).read_text(encoding="utf-8")
    doc = file_document("001.txt", text, Format.MARKDOWN)
    front = doc.front_matter()
    assert front is not None and front.role is Role.FRONT_MATTER
    assert text[front.start:front.end].strip().startswith("---\ntitle:")
    assert text[front.end:].lstrip().startswith("<div>")


def test_jsonl_detected_from_content_and_extension() -> None:
    lines = '{"text": "a"}\n{"text": "b"}\n'
    assert detect_format("corpus.txt", lines) is Format.JSONL
    assert detect_format("x.jsonl", "") is Format.JSONL
    assert detect_format("note.txt", "{not json}\n") is Format.PLAIN


def test_positions_are_code_points_and_one_based() -> None:
    doc = file_document("a.txt", "第一行\r\n北京欢迎你<p>\n", Format.PLAIN)
    offset = doc.text.index("<p>")
    assert doc.position(offset) == (2, 6)
    assert doc.position(0) == (1, 1)
    assert doc.line_text(2) == "北京欢迎你<p>"


# -- edits ------------------------------------------------------------------------------------------

def test_overlapping_edit_groups_wait_for_the_next_round() -> None:
    text = "0123456789"
    groups = [(Edit(2, 5, "X"),), (Edit(4, 6, "Y"),), (Edit(8, 9, ""),), ()]
    new, applied = apply_fix_groups(text, groups)
    assert new == "01X5679"
    assert sorted(applied) == [0, 2, 3]


def test_adjacent_edits_both_apply() -> None:
    new, applied = apply_fix_groups("abcdef", [(Edit(0, 2, ""),), (Edit(2, 4, "Z"),)])
    assert new == "Zef" and len(applied) == 2


# -- packs ------------------------------------------------------------------------------------------

PACK = """
checks:
  - code: NL901
    name: bold-tag
    kind: pattern
    severity: error
    fix: safe
    message: "bold tag around {inner}"
    params:
      pattern: '<b>(?P<inner>[^<]*)</b>'
      replacement: '\\g<inner>'
"""


def test_pattern_pack_finds_and_fixes(tmp_path: Path) -> None:
    specs = load_pack(write_pack(tmp_path, PACK))
    linter = Linter(specs)
    doc = file_document("a.txt", "首先<b>老百姓</b>涨停\n", Format.PLAIN)
    (finding,) = linter.check(doc)
    assert (finding.code, finding.message, finding.location) == ("NL901", "bold tag around 老百姓", (1, 3))
    assert linter.fix(doc).text == "首先老百姓涨停\n"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("checks:\n  - code: NL901\n    name: x\n    kind: nosuchkind\n    message: m\n", "unknown detector kind"),
        ("checks:\n  - code: NL901\n    name: x\n    kind: pattern\n    message: m\n    params: {pattern: '(['}\n",
         "bad regex"),
        ("checks:\n  - code: NL901\n    name: x\n    kind: pattern\n    message: m\n"
         "    params: {pattern: '\\b北京\\b'}\n", "CJK"),
        ("checks:\n  - code: NL901\n    name: Bad_Name\n    kind: pattern\n    message: m\n", "kebab-case"),
        ("checks:\n  - code: NL901\n    name: x\n    kind: pattern\n    message: m\n    colour: red\n", "unknown key"),
        ("checks:\n  - code: NL901\n    name: x\n    kind: pattern\n    message: m\n    params: {patern: a}\n",
         "unknown parameter"),
        ("checks: [\n", "not valid YAML"),
    ],
)
def test_bad_packs_fail_naming_file_and_check(tmp_path: Path, body: str, message: str) -> None:
    path = write_pack(tmp_path, body)
    with pytest.raises(PackError) as info:
        load_pack(path)
    assert str(path) in str(info.value)
    assert message in str(info.value)
    if "NL901" in body and "YAML" not in message:
        assert "NL901" in str(info.value)


def test_selection_by_code_prefix_and_name(tmp_path: Path) -> None:
    body = PACK + """
  - code: NL902
    name: italic-tag
    kind: pattern
    message: m
    params: {pattern: '<i>'}
"""
    specs = load_pack(write_pack(tmp_path, body))
    assert [s.code for s in select_checks(specs, ["NL9"])] == ["NL901", "NL902"]
    assert [s.code for s in select_checks(specs, ["italic-tag"])] == ["NL902"]
    assert [s.code for s in select_checks(specs, None, ignore=["NL901"])] == ["NL902"]
    with pytest.raises(PackError, match="matches no check"):
        select_checks(specs, ["NL7"])


# -- suppression and config -------------------------------------------------------------------------

def test_suppression_comments(tmp_path: Path) -> None:
    specs = load_pack(write_pack(tmp_path, PACK))
    text = (
        "<b>一</b>\n<!-- newslint: disable NL901 -->\n<b>二</b>\n<!-- newslint: enable NL901 -->\n"
        "<!-- newslint: disable-next-line bold-tag -->\n<b>三</b>\n<b>四</b>\n"
    )
    assert len(suppressed_ranges(text)) == 2
    found = Linter(specs).check(file_document("a.md", text, Format.MARKDOWN))
    assert [f.message for f in found] == ["bold tag around 一", "bold tag around 四"]


def test_config_found_upward_from_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.newslint]\nselect = ["NL2"]\nper-file-ignores = {"old_post/*" = ["NL201"]}\n'
        'severity = {NL104 = "info"}\njsonl = {text-fields = ["content"]}\n',
        encoding="utf-8",
    )
    sub = tmp_path / "posts" / "2021"
    sub.mkdir(parents=True)
    found = find_config(sub)
    assert found == tmp_path / "pyproject.toml"
    settings = load_config(found)
    assert settings.select == ["NL2"]
    assert settings.text_fields == ["content"]
    assert settings.ignored_for(str(tmp_path / "old_post" / "a.md")) == ["NL201"]
    assert settings.ignored_for(str(tmp_path / "posts" / "a.md")) == []


def test_config_with_unknown_key_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / ".newslint.yaml"
    path.write_text("selct: [NL1]\n", encoding="utf-8")
    with pytest.raises(PackError, match="unknown config key"):
        load_config(path)


def test_a_linter_builds_each_detector_when_a_document_first_needs_it(monkeypatch) -> None:
    """Nothing is compiled up front: a check's detector is built on the first document of a format
    it applies to, once (a warm run compiles nothing; a run of HTML pages, not the Markdown checks)."""
    import newslint.linter as linter_module
    from newslint.packs import builtin_pack_paths, load_packs

    built: list[str] = []
    real = linter_module.build_detector

    def build_detector(spec, trusted=False):
        built.append(spec.code)
        return real(spec, trusted)

    monkeypatch.setattr(linter_module, "build_detector", build_detector)
    specs = [s for s in load_packs(builtin_pack_paths()) if s.scope.value == "document"]
    linter = Linter(specs)
    assert built == []
    page = file_document("a.html", "<p>北京</p>\n", Format.HTML)
    first = linter.check(page)
    applying = [s.code for s in specs if s.formats is None or Format.HTML in s.formats]
    assert built == applying and len(applying) < len(specs)  # (NL201's HTML-tag check: not for HTML)
    assert linter.check(page) == first and built == applying  # built once
    linter.check(file_document("a.md", "<b>上海</b>\n", Format.MARKDOWN))
    assert len(built) == len(set(built)) == len(specs)  # a check of both formats is not built again
