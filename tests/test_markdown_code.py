"""Markdown code is literal text: no document check reports or fixes anything inside it."""

from __future__ import annotations

from pathlib import Path

from newslint.cli import main
from newslint.markdown_code import code_spans

WIDGET = ('<span id="stock_sh603883"><a href="http://finance.sina.com.cn/realstock/company/sh603883/nc.shtml" '
          'class="keyword" target="_blank">老百姓</a></span><span id="quote_sh603883"></span>')


def _spans(text: str) -> list[str]:
    return [text[s:e] for s, e in code_spans(text)]


def test_inline_spans_and_fences_are_found_as_commonmark_reads_them() -> None:
    assert _spans("a `b` c ``d ` e`` f") == ["`b`", "``d ` e``"]
    assert _spans("an unmatched ` backtick, then `code`") == ["` backtick, then `"]
    assert _spans("``a` b") == []  # no run of the same length closes it
    assert _spans("`a\n\nb`") == []  # a span never crosses a blank line
    fenced = "text\n```html\n<div>x</div>\n```\nafter `y`\n"
    assert _spans(fenced) == ["```html\n<div>x</div>\n```", "`y`"]
    assert _spans("~~~\n<b>\n~~~~\n") == ["~~~\n<b>\n~~~~"]
    assert _spans("```\nnever closed\n<b>") == ["```\nnever closed\n<b>"]  # to the end, as CommonMark
    assert _spans("``` not `a fence`\n<b>") == ["`a fence`"]  # an info string with a backtick: inline
    assert _spans("中文，（）：“”　 and ‘quotes’") == []


def test_a_widget_quoted_in_code_is_left_alone_and_one_in_prose_is_fixed(tmp_path: Path, capsys) -> None:
    post = tmp_path / "post.md"
    text = (f"---\ntitle: 股票\n---\n\n药店龙头{WIDGET}今日上涨。\n\n"
            f"The widget looks like `{WIDGET}` in the page source.\n\n```html\n{WIDGET}\n```\n")
    post.write_text(text, encoding="utf-8")
    assert main(["check", "--no-cache", "--select", "NL3,NL2", "--output-format", "concise", str(post)]) == 1
    out = capsys.readouterr().out
    rows = {line.split(":")[1] for line in out.splitlines() if ": NL" in line}
    assert rows == {"5"}, out  # the prose line only
    assert main(["fix", "--select", "NL3,NL2", str(post)]) == 0
    fixed = post.read_text(encoding="utf-8")
    assert "药店龙头老百姓今日上涨。" in fixed
    assert fixed.count(WIDGET) == 2  # both quotations kept, byte for byte
