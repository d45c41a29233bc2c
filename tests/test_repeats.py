"""NL404 repeated-paragraph: what counts as a repeat is repeated prose within one document.

The documents are real text from ``../shared`` (skipped when it is absent), as found or laid out the way
scraped pages lay them out (a nav bar at the top and the bottom, one picture shown twice).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from conftest import SHARED

from newslint.document import Format, file_document
from newslint.linter import Linter
from newslint.model import Applicability
from newslint.packs import builtin_pack_paths, load_pack

REAL = SHARED / "real"
NYT = REAL / "nyt-rss-enzh-mt-newsarchive" / "2025-01-04.md"
WIND = REAL / "wind-lujiazui-jekyll" / "2024-8-30-wind-DailyFinanceNews.md"
EASTMONEY = SHARED / "corpus" / "eastmoney-jekyll-finews" / "old_post" / "2021-12-08-202112082207020388.md"


def read(path: Path) -> str:
    if not path.is_file():
        pytest.skip(f"{path} is not present (../shared is only beside the project's own checkout)")
    return path.read_text(encoding="utf-8")


def repeats(name: str, text: str) -> list:
    spec = next(s for p in builtin_pack_paths() for s in load_pack(p) if s.code == "NL404")
    return Linter([spec]).check(file_document(name, text, Format.MARKDOWN))


def test_stories_a_digest_lists_twice_are_repeats() -> None:
    # The NYT digest lists four stories (English line, then its machine translation) under "Global News"
    # and again under "Asia News": full sentences in list items are prose. Across a heading the fix is
    # unsafe (a digest may mean to list a story twice).
    text = read(NYT)
    found = repeats(NYT.name, text)
    rows = [text.count("\n", 0, f.start) + 1 for f in found]
    assert rows == [49, 50, 51, 52, 55, 56, 57, 58]
    assert all(f.fix is not None and f.fix.applicability is Applicability.UNSAFE for f in found)


def test_nav_bars_and_pictures_are_not_prose() -> None:
    # A post whose nav bar is at the top and the bottom, and a digest showing one picture twice: neither
    # line is a paragraph of the article.
    post = read(EASTMONEY)
    nav = post.rstrip("\n").rsplit("\n", 1)[1]
    assert nav.startswith("[返回东财滚动新闻](")
    head, body = post.split("\n---\n", 1)
    assert repeats(EASTMONEY.name, f"{head}\n---\n{nav}\n{body}") == []
    digest = read(WIND)
    picture = next(line for line in digest.split("\n") if line.startswith("![img](2024-8-30"))
    cut = digest.index("### 环球市场")
    assert repeats(WIND.name, f"{digest[:cut]}{picture}\n\n{digest[cut:]}") == []


def test_short_list_items_and_bold_labels_are_not_prose() -> None:
    # A digest's list of the day's headlines (short items, no sentence) that names a story its
    # sections name again, and a bold label standing as a line: not paragraphs. The items that are
    # sentences still count.
    digest = read(WIND)
    bold = [line.split("**")[1] for line in digest.split("\n") if line[:1].isdigit() and line.count("**") >= 2]
    headlines = [h for h in bold if 12 <= len(h) <= 30 and not h.endswith(("。", "！", "，"))][:3]
    assert headlines == ["美国三大股指收盘涨跌不一", "欧洲三大股指收盘全线上涨", "亚太主要股市收盘多数下跌"]
    listing = "".join(f"- {h}\n" for h in headlines)
    label = f"**{headlines[0]}**"
    text = f"{listing}\n{label}\n\n" + "".join(f"- {h}\n" for h in headlines) + f"\n{label}\n"
    assert repeats(WIND.name, text) == []
    sentence = next(line for line in digest.split("\n") if line.endswith("。") and len(line) > 40)
    twice = repeats(WIND.name, f"- {sentence}\n\n- {sentence}\n")
    assert len(twice) == 1


def test_tables_without_outer_pipes_are_structure() -> None:
    # A table written without outer pipes repeats its header (two tables in one post); its rows are not
    # prose. The header cells are real column names of the MQM data's README.
    header = "system | doc | docSegId | globalSegId | rater | source | target | category | severity"
    rule = " | ".join("---" for _ in header.split(" | "))
    row = "GPT4-5shot | news_chinanews.com.280744 | 1 | 1 | rater2 | … | … | No-error | No-error"
    text = f"{header}\n{rule}\n{row}\n\n{header}\n{rule}\n{row}\n"
    assert repeats("tables.md", text) == []


def test_code_shown_twice_is_not_prose(shared_corpus: Path) -> None:
    # A tutorial post (SitePoint, as newspaper3k extracted it) that shows one line of code in two of
    # its examples: inside fenced code it is not a paragraph.
    article = (shared_corpus / "newspaper3k-test-fixtures" / "text" / "sitepoint.com2.txt").read_text(encoding="utf-8")
    paragraphs = [p for p in article.split("\n\n") if p.strip()]
    code = next(p for p in paragraphs if p.startswith("$im->saveToFile("))
    text = f"{paragraphs[0]}\n\n```php\n{code}\n```\n\n{paragraphs[1]}\n\n```php\n{code}\n```\n"
    assert repeats("sitepoint.md", text) == []
    assert len(repeats("sitepoint.md", text.replace("```php\n", "").replace("```\n", ""))) == 1


def test_html_subheads_table_rows_and_short_items_are_not_prose(shared_corpus: Path) -> None:
    # An Eastmoney post (one line of HTML): its bold subhead `这些公司有HFO-1234yf产品` opens a second
    # section too, and a table and a list of the companies it names appear twice. (min_chars 16: the
    # subhead is 23 by NL404's weight.)
    post = (shared_corpus / "eastmoney-jekyll-finews" / "_posts" / "-202205262391921712.md").read_text(encoding="utf-8")
    subhead = "<p><strong>这些公司有HFO-1234yf产品</strong></p>"
    table = "<table><tr><td>巨化股份</td><td>HFO-1234yf</td></tr><tr><td>联创股份</td><td>HFO-1234yf</td></tr></table>"
    items = "<ul><li>巨化股份：HFO-1234yf产品</li><li>联创股份：HFO-1234yf产品</li></ul>"
    last = post.rindex("<p>公司曾公开表示")
    text = post[:last] + subhead + table + items + post[last:]
    text = text.replace(subhead, subhead + table + items, 1)
    assert text.count(subhead) == 2 and text.count(table) == 2
    spec = next(s for p in builtin_pack_paths() for s in load_pack(p) if s.code == "NL404")
    linter = Linter([dataclasses.replace(spec, params={**spec.params, "min_chars": 16})])
    assert linter.check(file_document("post.md", text, Format.MARKDOWN)) == []
