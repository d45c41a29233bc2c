"""Reporters: every output format, on findings made by real checks on real seed text.

Findings come from a small pattern pack loaded with ``load_pack`` and run by the real ``Linter``,
so locations, fixes and severities are exactly what a run produces. Expected line:column values are
computed independently from the text (counting code points) rather than copied from the findings.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from newslint.document import Format, detect_format, file_document, text_document
from newslint.linter import Linter
from newslint.model import Applicability, Edit, Finding, Fix, Severity
from newslint.packs import load_pack
from newslint.report import InputProblem, ReportOptions, RunResult
from newslint.reporters import FORMATS, edit_position, render
from newslint.reporters.github import escape_data, escape_property

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SEED_MD = "004_bb710759ebdae3be.txt"  # Markdown front matter + HTML body, Chinese

PACK = r"""
checks:
  - code: T101
    name: leftover-p-tag
    kind: pattern
    severity: warning
    fix: safe
    message: "Leftover HTML tag {match}"
    summary: Paragraph tags left over from the scraped HTML.
    tags: [html, markup]
    docs:
      what: HTML paragraph tags left in the text.
      why: They are markup, not words; they end up in training data and search snippets.
      example: "<p>昨天上午</p>"
      fix: Delete the tag.
    params:
      pattern: "</?p(?:\\s[^>]*)?>"
      replacement: ""
  - code: T102
    name: bold-tag
    kind: pattern
    severity: error
    fix: unsafe
    message: "Leftover bold tag {match}"
    summary: Bold tags left over from the scraped HTML.
    params:
      pattern: "</?b>"
      replacement: ""
  - code: T103
    name: name-mention
    kind: pattern
    severity: info
    message: "Mention of {match}"
    summary: A name worth a look.
    params:
      pattern: "蔡奇"
  - code: T104
    name: weird-message
    kind: pattern
    severity: error
    message: "Sale 100% off, see: {match}\nsecond line"
    summary: A message with characters that need escaping.
    params:
      pattern: "XX"
  - code: T105
    name: html-comment
    kind: pattern
    severity: warning
    fix: safe
    message: "Leftover comment {match}"
    summary: Comments left over from the scraped HTML.
    params:
      pattern: "<!--.*?-->"
      flags: [DOTALL]
      replacement: ""
"""


@pytest.fixture(scope="module")
def specs(tmp_path_factory):
    path = tmp_path_factory.mktemp("pack") / "test-pack.yml"
    path.write_text(PACK, encoding="utf-8")
    return {spec.code: spec for spec in load_pack(path)}


def check(specs, path: str, text: str, fmt: Format | None = None) -> list[Finding]:
    doc = file_document(path, text, fmt or detect_format(path, text))
    return Linter(list(specs.values())).check(doc)


def run(specs, findings, **kwargs) -> RunResult:
    return RunResult(findings=findings, checks=specs, files_checked=1, **kwargs)


def out(fmt: str, result: RunResult, **options) -> str:
    return render(fmt, result, ReportOptions(version="0.1.0", **options))


def position(text: str, offset: int) -> tuple[int, int]:
    """Independent 1-based line and code-point column of ``offset``."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def seed_text() -> tuple[str, str]:
    path = SEEDS / SEED_MD
    return f"seeds/{SEED_MD}", path.read_text(encoding="utf-8")


# -- text ------------------------------------------------------------------------------------------


def test_text_line_format_on_seed(specs):
    path, text = seed_text()
    findings = check(specs, path, text)
    p_tags = [f for f in findings if f.code == "T101"]
    assert p_tags, "the seed's HTML body has <p> tags"
    report = out("text", run(specs, findings))
    lines = report.splitlines()
    first = text.index("<p>")  # the front matter holds no <p>: this is the first body tag
    line, column = position(text, first)
    assert lines[0] == f"{path}:{line}:{column}: T101 [*] Leftover HTML tag <p>"
    # every finding is one line, in file order, then the summary
    assert len(lines) == len(findings) + 2
    body = text[text.index("---", 3) + 3:]
    n_tags = len(re.findall(r"</?p(?:\s[^>]*)?>", body))
    n_names = body.count("蔡奇")
    assert len(p_tags) == n_tags and len(findings) == n_tags + n_names
    assert lines[len(findings)] == f"Found {len(findings)} findings ({n_tags} warnings, {n_names} info) in 1 file."
    assert lines[-1] == f"[*] {n_tags} fixable with `newslint fix`."
    rows = [(int(ln.split(":")[1]), int(ln.split(":")[2])) for ln in lines[: len(findings)]]
    assert rows == sorted(rows)


