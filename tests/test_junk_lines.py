"""The general junk-line checks (NL303 junk line, NL304 page chrome; issue 12) on real scraped text.

Tests that read ``../shared`` skip when it is absent (it sits beside the project's own checkout only).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from newslint.config import Settings
from newslint.document import Format, file_document
from newslint.inputs import load
from newslint.linter import Linter
from newslint.model import Applicability
from newslint.packs import builtin_pack_paths, load_packs

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
WIND = SHARED / "real" / "wind-lujiazui-jekyll"
JUNK = ("NL302", "NL303", "NL304", "NL401", "NL402")

_SPECS = {s.code: s for s in load_packs(builtin_pack_paths())}


def linter(*codes: str) -> Linter:
    return Linter([_SPECS[c] for c in codes])


def needs(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not present (../shared is only beside the project's own checkout)")
    return path


def findings(path: Path, *codes: str):
    doc = load(path, Settings()).documents[0]
    return doc, linter(*codes).check(doc)


# -- Wind: pasted page chrome and data URIs ------------------------------------------------------

def test_wind_chrome_lines_and_data_uri_are_reported_headings_are_not() -> None:
    doc, found = findings(needs(WIND / "2024-8-30-wind-DailyFinanceNews.md"), *JUNK)
    lines = {f.location.line: f for f in found}
    assert lines[18].code == "NL304" and "08-30 06:31 Wind EnRA+A-" in lines[18].message
    assert lines[22].code == "NL304" and "收藏到AliceBox" in lines[22].message
    blob = lines[240]
    assert blob.code == "NL304" and "data:image/png URI, 12,998 characters" in blob.message
    assert blob.fix is not None and blob.fix.applicability is Applicability.SAFE
    for f in found:  # section headings are structure, never junk
        assert not doc.line_text(f.location.line).startswith("#"), f


def test_wind_widget_line_is_removed_whole_without_an_orphan() -> None:
    """NL302 used to cut `收藏到AliceBox` out of `EnRA+A-收藏到AliceBox`, leaving `EnRA+A-`."""
    doc, found = findings(needs(WIND / "2024-8-5-wind-DailyFinanceNews.md"), *JUNK)
    widget = [f for f in found if "AliceBox" in doc.text[f.start:f.end]]
    assert len(widget) == 1 and widget[0].code == "NL304"
    assert doc.text[widget[0].start:widget[0].end] == "EnRA+A-收藏到AliceBox"
    fixed = linter(*JUNK).fix(doc).text
    assert "AliceBox" not in fixed and "EnRA+A-" not in fixed and "A+A-" not in fixed
    assert "## 热点聚焦" in fixed  # the heading after it stays


# -- news that mentions apps or copyright is article text ----------------------------------------

@pytest.mark.parametrize("text", [
    "该公司称，用户可以下载新浪财经APP查看行情。\n",
    "法院认定，被告关于未经授权不得转载的条款无效，判决赔偿10万元。\n",
    "The company said users can download the new app from Monday.\n",
])
def test_a_cue_word_used_as_news_is_not_junk(text: str) -> None:
    lead = "北京城市副中心建设扎实推进，各项工作取得了新的进展和成效，市民生活更加便利。\n"
    doc = file_document("a.txt", lead + text, Format.PLAIN)
    assert linter("NL303", "NL304").check(doc) == []


def test_the_same_cue_as_a_prompt_is_junk() -> None:
    doc = file_document("a.txt", "北京城市副中心建设扎实推进，各项工作取得了新的进展和成效，市民生活更加便利。\n"
                        "下载新浪财经APP查看行情\n", Format.PLAIN)
    [found] = linter("NL303").check(doc)
    assert "promotion" in found.message and "下载新浪财经APP" in found.message


# -- one finding per span ----------------------------------------------------------------------

def test_lines_the_site_checks_report_are_not_reported_again(shared_corpus: Path) -> None:
    folder = shared_corpus / "sina-finance-hexo-rsshub-page"
    checked = 0
    for path in sorted(folder.glob("*.md")):
        _, found = findings(path, *JUNK)
        for a in found:
            for b in found:
                if a is not b and a.code != b.code:
                    assert not (a.start < b.end and b.start < a.end), (path.name, a.message, b.message)
        checked += any(f.code == "NL402" for f in found)
    assert checked >= 4  # the editor lines are NL402's, and only NL402's


# -- fix safety ---------------------------------------------------------------------------------

def test_fix_is_safe_only_outside_the_article_and_never_empties_it() -> None:
    prose = "北京城市副中心建设扎实推进，各项工作取得了新的进展和成效，市民生活更加便利。\n"
    doc = file_document("a.txt", prose + "扫描二维码关注XX财经官方微信\n" + prose, Format.PLAIN)
    [inside] = linter("NL303").check(doc)
    assert inside.fix.applicability is Applicability.UNSAFE
    doc = file_document("a.txt", prose + "扫描二维码关注XX财经官方微信\n", Format.PLAIN)
    [edge] = linter("NL303").check(doc)
    assert edge.fix.applicability is Applicability.SAFE
    doc = file_document("a.txt", "扫描二维码关注XX财经官方微信\nCopyright © 2024 Example. All rights reserved.\n",
                        Format.PLAIN)
    found = linter("NL303").check(doc)
    assert len(found) == 2 and all(f.fix.applicability is Applicability.UNSAFE for f in found)


def test_data_uri_in_a_style_attribute_is_reported_without_a_fix() -> None:
    blob = "iVBORw0KGgo" + "A" * 80
    page = f'<html><body><input type="text" style="background:url(data:image/png;base64,{blob})"></body></html>\n'
    [found] = linter("NL304").check(file_document("p.html", page, Format.HTML))
    assert found.fix is None or found.fix.applicability is Applicability.NONE


# -- the real junk set (benchmarks/junk_set) -----------------------------------------------------

def test_real_junk_set_meets_the_issue_levels() -> None:
    needs(SHARED / "corpus")
    needs(SHARED / "real")
    sys.path.insert(0, str(REPO / "benchmarks"))
    import junk_eval

    res = junk_eval.evaluate(JUNK)
    assert not res["missing"], "labels no longer match the shared material"
    report = junk_eval.report(res, 0)
    overall = res["overall"]["all"]
    assert overall.precision() >= 0.97, report
    for family in junk_eval.FAMILIES:
        assert res["family"][("all", family)].recall() >= 0.9, f"{family}\n{report}"
    assert res["overall"]["held-out"].precision() >= 0.97, report
