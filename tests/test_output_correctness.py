"""Small correctness items of issue 17 (item 5): each test fails without its change."""

from __future__ import annotations

import json
import subprocess

from newslint.cli import main


def test_missing_final_newline_stays_missing_after_fix(tmp_path, capsys):
    page = tmp_path / "a.txt"
    page.write_bytes("Hello&nbsp;world. This is an article about things.\n\n责任编辑：张三".encode())
    assert main(["fix", "--no-cache", str(page)]) == 0
    text = page.read_text(encoding="utf-8")
    assert "&nbsp;" not in text and "责任编辑" not in text
    assert not text.endswith("\n")
    jsonl = tmp_path / "r.jsonl"
    jsonl.write_text(json.dumps({"text": "正文。\n\n责任编辑：张三"}, ensure_ascii=False) + "\n", encoding="utf-8")
    main(["fix", "--no-cache", str(jsonl)])
    assert json.loads(jsonl.read_text(encoding="utf-8"))["text"] == "正文。"


def test_a_present_final_newline_is_kept(tmp_path):
    page = tmp_path / "a.txt"
    page.write_text("Hello&nbsp;world.\n", encoding="utf-8")
    main(["fix", "--no-cache", str(page)])
    assert page.read_text(encoding="utf-8") == "Hello world.\n"


def test_no_files_is_a_warning_not_all_checks_passed(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.bin").write_bytes(b"x")
    assert main(["check", "--no-cache", str(tmp_path / "empty")]) == 0
    out, _ = capsys.readouterr()
    assert "All checks passed!" not in out
    assert f"warning: No files to check under {tmp_path / 'empty'}." in out
    assert main(["check", "--no-cache", "--format", "json", str(tmp_path / "empty")]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == "[]" and "No files to check under" in err


def test_cache_and_index_folders_ignore_themselves_in_git(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "a.txt").write_text("北京&nbsp;上海\n", encoding="utf-8")
    (repo / "b.txt").write_text("另一篇文章。\n", encoding="utf-8")
    monkeypatch.chdir(repo)
    monkeypatch.delenv("NEWSLINT_CACHE_DIR")
    main(["check", "--index", ".newslint/corpus.index", "a.txt", "b.txt"])
    assert (repo / ".newslint_cache" / ".gitignore").read_text(encoding="ascii").splitlines()[-1] == "*"
    assert (repo / ".newslint" / ".gitignore").exists()
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=repo, check=True,
                            capture_output=True, text=True).stdout
    assert ".newslint" not in status and "a.txt" in status


def test_an_existing_index_folder_gets_no_gitignore(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    (tmp_path / "a.txt").write_text("文章。\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    main(["check", "--no-cache", "--index", "data/corpus.index", "a.txt"])
    assert (tmp_path / "data" / "corpus.index").exists()
    assert not (tmp_path / "data" / ".gitignore").exists()  # the user's folder: not ours to ignore


def test_broken_front_matter_is_a_finding(tmp_path, capsys):
    bad = tmp_path / "bad.md"
    bad.write_text("---\ntitle: 北京: 新政策出台\ndate: 2021-09-15\n---\n正文。\n", encoding="utf-8")
    unclosed = tmp_path / "unclosed.md"
    unclosed.write_text("---\ntitle: 标题\ndate: 2021-09-15\n正文第一段。\n", encoding="utf-8")
    good = tmp_path / "good.md"
    good.write_text("---\ntitle: \"北京: 新政策出台\"\n---\n正文。\n", encoding="utf-8")
    assert main(["check", "--no-cache", "--select", "NL204", str(tmp_path)]) == 1
    out, _ = capsys.readouterr()
    assert f"{bad}:2:1: NL204 Broken front matter: not valid YAML" in out
    assert f"{unclosed}:1:1: NL204 Broken front matter: the opening --- line is never closed" in out
    assert str(good) not in out


def test_findings_after_fix_carry_post_fix_positions(tmp_path, capsys):
    page = tmp_path / "a.txt"
    # two lines removed by safe fixes above a finding that has no safe fix (NL105 is unsafe)
    page.write_text("<div>\n</div>\n<p></p>\nThe market rose today，and fell later.\n", encoding="utf-8")
    main(["fix", "--no-cache", str(page)])
    out, _ = capsys.readouterr()
    text = page.read_text(encoding="utf-8")
    line = next(n for n, t in enumerate(text.split("\n"), 1) if "，" in t)
    column = text.split("\n")[line - 1].index("，") + 1
    assert f"{page}:{line}:{column}: NL105" in out