def test_text_summary_counts_exactly(specs):
    text = "蔡奇说：<b>重要</b>。\n<p>第二段</p>\n"
    findings = check(specs, "a.txt", text)
    codes = Counter(f.code for f in findings)
    assert codes == {"T101": 2, "T102": 2, "T103": 1}
    report = out("text", run(specs, findings))
    assert report.splitlines()[-2:] == [
        "Found 5 findings (2 errors, 2 warnings, 1 info) in 1 file.",
        "[*] 2 fixable with `newslint fix` (2 hidden fixes can be enabled with the `--unsafe-fixes` option.)",
    ]
    assert report.endswith("\n")


def test_text_all_checks_passed_and_quiet(specs):
    clean = "北京城市副中心，（发展）：“高质量”　推进。"
    assert check(specs, "clean.txt", clean) == []
    assert out("text", run(specs, [])) == "All checks passed!\n"
    assert out("text", run(specs, []), quiet=True) == ""
    findings = check(specs, "a.txt", "<p>段落</p>")
    quiet = out("text", run(specs, findings), quiet=True)
    assert quiet == "a.txt:1:1: T101 [*] Leftover HTML tag <p>\na.txt:1:6: T101 [*] Leftover HTML tag </p>\n"


def test_fix_marker_only_for_fixes_that_apply_now(specs):
    text = "<b>粗体</b>蔡奇<p>段</p>"
    findings = check(specs, "m.txt", text)
    hidden = out("text", run(specs, findings))
    shown = out("text", run(specs, findings, unsafe_fixes_enabled=True))

    def marker(report: str, code: str) -> set[bool]:
        return {" [*] " in ln for ln in report.splitlines() if f": {code} " in ln}

    assert marker(hidden, "T101") == {True}  # safe: always
    assert marker(hidden, "T102") == {False}  # unsafe: hidden without --unsafe-fixes
    assert marker(shown, "T102") == {True}
    assert marker(hidden, "T103") == marker(shown, "T103") == {False}  # no fix at all
    assert "[*] 2 fixable with `newslint fix` (2 hidden fixes can be enabled" in hidden
    assert "[*] 4 fixable with `newslint fix --unsafe-fixes`." in shown
    only_unsafe = [f for f in findings if f.code == "T102"]
    assert out("text", run(specs, only_unsafe)).splitlines()[-1] == (
        "No fixes available (2 hidden fixes can be enabled with the `--unsafe-fixes` option.)"
    )


def test_text_columns_are_code_points(specs):
    text = "一二三四五六七八九十<b>粗体</b>"
    assert len(text[:10].encode("utf-8")) == 30  # bytes would say 31, code points say 11
    findings = check(specs, "zh.txt", text)
    first = findings[0]
    assert (first.location.line, first.location.column) == (1, 11)
    assert out("text", run(specs, findings)).splitlines()[0] == "zh.txt:1:11: T102 Leftover bold tag <b>"
    data = json.loads(out("json", run(specs, findings)))
    assert data[0]["location"] == {"row": 1, "column": 11}
    assert data[0]["end_location"] == {"row": 1, "column": 14}
    region = json.loads(out("sarif", run(specs, findings)))["runs"][0]["results"][0]["locations"][0][
        "physicalLocation"]["region"]
    assert region == {"startLine": 1, "startColumn": 11, "endLine": 1, "endColumn": 14}
    assert ",col=11,endColumn=14," in out("github", run(specs, findings)).splitlines()[0]


def test_text_keeps_one_finding_per_line(specs):
    text = "正文<!-- 广告\n开始 -->\x1b[31m正文"
    findings = check(specs, "c.html", text, Format.PLAIN)
    assert [f.code for f in findings] == ["T105"]
    lines = out("text", run(specs, findings)).splitlines()
    assert lines[0] == "c.html:1:3: T105 [*] Leftover comment <!-- 广告\\n开始 -->"
    assert len(lines) == 3


