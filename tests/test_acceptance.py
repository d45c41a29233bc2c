"""Issue-level acceptance through the real command line with every built-in pack: what a user sees
when running ``newslint check`` / ``newslint fix`` on the seeds and the shared corpus."""

from __future__ import annotations

import json
import re
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import SEEDS, seed

from newslint.cli import main

# The checks of the foundation issue (NL105/NL106 are script checks with unsafe fixes, issue 3).
FOUNDATION = "NL101,NL102,NL103,NL104,NL2"


def findings(capsys, *args: str) -> tuple[int, dict[str, set[str]]]:
    """Run ``check --format json`` and return the exit code and the codes found per file name."""
    code = main(["check", "--format", "json", "--no-cache", *args])
    out = capsys.readouterr().out
    per_file: dict[str, set[str]] = defaultdict(set)
    for item in json.loads(out or "[]"):
        per_file[Path(item["filename"]).name].add(item["code"])
    return code, per_file


def test_seeds_foundation_findings(capsys) -> None:
    code, found = findings(capsys, str(SEEDS), "--select", FOUNDATION)
    assert code == 1
    assert {"NL201", "NL202", "NL203", "NL104"} <= found[seed(1).name]
    assert "NL201" in found[seed(4).name]
    for name, codes in found.items():
        assert not codes & {"NL101", "NL102"}, name
    for number in (0, 2, 3):
        assert not found[seed(number).name] & {"NL104", "NL201", "NL202", "NL203"}


def test_sogouc_files_are_not_utf8_and_damage_is_reported(capsys, shared_corpus: Path) -> None:
    folder = shared_corpus / "sogouc-reduced-gbk-finance" / "C000008"
    code, found = findings(capsys, str(folder), "--select", "NL102,NL103")
    files = sorted(p.name for p in folder.glob("*.txt"))
    assert files and all("NL102" in found[name] for name in files)
    assert "NL103" in found["111.txt"]
    assert code == 1


def _paragraph_texts(html_body: str) -> list[str]:
    """The visible text of each <p> of a seed (tags dropped, whitespace trimmed)."""
    out = []
    for raw in re.findall(r"<p[^>]*>(.*?)</p>", html_body, re.S):
        text = re.sub(r"<[^>]+>", "", raw).strip()
        if re.search(r"[\u4e00-\u9fff]", text):
            out.append(text)
    return out


def test_fix_seeds_then_check_is_clean_and_keeps_the_articles(tmp_path: Path, capsys) -> None:
    work = tmp_path / "seeds"
    shutil.copytree(SEEDS, work)
    originals = {p.name: p.read_text(encoding="utf-8") for p in work.iterdir()}
    assert main(["fix", str(work), "--select", FOUNDATION, "--no-cache"]) in (0, 1)
    capsys.readouterr()
    code, found = findings(capsys, str(work), "--select", FOUNDATION)
    assert not any(found.values()), dict(found)
    assert code == 0
    for number in (1, 4):
        name = seed(number).name
        before, after = originals[name], (work / name).read_text(encoding="utf-8")
        front = re.match(r"\A\s*---\n.*?\n---\n", before, re.S)
        assert front and after.startswith(front.group(0)), "front matter changed"
        for paragraph in _paragraph_texts(before[front.end():]):
            assert paragraph in after, paragraph[:40]
    snapshot = {p.name: p.read_bytes() for p in work.iterdir()}
    assert main(["fix", str(work), "--select", FOUNDATION, "--no-cache"]) == 0
    capsys.readouterr()
    assert {p.name: p.read_bytes() for p in work.iterdir()} == snapshot


def test_fix_with_every_check_converges_and_is_idempotent(tmp_path: Path, capsys, shared_corpus: Path) -> None:
    work = tmp_path / "mixed"
    shutil.copytree(SEEDS, work / "seeds")
    shutil.copytree(shared_corpus / "sina-finance-hexo-rsshub-page", work / "sina")
    shutil.copytree(shared_corpus / "eastmoney-jekyll-finews", work / "eastmoney")
    main(["fix", "--unsafe-fixes", "--no-cache", str(work)])
    out = capsys.readouterr().out
    assert "did not converge" not in out
    snapshot = {p: p.read_bytes() for p in work.rglob("*") if p.is_file()}
    main(["fix", "--unsafe-fixes", "--no-cache", str(work)])
    capsys.readouterr()
    assert {p: p.read_bytes() for p in work.rglob("*") if p.is_file()} == snapshot


def test_jobs_do_not_change_the_output(capsys, shared_corpus: Path) -> None:
    args = ["check", "--format", "json", "--no-cache", str(SEEDS), str(shared_corpus)]
    main([*args, "--jobs", "1"])
    one = capsys.readouterr().out
    main([*args, "--jobs", "2"])
    two = capsys.readouterr().out
    assert one == two and json.loads(one)


@pytest.mark.parametrize("fmt", ["text", "json", "jsonl", "sarif", "github"])
def test_every_format_renders_the_seeds(capsys, fmt: str) -> None:
    assert main(["check", "--no-cache", "--format", fmt, str(SEEDS)]) == 1
    assert capsys.readouterr().out.strip()
