"""The command line end to end, on temp files, with a small pack written here (engine behaviour,
independent of the built-in checks)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from newslint.cli import main

PACK = """
checks:
  - code: NL951
    name: bold-tag
    kind: pattern
    severity: error
    fix: safe
    message: "bold tag around {inner}"
    params:
      pattern: '<b>(?P<inner>[^<]*)</b>'
      replacement: '\\g<inner>'
  - code: NL952
    name: app-promo
    kind: phrases
    severity: info
    fix: unsafe
    message: "app promo: {match}"
    params:
      phrases: ["尽在新浪财经APP"]
      whole_line: true
      replacement: ""
"""


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    path = tmp_path / "packs" / "test.yml"
    path.parent.mkdir()
    path.write_text(PACK, encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def only(pack: Path) -> list[str]:
    return ["--pack", str(pack), "--select", "NL95"]


def test_check_reports_located_findings_and_exit_1(tmp_path: Path, pack: Path, capsys) -> None:
    post = tmp_path / "post.md"
    post.write_text("第一行\n首先<b>老百姓</b>涨停\n海量资讯、精准解读，尽在新浪财经APP\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", str(post), *only(pack))
    assert code == 1
    lines = out.splitlines()
    assert f"{post.as_posix()}:2:3: NL951 [*] bold tag around 老百姓" in lines
    assert any(line.startswith(f"{post.as_posix()}:3:1: NL952 app promo") for line in lines)
    # The unsafe fix is not offered without --unsafe-fixes.
    assert not any("NL952 [*]" in line for line in lines)


def test_fail_on_and_exit_zero(tmp_path: Path, pack: Path, capsys) -> None:
    post = tmp_path / "a.txt"
    post.write_text("尽在新浪财经APP\n", encoding="utf-8")
    assert run(capsys, "check", str(post), *only(pack))[0] == 1
    assert run(capsys, "check", str(post), *only(pack), "--fail-on", "error")[0] == 0
    post.write_text("<b>x</b>\n", encoding="utf-8")
    assert run(capsys, "check", str(post), *only(pack), "--exit-zero")[0] == 0


def test_fix_preserves_crlf_trailing_newline_and_mode(tmp_path: Path, pack: Path, capsys) -> None:
    post = tmp_path / "crlf.txt"
    post.write_bytes("标题\r\n首先<b>老百姓</b>涨停\r\n结尾\r\n".encode())
    os.chmod(post, 0o640)
    code, out, _ = run(capsys, "fix", str(post), *only(pack))
    assert code == 0, out
    assert post.read_bytes() == "标题\r\n首先老百姓涨停\r\n结尾\r\n".encode()
    assert stat.S_IMODE(post.stat().st_mode) == 0o640
    assert "Fixed 1" in out
    before = post.read_bytes()
    assert run(capsys, "fix", str(post), *only(pack))[0] == 0
    assert post.read_bytes() == before
    assert not list(tmp_path.glob("*.newslint-tmp"))


def test_unsafe_fixes_need_the_flag(tmp_path: Path, pack: Path, capsys) -> None:
    post = tmp_path / "a.txt"
    post.write_text("正文。\n海量资讯、精准解读，尽在新浪财经APP\n结束\n", encoding="utf-8")
    assert run(capsys, "fix", str(post), *only(pack))[0] == 1  # the info finding remains
    assert "尽在新浪财经APP" in post.read_text(encoding="utf-8")
    assert run(capsys, "fix", str(post), *only(pack), "--unsafe-fixes")[0] == 0
    assert post.read_text(encoding="utf-8") == "正文。\n结束\n"


def test_diff_writes_nothing(tmp_path: Path, pack: Path, capsys) -> None:
    post = tmp_path / "a.txt"
    post.write_text("<b>北京</b>\n", encoding="utf-8")
    code, out, _ = run(capsys, "fix", "--diff", str(post), *only(pack))
    assert code == 1
    assert "-<b>北京</b>\n+北京\n" in out
    assert post.read_text(encoding="utf-8") == "<b>北京</b>\n"


def test_gbk_file_keeps_its_encoding_when_fixed(tmp_path: Path, pack: Path, capsys) -> None:
    post = tmp_path / "gbk.txt"
    body = "　　国家统计局今日发布数据，<b>一季度</b>国内生产总值同比增长。\r\n" * 3
    post.write_bytes(body.encode("gbk"))
    assert run(capsys, "fix", str(post), *only(pack))[0] == 0
    assert post.read_bytes() == body.replace("<b>", "").replace("</b>", "").encode("gbk")


def test_unreadable_inputs_exit_2_but_others_are_checked(tmp_path: Path, pack: Path, capsys) -> None:
    good = tmp_path / "good.txt"
    good.write_text("<b>x</b>\n", encoding="utf-8")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00" + bytes(range(256)))
    code, out, err = run(capsys, "check", str(tmp_path / "missing.txt"), str(binary), str(good), *only(pack))
    assert code == 2
    text = out + err
    assert "missing.txt" in text and "no such file" in text
    assert "image.txt" in text and "binary" in text
    assert "NL951" in out
    # A binary file alone is skipped with a message, not an error.
    assert run(capsys, "check", str(binary), *only(pack))[0] == 0


def test_bad_pack_exits_2_naming_file_and_check(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("checks:\n  - code: NL960\n    name: x\n    kind: pattern\n    message: m\n"
                   "    params: {pattern: '(unclosed'}\n", encoding="utf-8")
    post = tmp_path / "a.txt"
    post.write_text("x\n", encoding="utf-8")
    code, _, err = run(capsys, "check", str(post), "--pack", str(bad))
    assert code == 2
    assert str(bad) in err and "NL960" in err and "bad regex" in err


def test_jsonl_records_are_located_and_fixed_in_place(tmp_path: Path, pack: Path, capsys) -> None:
    corpus = tmp_path / "corpus.jsonl"
    lines = [
        json.dumps({"id": 1, "text": "干净的正文。"}, ensure_ascii=False),
        json.dumps({"id": 2, "title": "<b>t</b>", "text": "第一段\n首先<b>老百姓</b>涨停"}, ensure_ascii=False),
        "{broken json",
        json.dumps({"id": 4, "text": "line\u2028sep <b>x</b>"}, ensure_ascii=False),
    ]
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", str(corpus), *only(pack))
    assert code == 2  # the malformed line
    assert f"{corpus.as_posix()}:record 2:2:3: NL951 [*] bold tag around 老百姓" in out
    assert "record 3" in out and "malformed JSON" in out
    assert "<b>t</b>" not in out.split("NL951")[0]  # title is not a text field by default
    run(capsys, "fix", str(corpus), *only(pack))
    fixed = corpus.read_text(encoding="utf-8").split("\n")
    assert fixed[0] == lines[0] and fixed[2] == "{broken json"
    assert json.loads(fixed[1]) == {"id": 2, "title": "<b>t</b>", "text": "第一段\n首先老百姓涨停"}
    assert json.loads(fixed[3])["text"] == "line\u2028sep x"


def test_config_per_file_ignores_and_fields(tmp_path: Path, pack: Path, capsys) -> None:
    (tmp_path / ".newslint.yaml").write_text(
        f"packs: [{pack.parent.name}]\nselect: [NL95]\nper-file-ignores:\n  old_post/*: [bold-tag]\n"
        "jsonl:\n  extra-fields: [title]\n",
        encoding="utf-8",
    )
    (tmp_path / "old_post").mkdir()
    (tmp_path / "old_post" / "a.md").write_text("<b>x</b>\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("<b>y</b>\n", encoding="utf-8")
    (tmp_path / "c.jsonl").write_text('{"title": "<b>z</b>", "text": "ok"}\n', encoding="utf-8")
    code, out, _ = run(capsys, "check", str(tmp_path))
    assert code == 1
    assert "b.md:1:1: NL951" in out
    assert "old_post" not in out
    assert "c.jsonl:record 1:1:1: NL951" in out


def test_stdin_check_and_fix(pack: Path, capsys, monkeypatch) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("<b>北京</b>\n".encode())))
    code, out, _ = run(capsys, "check", "-", "--stdin-filename", "post.md", *only(pack))
    assert code == 1 and "post.md:1:1: NL951" in out
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("<b>北京</b>\n".encode())))
    code, out, err = run(capsys, "fix", "-", *only(pack))
    assert out == "北京\n"


def test_statistics_and_output_file(tmp_path: Path, pack: Path, capsys) -> None:
    post = tmp_path / "a.txt"
    post.write_text("<b>a</b><b>b</b>\n尽在新浪财经APP\n", encoding="utf-8")
    report = tmp_path / "report.json"
    code, out, _ = run(capsys, "check", str(post), *only(pack), "--format", "json", "--output-file", str(report))
    assert code == 1 and out == ""
    data = json.loads(report.read_text(encoding="utf-8"))
    assert sorted(item["code"] for item in data) == ["NL951", "NL951", "NL952"]
    code, out, _ = run(capsys, "check", str(post), *only(pack), "--statistics")
    assert "NL951" in out and "2" in out.split("NL951")[0]


def test_selection_errors_are_usage_errors(tmp_path: Path, pack: Path, capsys) -> None:
    code, _, err = run(capsys, "check", str(tmp_path), "--pack", str(pack), "--select", "NL7")
    assert code == 2 and "matches no check" in err


def test_console_script_runs(tmp_path: Path, pack: Path) -> None:
    post = tmp_path / "a.txt"
    post.write_text("<b>x</b>\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "newslint", "check", str(post), *only(pack)],
        capture_output=True, text=True, encoding="utf-8",
    )
    assert proc.returncode == 1
    assert "NL951" in proc.stdout