def test_statistics_table(specs):
    path, text = seed_text()
    findings = check(specs, path, text)
    counts = Counter(f.code for f in findings)
    report = out("text", run(specs, findings), statistics=True)
    lines = report.splitlines()
    table = lines[: len(counts)]
    expected = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    assert [ln.split()[:2] for ln in table] == [[str(n), code] for code, n in expected]
    width = len(str(expected[0][1]))
    for ln, (code, n) in zip(table, expected, strict=True):
        assert ln.startswith(f"{n:>{width}}  {code}  {specs[code].name}")
        assert ln.endswith("[*]") == (code == "T101")
    assert lines[len(counts)].startswith(f"Found {len(findings)} findings")
    assert out("text", run(specs, findings), statistics=True, quiet=True).splitlines() == table
    stats = json.loads(out("json", run(specs, findings), statistics=True))
    assert stats == [
        {"code": code, "name": specs[code].name, "count": n, "fixable": code == "T101",
         "fixable_count": n if code == "T101" else 0}
        for code, n in expected
    ]


def test_fix_mode_summary_after_real_fix(specs):
    path, text = seed_text()
    doc = file_document(path, text, detect_format(path, text))
    outcome = Linter(list(specs.values())).fix(doc)
    assert outcome.converged and outcome.fixed["T101"] > 0
    result = run(specs, outcome.remaining, fix_mode=True, fixed=outcome.fixed, files_changed=1)
    lines = out("text", result).splitlines()
    total = sum(outcome.fixed.values())
    assert f"Fixed {total} findings in 1 file (T101: {outcome.fixed['T101']})." in lines
    remaining = len(outcome.remaining)
    assert remaining == sum(1 for f in outcome.remaining if f.code == "T103")  # info, no fix
    assert lines[-1] == f"Found {remaining} remaining findings ({remaining} info) in 1 file."
    assert not any("[*]" in ln for ln in lines)
    done = run(specs, [], fix_mode=True, fixed=Counter({"T101": 3}), files_changed=1)
    assert out("text", done).splitlines() == ["Fixed 3 findings in 1 file (T101: 3).", "No findings remain."]


def test_text_input_problems(specs):
    problems = [
        InputProblem("corpus.jsonl", "malformed JSON line: Expecting value", 7),
        InputProblem("gone.txt", "no such file or directory"),
        InputProblem("photo.jpg", "binary file, not text", skipped=True),
    ]
    lines = out("text", run(specs, [], problems=problems)).splitlines()
    assert lines[:3] == [
        "corpus.jsonl:record 7: error: malformed JSON line: Expecting value",
        "gone.txt: error: no such file or directory",
        "photo.jpg: warning: binary file, not text",
    ]
    assert "All checks passed!" not in lines
    assert lines[3] == "2 input errors in 2 files (see above): not everything was checked."


# -- json / jsonl ----------------------------------------------------------------------------------


def test_json_fields_and_types(specs):
    text = "标题\n<b>粗体</b>蔡奇\n"
    findings = check(specs, "news/a.md", text, Format.PLAIN)
    problems = [InputProblem("b.txt", "unreadable")]
    data = json.loads(out("json", run(specs, findings, problems=problems)))
    assert isinstance(data, list) and len(data) == len(findings) == 3  # input problems are not findings
    keys = {"code", "name", "severity", "message", "filename", "path", "record", "field", "location",
            "end_location", "start", "end", "fix"}
    for obj in data:
        assert set(obj) == keys
        assert obj["filename"] == obj["path"] == "news/a.md"
        assert obj["record"] is None and obj["field"] is None
        assert all(isinstance(obj[k], int) for k in ("start", "end"))
        assert all(isinstance(v, int) for v in obj["location"].values())
    bold = data[0]
    start = text.index("<b>")
    assert bold["code"] == "T102" and bold["severity"] == "error" and bold["name"] == "bold-tag"
    assert bold["location"] == {"row": 2, "column": 1} and bold["end_location"] == {"row": 2, "column": 4}
    assert (bold["start"], bold["end"]) == (start, start + 3)
    assert bold["fix"] == {
        "applicability": "unsafe",
        "message": None,
        "encoding": None,
        "edits": [{"content": "", "start": start, "end": start + 3,
                   "location": {"row": 2, "column": 1}, "end_location": {"row": 2, "column": 4}}],
    }
    assert data[2]["code"] == "T103" and data[2]["fix"] is None and data[2]["severity"] == "info"
    assert out("json", run(specs, [])) == "[]\n"


