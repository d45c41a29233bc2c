"""NL403 corpus-boilerplate: lines learned from the corpus being checked, counted per source."""

from __future__ import annotations

import csv
import json
import re
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import SHARED

from newslint.cli import main

REAL = SHARED / "real"
WIND = REAL / "wind-lujiazui-jekyll"
MQM = REAL / "wmt-mqm-zhen-dev" / "DERIVED_generalMT2023_zhen_dev-docs.tsv"


def real(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not present (../shared/real is only beside the project's own checkout)")
    return path


def run_json(capsys, *args: str) -> list[dict]:
    main(["check", "--format", "json", "--no-cache", "--select", "NL403", *args])
    return json.loads(capsys.readouterr().out or "[]")


def test_learns_nav_and_promo_lines_without_a_pack(capsys, shared_corpus: Path) -> None:
    found = run_json(capsys, str(shared_corpus / "eastmoney-jekyll-finews"),
                     str(shared_corpus / "sina-finance-hexo-rsshub-page"))
    messages = [f["message"] for f in found]
    assert any("[返回首页](../)" in m for m in messages)
    assert any("[返回东财滚动新闻](//finews.withounder.com/emnews/)" in m for m in messages)
    assert sum("海量资讯、精准解读，尽在新浪财经APP" in m for m in messages) == 5  # every Sina post
    assert all(f["severity"] == "info" and f["fix"]["applicability"] == "unsafe" for f in found)


def test_article_paragraphs_and_duplicates_are_not_boilerplate(capsys, shared_corpus: Path) -> None:
    # sogouc holds groups of identical articles and near-copies (105≈106≈110…): they count once, so
    # their shared paragraphs are not boilerplate; the 证券通 promo lines of different articles are.
    found = run_json(capsys, str(shared_corpus / "sogouc-reduced-gbk-finance"))
    lines = {f["message"].split(": ", 1)[1] for f in found}
    assert "深度报告 权威内参 来自“证券通”www.KL178.com" in lines
    assert not any("林厅长" in line or "新社区住宅" in line for line in lines)
    # Whole HTML pages are templates by nature: their CSS and scripts are not reported here.
    assert run_json(capsys, str(shared_corpus / "gne-chinese-news-pages")) == []


# Three different articles (first sentences of real posts in ../shared/corpus).
ARTICLES = (
    "宁德时代发布公告称，公司拟在匈牙利德布勒森市投资建设电池工厂。",
    "1-5月，上海市房地产开发投资比去年同期下降18.0%。",
    "巴菲特大规模抛售苹果股票的消息，在投资圈引发巨大关注。",
)


def test_needs_three_documents_of_one_source(tmp_path: Path, capsys) -> None:
    for name, article in zip("ab", ARTICLES, strict=False):
        (tmp_path / f"{name}.md").write_text(f"{article}\n[返回首页](../)\n", encoding="utf-8")
    assert run_json(capsys, str(tmp_path)) == []
    (tmp_path / "c.md").write_text(f"{ARTICLES[2]}\n[返回首页](../)\n", encoding="utf-8")
    found = run_json(capsys, str(tmp_path))
    assert len(found) == 3 and all("3 of 3 documents" in f["message"] for f in found)
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(tmp_path / "c.md", other / "c.md")
    assert len(run_json(capsys, str(tmp_path))) == 3  # another folder is another source


def test_jsonl_source_field_and_unsafe_fix(tmp_path: Path, capsys) -> None:
    corpus = tmp_path / "c.jsonl"
    rows = [{"source": "siteA", "text": f"{article}\n本文来自某某客户端"} for article in ARTICLES]
    rows.append({"source": "siteB", "text": "别的网站。\n本文来自某某客户端"})
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    found = run_json(capsys, str(corpus))
    assert sorted(f["record"] for f in found) == [1, 2, 3]
    main(["fix", "--unsafe-fixes", "--no-cache", "--select", "NL403", str(corpus)])
    capsys.readouterr()
    texts = [json.loads(line)["text"] for line in corpus.read_text(encoding="utf-8").splitlines()]
    assert [text.rstrip("\n") for text in texts[:3]] == list(ARTICLES)  # (a final newline: the linter's rule)
    assert texts[3] == rows[3]["text"]


def two_documents_suffice(tmp_path: Path) -> str:
    config = tmp_path / "newslint.yaml"
    config.write_text("params:\n  NL403: {min_documents: 2}\n", encoding="utf-8")
    return str(config)


def test_wind_footer_learned_with_and_without_bold_headings_never(tmp_path: Path, capsys) -> None:
    # The two Wind digests end with the same four legal paragraphs, bold labels in one
    # (`**风险提示：**市场有风险…`) and plain under `## 免责声明` in the other; both issues open their
    # sections with `### 热点聚焦` / `## 热点聚焦`, `### 环球市场` / `## 环球市场` near the start.
    found = run_json(capsys, "--config", two_documents_suffice(tmp_path), str(real(WIND)))
    lines = {(Path(f["path"]).name, f["message"].split(": ", 1)[1].replace("**", "")[:7]) for f in found}
    footer = {"风险提示：市场", "版权声明：未经", "免责声明：本文", "免责声明：本页"}
    assert lines == {(path.name, line) for path in WIND.iterdir() for line in footer}
    assert len(found) == 8


def test_a_heading_anywhere_makes_its_text_structure(tmp_path: Path, capsys) -> None:
    # A third issue: the 8-5 digest with the news items of 8-30. `重要经济日程` is a plain line near
    # the end of both 8-5 issues but a heading (`### 重要经济日程`) in 8-30: it is structure. The
    # chrome line `EnRA+A-收藏到AliceBox` the two 8-5 issues share is learned; the 8-30 items the
    # third issue shares with 8-30 are one article's, not boilerplate.
    corpus = tmp_path / "wind"
    shutil.copytree(real(WIND), corpus)
    late = (WIND / "2024-8-30-wind-DailyFinanceNews.md").read_text(encoding="utf-8")
    early = (WIND / "2024-8-5-wind-DailyFinanceNews.md").read_text(encoding="utf-8")
    items = late[late.index("### 热点聚焦"):late.index("### 外汇")]
    (corpus / "2024-8-6-wind-DailyFinanceNews.md").write_text(
        early[:early.index("## 热点聚焦")] + items + early[early.index("## 外汇"):], encoding="utf-8")
    found = run_json(capsys, "--config", two_documents_suffice(tmp_path), str(corpus))
    lines = {f["message"].split(": ", 1)[1] for f in found}
    assert "EnRA+A-收藏到AliceBox" in lines
    assert not any("重要经济日程" in line or "热点聚焦" in line for line in lines)
    assert not any(line[:2] in ("1、", "2、", "3、", "4、") for line in lines)  # the shared news items
    assert sum("风险提示" in line for line in lines) == 2  # bold in 8-30, plain in both 8-5 issues


def mqm_documents(folder: Path) -> int:
    """Per MT system and article, its translation: the target segments in order, one a line."""
    segments: dict[tuple[str, str], dict[int, str]] = defaultdict(dict)
    with real(MQM).open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(rows)
        for row in rows:
            segments[(row[0], row[1])].setdefault(int(row[2]), re.sub(r"</?v>", "", row[6]))
    for (system, doc), parts in segments.items():
        text = "\n".join(" ".join(parts[n].split()) for n in sorted(parts))
        (folder / f"{system}__{doc.split(':')[0]}.txt").write_text(text + "\n", encoding="utf-8")
    return len(segments)


def test_translations_of_one_article_are_one_article(tmp_path: Path, capsys) -> None:
    # WMT23: ten MT systems' English translations of the same 19 Chinese articles, in one folder. The
    # systems often translate a headline or a sentence alike ("Many cooperation documents were signed
    # during the visit."), but a sentence ten translations of one story share is not boilerplate.
    corpus = tmp_path / "mqm"
    corpus.mkdir()
    assert mqm_documents(corpus) == 190
    assert run_json(capsys, str(corpus)) == []
    assert run_json(capsys, "--config", two_documents_suffice(tmp_path), str(corpus)) == []


def test_copies_of_one_article_count_once_whatever_wraps_them(tmp_path: Path, capsys, shared_corpus: Path) -> None:
    # The start of one CNN story saved three times with a different source line each time: every
    # line of the story is a candidate shared by three bodies, and what is left besides them (the
    # source lines) differs — the copies are still one article, so nothing of it is boilerplate.
    text = (shared_corpus / "newspaper3k-test-fixtures" / "text" / "cnn.txt").read_text(encoding="utf-8")
    story = "\n\n".join([p for p in text.split("\n\n") if len(p) <= 200][:10])  # no paragraph too long to count
    for number, source in enumerate(("Source: CNN Wire", "Source: Atlanta Journal-Constitution", "Via iReport")):
        (tmp_path / f"{number}.txt").write_text(f"{source}\n\n{story}", encoding="utf-8")
    assert run_json(capsys, str(tmp_path)) == []



def test_the_fields_of_a_container_format_are_structure() -> None:
    """SogouCA's ``<url>`` lines read alike once digits are normalised; they are fields of the
    format, never boilerplate candidates (a fix would delete them and leave records without their
    address). Found by the fuzzer: after a first fix pass, NL403 learned and deleted them."""
    from newslint.config import Settings
    from newslint.inputs import read_source
    from newslint.packs import builtin_pack_paths, load_packs
    from newslint.registry import build_detector

    docs = "".join(
        f"<doc>\n<url>http://news.sohu.com/{671078600 + n}.shtml</url>\n<docno>{n:016x}</docno>\n"
        f"<contenttitle>标题{n}</contenttitle>\n<content>\n{article}\n[返回首页](../)\n</content>\n</doc>\n"
        for n, article in enumerate(ARTICLES))
    source = read_source(Path("sogou.dat"), docs.encode("utf-8"), "sogou.dat", Settings())
    spec = next(s for s in load_packs(builtin_pack_paths()) if s.code == "NL403")
    detector = build_detector(spec)
    for doc in source.documents:
        shown = detector.map(doc)[4]
        assert "[返回首页](../)" in shown and not any(line.startswith("<") for line in shown), shown
