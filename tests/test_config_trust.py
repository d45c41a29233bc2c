"""Configuration you can trust (issue 17, item 4): errors name the file and key, unknown codes are
reported wherever they are written, the effective settings can be seen, config can be switched off,
one JSONL record can opt out, and a baseline lets a corpus adopt newslint gradually."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from newslint.cli import main

README_CONFIG = """\
select: [NL1, NL2]
ignore: [NL104]
per-file-ignores:
  old_post/*: [NL402]
severity: {NL103: info}
fail-on: warning
"""


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main([*args])
    out, err = capsys.readouterr()
    return code, out, err


def test_per_file_ignore_of_an_unselected_check_is_valid(tmp_path, capsys):
    (tmp_path / ".newslint.yaml").write_text(README_CONFIG, encoding="utf-8")
    (tmp_path / "old_post").mkdir()
    (tmp_path / "old_post" / "a.txt").write_text("北京&nbsp;上海<p>x</p>\n", encoding="utf-8")
    code, out, err = _run(capsys, "check", "--no-cache", str(tmp_path))
    assert code == 1 and "matches no check" not in err
    assert "NL201" in out and "NL104" not in out


def test_config_errors_name_the_file_and_key(tmp_path, capsys):
    config = tmp_path / ".newslint.yaml"
    (tmp_path / "a.txt").write_text("文章。\n", encoding="utf-8")
    cases = {
        "per-file-ignores:\n  old/*: [NL999]\n": "per-file-ignores.old/*: 'NL999' matches no check",
        "severity: {NL998: info}\n": "severity.NL998: 'NL998' matches no check",
        "ignore: [html-tags]\n": "ignore: 'html-tags' matches no check",
        "select: [NL9]\n": "select: 'NL9' matches no check",
        "extend-select: [nothing]\n": "extend-select: 'nothing' matches no check",
        "params:\n  NL997: {}\n": "params given for unknown check NL997",
        "packs: [missing-folder/]\n": "packs:",
    }
    for text, expected in cases.items():
        config.write_text(text, encoding="utf-8")
        code, _, err = _run(capsys, "check", "--no-cache", str(tmp_path / "a.txt"))
        assert code == 2, text
        assert f"{config}: " in err and expected in err, (text, err)
        assert "--ignore" not in err and "--select" not in err
    config.write_text("", encoding="utf-8")
    code, _, err = _run(capsys, "check", "--no-cache", "--ignore", "NL999", str(tmp_path / "a.txt"))
    assert code == 2 and "--ignore: 'NL999' matches no check" in err  # a flag's error names the flag


def test_severity_by_name_or_prefix_applies(tmp_path, capsys):
    (tmp_path / ".newslint.yaml").write_text("severity: {html-entity: error, NL2: info}\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("北京&nbsp;上海<p>x</p>\n", encoding="utf-8")
    _, out, _ = _run(capsys, "check", "--no-cache", "--format", "json", str(tmp_path / "a.txt"))
    levels = {f["code"]: f["severity"] for f in json.loads(out)}
    assert levels["NL104"] == "error" and levels["NL201"] == "info"


def test_explain_shows_parameters_and_defaults(capsys):
    _, out, _ = _run(capsys, "explain", "NL403")
    assert "## Parameters" in out
    assert "- `min_documents` (int): default `3`" in out


def test_show_settings_is_yaml_with_the_config_file_and_overrides(tmp_path, capsys):
    config = tmp_path / ".newslint.yaml"
    config.write_text(README_CONFIG, encoding="utf-8")
    code, out, _ = _run(capsys, "check", "--show-settings", "--extend-select", "NL403", str(tmp_path))
    assert code == 0
    shown = yaml.safe_load(out)
    assert shown["config-file"] == str(config)
    assert shown["select"] == ["NL1", "NL2"] and shown["ignore"] == ["NL104"]
    assert shown["severity"]["NL103"] == "info"
    assert shown["fail-on"] == "warning"
    assert any(c.startswith("NL403 ") for c in shown["checks"])
    assert not any(c.startswith("NL104 ") for c in shown["checks"])


def test_isolated_ignores_config_files(tmp_path, capsys):
    (tmp_path / ".newslint.yaml").write_text("select: [NL2]\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("北京&nbsp;上海<p>x</p>\n", encoding="utf-8")
    _, out, _ = _run(capsys, "check", "--no-cache", str(tmp_path / "a.txt"))
    assert "NL104" not in out
    _, out, _ = _run(capsys, "check", "--no-cache", "--isolated", str(tmp_path / "a.txt"))
    assert "NL104" in out and "NL201" in out
    _, out, _ = _run(capsys, "check", "--isolated", "--show-settings", str(tmp_path / "a.txt"))
    assert yaml.safe_load(out)["config-file"] is None


def test_jsonl_record_can_disable_checks_for_itself(tmp_path, capsys):
    data = tmp_path / "c.jsonl"
    rows = [
        {"text": "A&nbsp;B <p>x</p>", "newslint_disable": ["NL104"]},
        {"text": "C&nbsp;D <p>y</p>", "newslint_disable": True},
        {"text": "E&nbsp;F", "newslint_disable": "html-tag, NL9"},
        {"text": "G&nbsp;H"},
    ]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    _, out, _ = _run(capsys, "check", "--no-cache", "--output-format", "concise", str(data))
    found = {(m.group(1), m.group(2)) for m in re.finditer(r":(record \d+):\d+:\d+: (NL\d+)", out)}
    assert ("record 1", "NL201") in found and ("record 1", "NL104") not in found
    assert not any(r == "record 2" for r, _ in found)
    assert ("record 3", "NL104") in found
    assert ("record 4", "NL104") in found
    # the field's codes are checked like any other suppression: NL9 matches nothing
    assert ("record 3", "NL001") in found
    # fix keeps the field
    main(["fix", "--no-cache", str(data)])
    capsys.readouterr()
    assert [json.loads(x).get("newslint_disable") for x in data.read_text().splitlines()] == \
        [r.get("newslint_disable") for r in rows]


def test_unknown_codes_in_disable_comments_are_reported(tmp_path, capsys):
    pack = tmp_path / "mine.yml"
    pack.write_text(
        "checks:\n  - code: NL950\n    name: mysite-footer\n    kind: phrases\n    severity: warning\n"
        "    fix: none\n    message: 'footer'\n    summary: footer\n    enabled: false\n"
        "    params:\n      phrases: ['本文来自 mysite']\n", encoding="utf-8")
    page = tmp_path / "a.md"
    page.write_text(
        "# Title\n\n<!-- newslint: disable-next-line NL2O1, html-tag -->\n<p>x</p>\n"
        "<!-- newslint: disable mysite-footer NL950 -->\n", encoding="utf-8")
    code, out, _ = _run(capsys, "check", "--no-cache", "--output-format", "concise", "--pack", str(pack), str(page))
    lines = [line for line in out.splitlines() if "NL001" in line]
    assert lines == [f"{page}:3:34: NL001 NL2O1 in a newslint suppression comment matches no check"]
    assert "NL201" not in out  # the valid name still suppresses


def test_baseline_records_then_reports_only_new_findings(tmp_path, capsys):
    page = tmp_path / "a.txt"
    page.write_text("北京&nbsp;上海\n<p>旧</p>\n", encoding="utf-8")
    baseline = tmp_path / "newslint-baseline.json"
    code, out, err = _run(capsys, "check", "--no-cache", "--baseline", str(baseline), str(page))
    assert code == 0 and "All checks passed!" in out and "recorded 3 findings" in err
    recorded = json.loads(baseline.read_text(encoding="utf-8"))
    assert recorded["version"] == 1 and len(recorded["findings"]) == 3
    # lines added above: the same findings, shifted; still known
    page.write_text("新的第一行。\n\n北京&nbsp;上海\n<p>旧</p>\n", encoding="utf-8")
    code, out, err = _run(capsys, "check", "--no-cache", "--baseline", str(baseline), str(page))
    assert code == 0 and "NL104" not in out and "3 findings in the baseline" in err
    # a new finding is reported, the old ones are not
    page.write_text("新的&amp;第一行。\n\n北京&nbsp;上海\n<p>旧</p>\n", encoding="utf-8")
    code, out, _ = _run(capsys, "check", "--no-cache", "--baseline", str(baseline), "--output-format", "concise",
                        str(page))
    assert code == 1
    assert [line.split(": ", 1)[1] for line in out.splitlines() if ": NL" in line] == [
        'NL104 [*] HTML entity &amp; left in text ("&")']
    assert Path(baseline).read_text(encoding="utf-8") == baseline.read_text(encoding="utf-8")


def test_broken_baseline_is_an_error(tmp_path, capsys):
    baseline = tmp_path / "b.json"
    baseline.write_text("{not json", encoding="utf-8")
    (tmp_path / "a.txt").write_text("文章。\n", encoding="utf-8")
    code, _, err = _run(capsys, "check", "--no-cache", "--baseline", str(baseline), str(tmp_path / "a.txt"))
    assert code == 2 and f"--baseline {baseline}: not a newslint baseline file" in err