def test_jsonl_one_object_per_line(specs):
    findings = check(specs, "新闻.txt", "<p>一</p><b>二</b>")
    report = out("jsonl", run(specs, findings))
    lines = report.splitlines()
    assert len(lines) == len(findings) == 4
    assert [json.loads(ln) for ln in lines] == json.loads(out("json", run(specs, findings)))
    assert '"filename": "新闻.txt"' in report  # kept readable, not \\u-escaped
    assert out("jsonl", run(specs, [])) == ""


def test_edit_positions_only_when_known():
    text = "第一行\n第二行很长"
    doc = file_document("x.txt", text, Format.PLAIN)
    multi = Finding("T1", "t", Severity.WARNING, "m", "x.txt", 1, 6, doc.position(1), doc.position(6),
                    fix=Fix((Edit(2, 5, "X"),), Applicability.SAFE))
    assert edit_position(multi, 1) == doc.position(1) and edit_position(multi, 6) == doc.position(6)
    assert edit_position(multi, 2) is None  # span crosses a line break: unknown without the text
    single = Finding("T1", "t", Severity.WARNING, "m", "x.txt", 4, 8, doc.position(4), doc.position(8))
    assert edit_position(single, 6) == doc.position(6) == (2, 3)
    assert edit_position(single, 9) is None
    edits = json.loads(render("json", RunResult([multi], {}), ReportOptions()))[0]["fix"]["edits"]
    assert edits == [{"content": "X", "start": 2, "end": 5, "location": None, "end_location": None}]


# -- sarif -----------------------------------------------------------------------------------------


def _sarif(specs, findings, **kwargs) -> dict:
    return json.loads(out("sarif", run(specs, findings, **kwargs)))


