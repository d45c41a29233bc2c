"""NL403 corpus-boilerplate: lines learned from the corpus being checked, counted per source."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from newslint.cli import main


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


def test_needs_three_documents_of_one_source(tmp_path: Path, capsys) -> None:
    for name in ("a", "b"):
        (tmp_path / f"{name}.md").write_text(f"第{name}篇正文，内容各不相同。\n[返回首页](../)\n", encoding="utf-8")
    assert run_json(capsys, str(tmp_path)) == []
    (tmp_path / "c.md").write_text("第三篇正文，又是另一件事情。\n[返回首页](../)\n", encoding="utf-8")
    found = run_json(capsys, str(tmp_path))
    assert len(found) == 3 and all("3 of 3 documents" in f["message"] for f in found)
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(tmp_path / "c.md", other / "c.md")
    assert len(run_json(capsys, str(tmp_path))) == 3  # another folder is another source


def test_jsonl_source_field_and_unsafe_fix(tmp_path: Path, capsys) -> None:
    corpus = tmp_path / "c.jsonl"
    topics = ["股市", "楼市", "债市"]
    rows = [{"source": "siteA", "text": f"正文讲的是{t}。\n本文来自某某客户端"} for t in topics]
    rows.append({"source": "siteB", "text": "别的网站。\n本文来自某某客户端"})
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    found = run_json(capsys, str(corpus))
    assert sorted(f["record"] for f in found) == [1, 2, 3]
    main(["fix", "--unsafe-fixes", "--no-cache", "--select", "NL403", str(corpus)])
    capsys.readouterr()
    texts = [json.loads(line)["text"] for line in corpus.read_text(encoding="utf-8").splitlines()]
    assert texts[:3] == [f"正文讲的是{t}。\n" for t in topics]
    assert texts[3] == rows[3]["text"]
