"""Every built-in check documents itself and carries examples that pass; the README's rule table is
the one the packs generate."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newslint.cli import main
from newslint.docs import rules_markdown
from newslint.packs import builtin_pack_paths, load_packs
from newslint.selftest import run_examples

REPO = Path(__file__).resolve().parents[1]
SPECS = load_packs(builtin_pack_paths())


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.code)
def test_check_is_documented(spec) -> None:
    for part in ("what", "why", "example", "fix"):
        assert getattr(spec.docs, part), f"{spec.code} has no docs.{part}"
    assert spec.summary


@pytest.mark.parametrize("spec", [s for s in SPECS if s.scope.value == "document"], ids=lambda s: s.code)
def test_check_examples_pass(spec) -> None:
    assert any(e.flagged for e in spec.examples), f"{spec.code} has no flagged example"
    assert any(not e.flagged for e in spec.examples), f"{spec.code} has no clean example"
    count, failures = run_examples([spec])
    assert not failures, "\n".join(map(str, failures))


def test_readme_rule_table_is_generated_from_the_packs() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- rules:start -->\n(.*?)<!-- rules:end -->", readme, re.S)
    assert match, "README.md has no <!-- rules:start --> … <!-- rules:end --> block"
    assert match.group(1) == rules_markdown(SPECS), "regenerate with: newslint rules --format markdown"


def test_explain_by_code_and_name(capsys) -> None:
    spec = SPECS[0]
    assert main(["explain", spec.code.lower()]) == 0
    by_code = capsys.readouterr().out
    assert main(["explain", spec.name]) == 0
    assert capsys.readouterr().out == by_code
    assert f"# {spec.name} ({spec.code})" in by_code and spec.docs.why in by_code
    assert main(["explain", "NL000"]) == 2


def test_test_packs_command_runs_user_packs(tmp_path: Path, capsys) -> None:
    pack = tmp_path / "mine.yml"
    pack.write_text(
        "checks:\n  - code: NL970\n    name: mysite-footer\n    kind: phrases\n    fix: safe\n"
        "    message: 'footer {match}'\n"
        "    params: {phrases: ['本文来自某客户端'], whole_line: true, replacement: ''}\n"
        "    examples:\n      flagged: [{text: \"正文。\\n本文来自某客户端\\n\", fixed: \"正文。\\n\"}]\n"
        "      clean: ['正文。']\n",
        encoding="utf-8",
    )
    assert main(["test-packs", "--pack", str(pack), "--select", "NL970"]) == 0
    assert "2 passed, 0 failed" in capsys.readouterr().out
    pack.write_text(pack.read_text(encoding="utf-8").replace('fixed: "正文。\\n"', 'fixed: "wrong"'), encoding="utf-8")
    assert main(["test-packs", "--pack", str(pack), "--select", "NL970"]) == 1
    assert "FAIL" in capsys.readouterr().out


def test_config_params_override_a_check_with_a_parameter_defaulting_to_none(tmp_path, capsys) -> None:
    """`params: {NL302: {…}}` used to fail: the check's merged params hold `group: None`."""
    from newslint.cli import main

    (tmp_path / ".newslint.yaml").write_text("params:\n  NL302: {timeout: 2.0}\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("正文。\n", encoding="utf-8")
    assert main(["check", "--no-cache", "--select", "NL302", str(tmp_path / "a.txt")]) == 0, capsys.readouterr().err


@pytest.mark.parametrize("regions", ["5", "null"])
def test_a_pack_value_of_the_wrong_type_is_a_pack_error(tmp_path, capsys, regions: str) -> None:
    from newslint.cli import main

    pack = tmp_path / "bad.yml"
    pack.write_text("checks:\n  - code: NL990\n    name: x-y\n    kind: pattern\n    message: m\n"
                    f"    params: {{pattern: a}}\n    regions: {regions}\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("正文。\n", encoding="utf-8")
    assert main(["check", "--no-cache", "--pack", str(pack), str(tmp_path / "a.txt")]) == 2
    err = capsys.readouterr().err
    assert "bad.yml: check #1: invalid value" in err and "Traceback" not in err


def test_a_pyproject_that_is_not_utf8_is_a_config_error(tmp_path, capsys) -> None:
    from newslint.cli import main

    (tmp_path / "pyproject.toml").write_bytes(b'[tool.newslint]\nselect = ["\xff"]\n')
    (tmp_path / "a.txt").write_text("正文。\n", encoding="utf-8")
    assert main(["check", "--no-cache", str(tmp_path / "a.txt")]) == 2
    assert "pyproject.toml: cannot read config" in capsys.readouterr().err


def test_yaml_whose_tags_cannot_be_built_is_not_a_crash(tmp_path, capsys) -> None:
    from newslint.cli import main

    (tmp_path / ".newslint.yaml").write_text("select: [NL201]\nsince: 2024-13-45\n", encoding="utf-8")
    post = tmp_path / "a.md"
    post.write_text("---\ntitle: Cui Shuqiang\ndate: 2024-13-45\n---\nCui Shuqiang said <b>so</b>.\n",
                    encoding="utf-8")
    assert main(["check", "--no-cache", str(post)]) == 2
    err = capsys.readouterr().err
    assert ".newslint.yaml" in err and "month must be in 1..12" in err and "Traceback" not in err


# Tagged values PyYAML's safe constructors cannot build raise more than ValueError (fuzz 13:60546:
# ``date: !!timestamp 2024-13-45`` folded over two lines ended a check with AttributeError).
UNBUILDABLE = ["!!timestamp 2024-13-45\n\n +0800", "!!timestamp x", "!!bool maybe", '!!bool ""', "!!int x",
               "!!float x", "!!timestamp 2024-02-30"]


@pytest.mark.parametrize("value", UNBUILDABLE)
def test_front_matter_with_a_tag_that_cannot_be_built_is_not_a_crash(tmp_path, capsys, value) -> None:
    from newslint.cli import main
    from newslint.document import YamlError, load_yaml

    with pytest.raises(YamlError, match="cannot build a value"):
        load_yaml(f"date: {value}\n")
    post = tmp_path / "p.md"
    post.write_text(f"---\ndate: {value}\ncategories: emnews\n---\n\n北京<b>新闻</b>\n", encoding="utf-8")
    for command in (["check"], ["fix"]):
        code = main([*command, "--no-cache", str(post)])
        out, err = capsys.readouterr()
        assert code in (0, 1) and "Traceback" not in err, (command, code, err)
        assert "NL204" in out or command == ["fix"]  # broken front matter: reported, not fatal
    assert post.read_text(encoding="utf-8").startswith(f"---\ndate: {value}\n")  # the front matter is kept


# -- patterns that need a non-ASCII character skip ASCII documents (issue 16) -------------------------------

@pytest.mark.parametrize(("pattern", "flags", "expected"), [
    ("[\u4e00-\u9fff](?P<n>[A-Z][a-z]+)", 0, True),  # NL604's shape: a Han character first
    ("x(?<=中x)", 0, True),  # a positive lookbehind the text must hold
    ("(?=.*中)x", 0, True),
    ("中|文", 0, True),
    ("[a-z]+中+", 0, True),
    ("中?x", 0, False),  # optional
    ("中*x", 0, False),
    ("a|中", 0, False),  # one branch is ASCII
    ("(?!中)x", 0, False),  # a negative lookaround requires nothing
    ("[^a]", 0, False),  # a negated set matches ASCII
    ("\u212a", re.IGNORECASE, False),  # KELVIN SIGN matches 'k' case-insensitively
    ("(?i:\u017f)x", 0, False),  # LONG S matches 's'
])
def test_needs_non_ascii_is_exact_where_it_says_yes(pattern: str, flags: int, expected: bool) -> None:
    from newslint.detectors.pattern import needs_non_ascii

    compiled = re.compile(pattern, flags)
    assert needs_non_ascii(compiled) is expected
    if not expected and flags:
        assert compiled.search("k" if "\u212a" in pattern else "sx")  # the reason it must stay False


def test_a_chinese_only_pattern_does_not_scan_an_english_document() -> None:
    """An ASCII document skips NL604 (a Han character starts every match) without running the regex;
    a document with non-ASCII text still runs it and finds the name."""
    from newslint.detectors.pattern import PatternDetector
    from newslint.document import text_document

    spec = next(s for s in load_packs(builtin_pack_paths()) if s.code == "NL604")
    detector = PatternDetector(spec)
    assert detector.non_ascii_only

    class Refuse:
        pattern, flags, groupindex = detector.regex.pattern, detector.regex.flags, detector.regex.groupindex

        def finditer(self, *args: object) -> object:
            raise AssertionError("the regex ran on an ASCII document")

    english = text_document("a.jsonl", "President Yoon Suk Yeol said on Friday that the talks went well.\n", 1, "text")
    real = detector.regex
    detector.regex = Refuse()  # type: ignore[assignment]
    assert list(detector.detect(english)) == []
    detector.regex = real
    chinese = text_document("a.jsonl", "要求将总统Yoon Suk Yeol拘留。\n", 1, "text")
    assert [chinese.text[h.start:h.end] for h in detector.detect(chinese)] == ["Yoon Suk Yeol"]


def test_a_user_pattern_in_verbose_mode_is_never_skipped_on_ascii() -> None:
    """A user pack's pattern runs on ``regex``, which (2026.11.15; not 2026.12.2) reads U+3000 and U+00A0
    as verbose-mode whitespace where ``re``'s parser reads a character: ``Source:\\u3000\\d+`` then
    matches ``Source:12``. Whatever the installed version, an ASCII document is still searched."""
    from newslint.detectors.pattern import BoundedPattern, compile_pattern, needs_non_ascii
    from newslint.registry import PATTERN_LIMITS

    trusted = PATTERN_LIMITS.trusted
    PATTERN_LIMITS.trusted = False
    try:
        compiled = compile_pattern("Source:\u3000\\d+", ["VERBOSE"])
    finally:
        PATTERN_LIMITS.trusted = trusted
    assert isinstance(compiled, BoundedPattern)
    assert not needs_non_ascii(compiled)
