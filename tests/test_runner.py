"""The runner: large JSONL files read in slices keep exact record numbers; jobs don't change output;
the result cache is used on a second run and survives corruption."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newslint import runner
from newslint.cli import main


@pytest.fixture
def big_jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.jsonl"
    lines = []
    for number in range(1, 401):
        if number == 377:
            lines.append("{not json")
            continue
        text = f"第{number}条新闻正文，记者报道。" + ("<b>加粗</b>" if number % 97 == 0 else "")
        lines.append(json.dumps({"id": number, "text": text}, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def findings(capsys, *args: str) -> tuple[int, list[dict], str]:
    code = main(["check", "--format", "json", "--select", "NL201", *args])
    out, err = capsys.readouterr()
    return code, json.loads(out or "[]"), err


def test_slices_keep_record_numbers(big_jsonl: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(runner, "JSONL_CHUNK_BYTES", 2048)  # ~10 slices
    tasks = runner.plan_tasks(runner.RunRequest(paths=[str(big_jsonl)], settings=runner.Settings(), specs=[]))
    assert len(tasks) > 5
    for jobs in ("1", "2"):
        code, found, err = findings(capsys, "--no-cache", "--jobs", jobs, str(big_jsonl))
        assert code == 2  # the malformed line
        assert [f["record"] for f in found] == [97, 97, 194, 194, 291, 291, 388, 388]  # <b> and </b>
        assert "record 377" in err and "malformed JSON" in err


def test_second_run_uses_the_cache_and_a_corrupt_cache_is_ignored(tmp_path: Path, capsys) -> None:
    cache = tmp_path / "cache"
    post = tmp_path / "a.md"
    post.write_text("<b>北京</b>\n", encoding="utf-8")
    first = findings(capsys, "--cache-dir", str(cache), str(post))
    entries = [p for p in cache.rglob("*") if p.is_file() and p.name != "CACHEDIR.TAG"]
    assert len(entries) == 1
    assert findings(capsys, "--cache-dir", str(cache), str(post)) == first
    entries[0].write_bytes(b"garbage")
    assert findings(capsys, "--cache-dir", str(cache), str(post)) == first
    post.write_text("北京\n", encoding="utf-8")  # new content, new key
    assert findings(capsys, "--cache-dir", str(cache), str(post))[1] == []


def test_unchanged_run_reuses_the_corpus_reduce(tmp_path: Path, capsys) -> None:
    cache = tmp_path / "cache"
    article = "　　国家统计局今日发布数据，一季度国内生产总值同比增长百分之五点三，就业形势总体稳定。\n"
    for name in ("a", "b"):
        (tmp_path / f"{name}.md").write_text(article, encoding="utf-8")
    args = ["check", "--format", "json", "--select", "NL501", "--cache-dir", str(cache), str(tmp_path)]
    main(args)
    first = capsys.readouterr().out
    assert len(json.loads(first)) == 1
    assert list(cache.rglob("reduce-*"))
    main(args)
    assert capsys.readouterr().out == first
    manifests = list(cache.rglob("run-*"))  # the whole unchanged run, read back as one entry
    assert len(manifests) == 1
    manifests[0].write_bytes(b"garbage")
    main(args)
    assert capsys.readouterr().out == first  # a corrupt entry is a miss
    (tmp_path / "b.md").write_text(article.replace("五点三", "四点八"), encoding="utf-8")
    main(args)
    assert json.loads(capsys.readouterr().out) == []  # a changed file: the reduce runs again