def test_sarif_required_structure(specs):
    path, text = seed_text()
    findings = check(specs, path, text)
    log = _sarif(specs, findings)
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    run_ = log["runs"][0]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "newslint" and driver["semanticVersion"] == "0.1.0"
    assert driver["informationUri"].startswith("https://")
    assert run_["columnKind"] == "unicodeCodePoints"
    rules = driver["rules"]
    assert [r["id"] for r in rules] == sorted(specs)
    for rule in rules:
        for key in ("shortDescription", "fullDescription", "help"):
            assert isinstance(rule[key]["text"], str) and rule[key]["text"]
        assert rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert len(rule["properties"]["tags"]) <= 20
    p_rule = rules[[r["id"] for r in rules].index("T101")]
    assert p_rule["shortDescription"]["text"] == "Paragraph tags left over from the scraped HTML."
    assert "markup, not words" in p_rule["help"]["text"] and "```text\n<p>昨天上午</p>\n```" in p_rule["help"][
        "markdown"]
    assert {"html", "markup"} <= set(p_rule["properties"]["tags"])
    levels = {r["id"]: r["defaultConfiguration"]["level"] for r in rules}
    assert levels["T101"] == "warning" and levels["T102"] == "error" and levels["T103"] == "note"
    results = run_["results"]
    assert len(results) == len(findings)
    for result, finding in zip(results, sorted(findings, key=Finding.sort_key), strict=True):
        assert result["ruleId"] == finding.code == rules[result["ruleIndex"]]["id"]
        assert result["level"] == levels[finding.code]
        assert result["message"]["text"] == finding.message
        phys = result["locations"][0]["physicalLocation"]
        assert phys["artifactLocation"]["uri"] == path
        line, column = position(text, finding.start)
        end_line, end_column = position(text, finding.end)  # one past the last character
        assert phys["region"] == {"startLine": line, "startColumn": column,
                                  "endLine": end_line, "endColumn": end_column}
        assert result["partialFingerprints"]["primaryLocationLineHash"]
    fixed = next(r for r in results if r["ruleId"] == "T101")
    finding = next(f for f in sorted(findings, key=Finding.sort_key) if f.code == "T101")
    replacement = fixed["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement["insertedContent"] == {"text": ""}
    assert replacement["deletedRegion"]["charOffset"] == finding.start
    assert replacement["deletedRegion"]["charLength"] == finding.end - finding.start
    assert text[finding.start:finding.end].startswith("<p")
    assert all("fixes" not in r for r in results if r["ruleId"] == "T103")
    assert run_["invocations"] == [{"executionSuccessful": True}]


def test_sarif_input_problems_are_notifications(specs):
    problems = [InputProblem("corpus.jsonl", "malformed JSON line", 3),
                InputProblem("img.png", "binary file", skipped=True)]
    invocation = _sarif(specs, [], problems=problems)["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    assert [n["level"] for n in notes] == ["error", "warning"]
    assert notes[0]["message"]["text"] == "malformed JSON line"
    assert notes[0]["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "corpus.jsonl"}, "region": {"startLine": 3}}
    only_skipped = _sarif(specs, [], problems=problems[1:])["runs"][0]["invocations"][0]
    assert only_skipped["executionSuccessful"] is True


def test_sarif_fingerprints_ignore_line_numbers(specs):
    text = "<b>一</b>\n蔡奇\n<b>一</b>\n"
    before = _sarif(specs, check(specs, "f.txt", text))["runs"][0]["results"]
    after = _sarif(specs, check(specs, "f.txt", "新的一行\n\n" + text))["runs"][0]["results"]
    fp = [r["partialFingerprints"]["primaryLocationLineHash"] for r in before]
    assert fp == [r["partialFingerprints"]["primaryLocationLineHash"] for r in after]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after] == [
        r["locations"][0]["physicalLocation"]["region"]["startLine"] + 2 for r in before]
    assert len(set(fp)) == len(fp)  # the two identical <b> findings stay two alerts
    other = _sarif(specs, check(specs, "g.txt", text))["runs"][0]["results"]
    assert fp[0] != other[0]["partialFingerprints"]["primaryLocationLineHash"]


def test_sarif_uri_is_relative_posix_and_encoded(specs):
    findings = check(specs, "./新闻 2024/a.txt", "<p>x</p>")
    uri = _sarif(specs, findings)["runs"][0]["results"][0]["locations"][0]["physicalLocation"][
        "artifactLocation"]["uri"]
    assert uri == "%E6%96%B0%E9%97%BB%202024/a.txt"


def test_sarif_validates_against_schema_when_available(specs):
    jsonschema = pytest.importorskip("jsonschema")
    schema_path = os.environ.get("NEWSLINT_SARIF_SCHEMA")
    if not schema_path or not Path(schema_path).is_file():
        pytest.skip("set NEWSLINT_SARIF_SCHEMA to a local sarif-schema-2.1.0.json to validate")
    schema = json.loads(Path(schema_path).read_text(encoding="utf-8"))
    path, text = seed_text()
    findings = check(specs, path, text) + check(specs, "c.jsonl", "<b>x</b>")
    log = _sarif(specs, findings, problems=[InputProblem("x.jsonl", "bad", 2)])
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).validate(log)


# -- JSONL records ---------------------------------------------------------------------------------


def test_jsonl_record_locations_in_every_format(specs):
    value = "第一行\n正文<p>段落</p>"
    doc = text_document("corpus.jsonl", value, 42, "content")
    findings = Linter(list(specs.values())).check(doc)
    assert [f.code for f in findings] == ["T101", "T101"]
    result = run(specs, findings)
    assert out("text", result).splitlines()[0] == "corpus.jsonl:record 42:2:3: T101 [*] Leftover HTML tag <p>"
    obj = json.loads(out("json", result))[0]
    assert (obj["record"], obj["field"], obj["location"]) == (42, "content", {"row": 2, "column": 3})
    sarif = _sarif(specs, findings)["runs"][0]["results"][0]
    loc = sarif["locations"][0]
    assert loc["physicalLocation"]["region"] == {"startLine": 42, "endLine": 42}  # record 42 = line 42
    assert loc["logicalLocations"][0]["name"] == "record 42/content"
    assert sarif["properties"]["fieldRegion"] == {"startLine": 2, "startColumn": 3, "endLine": 2, "endColumn": 6}
    assert "fixes" not in sarif  # field offsets are not file offsets
    annotation = out("github", result).splitlines()[0]
    assert annotation.startswith("::warning file=corpus.jsonl,line=42,endLine=42,title=newslint (T101)::")
    assert "col=" not in annotation
    assert annotation.endswith("::corpus.jsonl:record 42:2:3: T101 Leftover HTML tag <p> (field content)")


# -- github ----------------------------------------------------------------------------------------


def test_github_escaping(specs):
    assert escape_data("100%\r\nnext: a,b") == "100%25%0D%0Anext: a,b"
    assert escape_property("d:/a,b%.txt") == "d%3A/a%2Cb%25.txt"
    findings = check(specs, "out/a,b:c.txt", "价格XX元")
    line = out("github", run(specs, findings)).splitlines()[0]
    assert line == (
        "::error file=out/a%2Cb%3Ac.txt,line=1,endLine=1,col=3,endColumn=5,title=newslint (T104)::"
        "out/a,b:c.txt:1:3: T104 Sale 100%25 off, see: XX%0Asecond line"
    )


def test_github_multiline_finding_has_no_columns(specs):
    findings = check(specs, "c.txt", "正文<!-- 广告\n开始 -->正文", Format.PLAIN)
    line = out("github", run(specs, findings)).splitlines()[0]
    assert line.startswith("::warning file=c.txt,line=1,endLine=2,title=newslint (T105)::")
    assert "col=" not in line and "endColumn=" not in line
    assert "%0A" in line  # the matched comment's line break, escaped in the message


def test_github_caps_ten_per_level_most_severe_first(specs):
    text = "<p>段</p>" * 12 + "\n" + "<b>粗</b>" + "\n" + "蔡奇。" * 12 + "\n"
    findings = check(specs, "big.txt", text)
    counts = Counter(f.severity for f in findings)
    assert counts == {Severity.WARNING: 24, Severity.ERROR: 2, Severity.INFO: 12}
    lines = out("github", run(specs, findings)).splitlines()
    kinds = [ln.split(" ", 1)[0] for ln in lines[:-1]]
    assert kinds == ["::error"] * 2 + ["::warning"] * 10 + ["::notice"] * 10
    assert lines[-1].startswith("newslint: 38 findings (2 errors, 24 warnings, 12 info) in 1 file.")
    assert "Annotated 22 of 38" in lines[-1] and "sarif" in lines[-1]
    assert not lines[-1].startswith("::")
    # the annotated warnings are the first ten in the file
    assert ",col=1,endColumn=4," in lines[2]
    few = out("github", run(specs, findings[:3])).splitlines()
    assert len(few) == 4 and "sarif" not in few[-1]
    assert out("github", run(specs, [])) == "newslint: all checks passed.\n"
    assert out("github", run(specs, findings[:3]), quiet=True).count("\n") == 3


def test_github_input_problems_share_the_error_budget(specs):
    problems = [InputProblem(f"bad{i}.jsonl", "malformed JSON line", i + 1) for i in range(4)]
    findings = check(specs, "e.txt", "<b>x</b>" * 5)
    lines = out("github", run(specs, findings, problems=problems)).splitlines()
    errors = [ln for ln in lines if ln.startswith("::error")]
    assert len(errors) == 10
    assert errors[0] == "::error file=bad0.jsonl,line=1,title=newslint (input error)::malformed JSON line"
    assert sum("(input error)" in ln for ln in errors) == 4


# -- dispatch --------------------------------------------------------------------------------------


def test_render_dispatch_and_unknown_format(specs):
    assert FORMATS == ("text", "json", "jsonl", "sarif", "github", "html")
    findings = check(specs, "a.txt", "<p>x</p>")
    for fmt in FORMATS:
        assert out(fmt, run(specs, findings)).endswith("\n")
    with pytest.raises(ValueError, match="unknown output format 'xml'"):
        out("xml", run(specs, findings))


def test_format_modules_are_imported_lazily():
    code = (
        "import sys, newslint.reporters\n"
        "mods = [m for m in sys.modules if m.startswith('newslint.reporters.')]\n"
        "assert mods == [], mods\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
