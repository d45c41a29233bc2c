"""The text output people read (issue 17, item 1): ruff's full format, colour, grouping, and the
concise one-line form that CI logs, pre-commit and scripts rely on."""

from __future__ import annotations

import io
import re

from newslint.cli import _text_style, _use_color, build_parser, main
from newslint.model import Applicability, Edit, Finding, Fix, Position, Scope, Severity
from newslint.registry import CheckDoc, CheckSpec
from newslint.report import ReportOptions, RunResult
from newslint.reporters import render
from newslint.reporters.source import display_width
from newslint.reporters.text import shown_message

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["check", "--no-cache", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_full_format_shows_source_line_caret_severity_and_fix_hint(tmp_path, capsys):
    page = tmp_path / "a.txt"
    page.write_text("第一行。\n北京市&nbsp;上海市\n", encoding="utf-8")
    code, out, _ = _run(capsys, "--output-format", "full", "--select", "NL104", str(page))
    assert code == 1
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if "NL104" in line and line.startswith(str(page)))
    assert lines[header] == f"{page}:2:4: NL104 [*] HTML entity &nbsp; left in text (a space)"
    assert lines[header + 2] == "2 | 北京市&nbsp;上海市"
    caret_line = lines[header + 3]
    # three wide characters before the entity: six display columns, then six carets under "&nbsp;"
    assert caret_line == "  |       ^^^^^^ warning: html-entity"
    assert "= help: replace “&nbsp;” with “ ” (safe fix)" in out
    assert out.rstrip().endswith("[*] 1 fixable with `newslint fix`.")


def test_carets_align_by_display_width():
    assert display_width("北京") == 4 and display_width("ab") == 2 and display_width("e\u0301") == 1
    # a full-width comma and ideographic space count two columns each
    assert display_width("，　") == 4


def test_concise_keeps_one_line_per_finding(tmp_path, capsys):
    page = tmp_path / "a.txt"
    page.write_text("北京&nbsp;上海\n", encoding="utf-8")
    _, out, _ = _run(capsys, "--output-format", "concise", "--select", "NL104", str(page))
    assert out.splitlines()[0] == f"{page}:1:3: NL104 [*] HTML entity &nbsp; left in text (a space)"
    assert "|" not in out


def test_default_text_is_concise_when_piped_and_full_on_a_terminal(monkeypatch):
    args = build_parser().parse_args(["check", "x"])
    monkeypatch.delenv("CI", raising=False)

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert _text_style(args, io.StringIO()) == "concise"  # pipes, files, pytest's capture, pre-commit
    assert _text_style(args, Tty()) == "full"
    monkeypatch.setenv("CI", "true")
    assert _text_style(args, Tty()) == "concise"  # CI logs stay grep-able


