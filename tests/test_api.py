"""The Python API: the README's examples run as they are, and the API gives the command line's
answers (same findings, same JSON objects, same fixes)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import newslint
from newslint.cli import main
from newslint.registry import PackError

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def readme_examples() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Python API\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def _needs(block: str) -> list[str]:
    return [m for m in ("pandas", "datasets", "ray") if re.search(rf"^import {m}\b", block, re.M)]


EXAMPLES = readme_examples()


def test_the_readme_has_its_examples() -> None:
    needs = [_needs(block) for block in EXAMPLES]
    assert len(EXAMPLES) >= 5 and ["pandas"] in needs and ["datasets"] in needs and ["ray"] in needs


@pytest.mark.parametrize("n", range(len(EXAMPLES)))
def test_readme_example_runs(n: int) -> None:
    block = EXAMPLES[n]
    needs = _needs(block)
    if "ray" in needs:
        pytest.skip("run by tests/test_ray.py (it starts Ray once)")
    for module in needs:
        pytest.importorskip(module)
    exec(compile(block, f"README.md python example {n + 1}", "exec"), {})


def test_import_newslint_stays_light() -> None:
    code = "import sys, newslint; print(sorted(m for m in sys.modules if m.startswith('newslint')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['newslint']"  # the API is imported on first use, not by the CLI's `import newslint`


def test_findings_and_json_are_the_command_line_s(tmp_path: Path, capsys) -> None:
    linter = newslint.Linter()
    files = sorted(SEEDS.glob("*"))[:40]
    assert files
    for path in files:
        if path.suffix.lower() in (".jsonl", ".ndjson") or not path.is_file():
            continue
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue
        if "\r" in text:
            continue
        main(["check", "--isolated", "--no-cache", "--format", "json", "--exit-zero", str(path)])
        expected = json.loads(capsys.readouterr().out)
        got = json.loads(newslint.to_json(linter.check_text(text, path=str(path))))
        assert got == expected, path


def test_fix_text_is_what_fix_writes(tmp_path: Path, capsys) -> None:
    linter = newslint.Linter(select=["NL2", "NL4"])
    text = "<p>北京报道</p>\n\n正文第一段。\n\n正文第一段。\n\n责任编辑：张三\n"
    path = tmp_path / "a.txt"
    path.write_text(text, encoding="utf-8")
    main(["fix", "--isolated", "--no-cache", "--select", "NL2,NL4", "--exit-zero", str(path)])
    capsys.readouterr()
    result = linter.fix_text(text, path=str(path))
    assert result.changed and result.text == path.read_text(encoding="utf-8")
    assert linter.check_text(result.text) == result.remaining == []


def test_fix_text_keeps_front_matter_and_format() -> None:
    linter = newslint.Linter(select=["NL201"])
    text = "---\ntitle: <b>标题</b>\n---\n<b>正文</b>\n"
    result = linter.fix_text(text, path="post.md")
    assert result.text == "---\ntitle: <b>标题</b>\n---\n正文\n"


def test_a_linter_is_reused_and_honours_selection_and_config(tmp_path: Path) -> None:
    config = tmp_path / ".newslint.yaml"
    config.write_text("select: [NL201]\nper-file-ignores:\n  'skip/*': [NL201]\n", encoding="utf-8")
    linter = newslint.Linter(config=config)
    assert linter.codes == ["NL201"]
    assert [f.code for f in linter.check_text("<b>x</b>", path="a.txt")] == ["NL201", "NL201"]
    assert linter.check_text("<b>x</b>", path="skip/a.txt") == []
    assert newslint.Linter(select=["NL201"], ignore=["html-tag"]).codes == []
    with pytest.raises(PackError):
        newslint.Linter(select=["NL999"])


def test_check_corpus_matches_the_command_line(tmp_path: Path, capsys) -> None:
    article = "今天北京天气很好，阳光明媚，适合出游。记者从有关部门获悉，本周气温回升。" * 3
    other = "另一篇完全不同的文章，讲述经济新闻，股市今日上涨。" * 3
    texts = [article, other, article, other + "。", "第三篇"]
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts), encoding="utf-8")
    main(["check", "--isolated", "--no-cache", "--format", "json", "--select", "NL501,NL502", "--exit-zero",
          str(path)])
    cli = [(f["code"], f["record"], f["message"].replace(path.as_posix(), "<corpus>")) for f in
           json.loads(capsys.readouterr().out)]
    api = [(f.code, f.record, f.message) for f in
           newslint.Linter(select=["NL501", "NL502"]).check_corpus(texts)]
    assert api == cli and api


def test_batch_columns_hold_the_json_objects() -> None:
    linter = newslint.Linter(select=["NL201"])
    columns = linter.batch_function()({"text": ["<b>x</b>", None], "id": [1, 2]})
    assert columns["id"] == [1, 2] and columns["newslint_count"] == [2, 0]
    assert [o["code"] for o in json.loads(columns["newslint_findings"][0])] == ["NL201", "NL201"]
    assert columns["newslint_codes"] == [["NL201", "NL201"], []]


def test_fix_text_never_changes_the_format(tmp_path: Path, capsys) -> None:
    text = "<b></b>---\ntitle: a\n---\n正文\n"  # fixed, it would start with front matter: Markdown
    result = newslint.Linter(select=["NL201"]).fix_text(text, path="a.txt")
    assert not result.changed and result.problem and [f.code for f in result.remaining] == ["NL201"]
    path = tmp_path / "a.txt"
    path.write_text(text, encoding="utf-8")
    main(["fix", "--isolated", "--no-cache", "--select", "NL201", str(path)])
    capsys.readouterr()
    assert path.read_text(encoding="utf-8") == text  # what `fix` does with the file