def test_colour_on_a_terminal_unless_no_color(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    auto = build_parser().parse_args(["check", "x"])
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    assert _use_color(auto, Tty()) is True
    assert _use_color(auto, io.StringIO()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert _use_color(auto, Tty()) is False
    always = build_parser().parse_args(["check", "--color", "always", "x"])
    assert _use_color(always, io.StringIO()) is True
    never = build_parser().parse_args(["check", "--color", "never", "x"])
    monkeypatch.delenv("NO_COLOR")
    assert _use_color(never, Tty()) is False


def test_color_always_paints_and_stripping_gives_the_plain_output(tmp_path, capsys):
    page = tmp_path / "a.txt"
    page.write_text("北京&nbsp;上海\n", encoding="utf-8")
    _, plain, _ = _run(capsys, "--output-format", "full", "--select", "NL104", str(page))
    _, painted, _ = _run(capsys, "--output-format", "full", "--color", "always", "--select", "NL104", str(page))
    assert "\x1b[" in painted and "\x1b[" not in plain
    assert ANSI.sub("", painted) == plain


def _spec(code: str, name: str, scope: Scope = Scope.DOCUMENT) -> CheckSpec:
    return CheckSpec(code=code, name=name, kind="pattern", severity=Severity.WARNING, fix=Applicability.NONE,
                     message="{match}", summary="", docs=CheckDoc(), params={}, pack="t.yml", scope=scope)


def _finding(code: str, name: str, message: str, path: str, line: int, fix: Fix | None = None) -> Finding:
    return Finding(code=code, name=name, severity=Severity.WARNING, message=message, path=path, start=0, end=3,
                   location=Position(line, 1), end_location=Position(line, 4), fix=fix)


def test_corpus_repeats_are_grouped_with_count_and_places(tmp_path):
    message = "person spelled several ways (Xi Jinping 12, Xi Jin-ping 3): 'Xi Jin-ping' → 'Xi Jinping'"
    paths = [tmp_path / f"{n}.md" for n in range(9)]
    for p in paths:
        p.write_text("Xi Jin-ping said\n", encoding="utf-8")
    findings = [_finding("NL602", "name-variant", message, str(p), 1) for p in paths]
    findings.append(_finding("NL602", "name-variant", message.replace("Jin-ping", "Jinpin"), str(paths[0]), 1))
    result = RunResult(findings=findings, checks={"NL602": _spec("NL602", "name-variant", Scope.CORPUS)})
    out = render("text", result, ReportOptions(text_style="full"))
    assert out.count("NL602 person spelled several ways (Xi Jinping 12, Xi Jin-ping 3)") == 1
    assert "= 9 places: " in out and "(+3 more)" in out
    assert "Jinpin'" in out  # another losing spelling: a finding of its own
    concise = render("text", result, ReportOptions(text_style="concise"))
    assert concise.count("NL602") == 10  # concise stays one line per finding


def test_pair_scores_only_in_json_and_verbose():
    message = ("translation of zh/a.md (score 0.91, runner-up 0.12; names 1.00, numbers 0.96, pinyin 0.00)"
               "; names of the original not found: 王毅 (Wang Yi)")
    finding = _finding("NL503", "translation-pair", message, "en/a.md", 1)
    assert shown_message(finding, verbose=False) == (
        "translation of zh/a.md; names of the original not found: 王毅 (Wang Yi)")
    assert shown_message(finding, verbose=True) == message
    result = RunResult(findings=[finding], checks={"NL503": _spec("NL503", "translation-pair", Scope.CORPUS)})
    assert "numbers 0.96" in render("json", result, ReportOptions())
    assert "numbers 0.96" not in render("text", result, ReportOptions(text_style="full"))
    assert "numbers 0.96" in render("text", result, ReportOptions(text_style="full", verbose=True))


def test_long_messages_cut_in_text_whole_in_json():
    message = "x" * 1000
    finding = _finding("T1", "t", message, "a.txt", 1)
    result = RunResult(findings=[finding], checks={"T1": _spec("T1", "t")})
    text = render("text", result, ReportOptions(text_style="full"))
    assert message not in text and "(cut; whole in --output-format json)" in text
    assert message in render("json", result, ReportOptions())


def test_wide_line_is_windowed_around_the_span(tmp_path):
    page = tmp_path / "long.txt"
    line = "中" * 300 + "&amp;" + "文" * 300
    page.write_text(line + "\n", encoding="utf-8")
    finding = Finding(code="NL104", name="html-entity", severity=Severity.WARNING, message="entity",
                      path=str(page), start=300, end=305, location=Position(1, 301), end_location=Position(1, 306),
                      fix=Fix((Edit(300, 305, "&"),), Applicability.SAFE))
    out = render("text", RunResult(findings=[finding], checks={"NL104": _spec("NL104", "html-entity")}),
                 ReportOptions(text_style="full"))
    source = next(s for s in out.splitlines() if s.startswith("1 | "))
    carets = next(s for s in out.splitlines() if "^" in s)
    assert display_width(source) < 130 and "&amp;" in source
    start = source.index("&amp;")
    assert display_width(source[:start]) == carets.index("^") and carets.count("^") == 5


def test_full_format_on_jsonl_records_and_after_fix(tmp_path, capsys):
    data = tmp_path / "c.jsonl"
    data.write_text('{"text": "a"}\n{"text": "第二条&amp;记录\\n<p>x</p> 和 &nbsp"}\n', encoding="utf-8")
    _, out, _ = _run(capsys, "--output-format", "full", "--select", "NL104", str(data))
    assert "1 | 第二条&amp;记录" in out
    assert "2 | <p>x</p> 和 &nbsp" in out


def test_no_source_when_the_text_shown_is_not_on_disk(tmp_path, capsys):
    """``fix --diff`` reports the findings left in the fixed text, which is not written: the file's
    lines would be the wrong ones, so no source is shown."""
    page = tmp_path / "a.txt"
    before = "<div>\n</div>\nThe market rose today，and fell later.\n"
    page.write_text(before, encoding="utf-8")
    code = main(["fix", "--no-cache", "--diff", "--output-format", "full", str(page)])
    out, err = capsys.readouterr()
    assert code == 1 and "Would fix" in err and "NL105" in err
    assert not any(re.match(r"\d+ \| ", line) for line in err.splitlines())  # no stale source
    assert page.read_text(encoding="utf-8") == before


def test_fix_hint_quotes_an_edit_reaching_past_the_span(tmp_path, capsys):
    page = tmp_path / "a.md"
    page.write_text("正文。\n<p>文字</p>北京\n", encoding="utf-8")
    _, out, _ = _run(capsys, "--output-format", "full", "--select", "NL201", str(page))
    assert "= help: replace “\\n<p>” with “\\n\\n” (safe fix)" in out  # the line break before the tag too
