"""The engine: large JSONL files read in slices keep exact record numbers; jobs don't change output;
the result cache is used on a second run and survives corruption."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newslint.cli import main
from newslint.config import Settings
from newslint.engine import plan, runcache, worker
from newslint.engine.request import RunRequest


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
    monkeypatch.setattr(plan, "JSONL_CHUNK_BYTES", 2048)  # ~10 slices
    tasks = plan.plan_tasks(RunRequest(paths=[str(big_jsonl)], settings=Settings(), specs=[]))
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
    entries = [p for p in cache.rglob("*") if p.is_file() and p.name not in ("CACHEDIR.TAG", ".gitignore")]
    assert len(entries) == 1
    assert findings(capsys, "--cache-dir", str(cache), str(post)) == first
    entries[0].write_bytes(b"garbage")
    code, found, err = findings(capsys, "--cache-dir", str(cache), str(post))
    assert (code, found) == first[:2] and "ignoring a cache entry" in err and err.count("\n") == 1
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


def _tree(root: Path) -> list[Path]:
    """Files with findings in several tasks, discovered out of report order (a/z.md before a/b/c.md)."""
    texts = {
        "a/z.md": "<b>北京</b>\n",
        "a/b/c.md": "正文<i>上海</i>。\n",
        "a/b/d.txt": "干净的正文。\n",
        "a/e.html": "<p>广州</p>\n",
        "f.md": "<b>深圳</b> 和 <b>天津</b>\n",
    }
    paths = []
    for name, text in texts.items():
        path = root / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def _counting_reads(monkeypatch) -> list[str]:
    reads: list[str] = []
    real = worker.read_signed

    def read_signed(path: Path):
        reads.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(worker, "read_signed", read_signed)  # a task reads its file
    monkeypatch.setattr(runcache, "read_signed", read_signed)  # the cache lookup hashes it
    return reads


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_warm_run_report_is_identical(tmp_path: Path, capsys, fmt: str) -> None:
    _tree(tmp_path)
    args = ["check", "--format", fmt, "--select", "NL201,NL501", "--exit-zero", str(tmp_path / "docs")]
    main([*args, "--no-cache"])
    expected = capsys.readouterr().out
    assert expected.count("NL201") >= 5
    for _ in range(3):  # cold, warm (whole-run entry and cached reduce), warm
        main([*args, "--cache-dir", str(tmp_path / "cache")])
        assert capsys.readouterr().out == expected


def test_stat_matched_files_are_not_read_again(tmp_path: Path, capsys, monkeypatch) -> None:
    from newslint import cache

    monkeypatch.setattr(cache, "RACY_NS", 0)  # the files were just written: trust them at once
    paths = _tree(tmp_path)
    args = ["--cache-dir", str(tmp_path / "cache"), str(tmp_path / "docs")]
    first = findings(capsys, *args)
    assert list((tmp_path / "cache").rglob("stat-*"))
    reads = _counting_reads(monkeypatch)
    assert findings(capsys, *args) == first
    assert reads == []  # every file stat-matched: none read, none hashed
    paths[0].touch()  # a new mtime: read and hashed again, still a hit by content
    assert findings(capsys, *args) == first
    assert reads == ["z.md"]


def test_a_file_rewritten_with_the_same_size_and_mtime_is_checked_again(tmp_path: Path, capsys, monkeypatch) -> None:
    import os

    from newslint import cache

    monkeypatch.setattr(cache, "RACY_NS", 0)
    post = _tree(tmp_path)[0]  # a/z.md: <b>北京</b>
    args = ["--cache-dir", str(tmp_path / "cache"), str(tmp_path / "docs")]
    first = findings(capsys, *args)[1]
    assert any(f["filename"].endswith("z.md") for f in first)
    before = post.stat()
    post.write_text("abcdefg北京\n", encoding="utf-8")  # same size, same inode
    os.utime(post, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the old mtime
    after = post.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)
    second = findings(capsys, *args)[1]  # only the ctime tells: the file is hashed again
    assert not any(f["filename"].endswith("z.md") for f in second)
    assert second == [f for f in first if not f["filename"].endswith("z.md")]


def test_recently_changed_files_are_hashed_on_every_run(tmp_path: Path, capsys, monkeypatch) -> None:
    _tree(tmp_path)  # changed within cache.RACY_NS of the runs: "racy", their signatures not trusted
    args = ["--cache-dir", str(tmp_path / "cache"), str(tmp_path / "docs")]
    first = findings(capsys, *args)
    reads = _counting_reads(monkeypatch)
    assert findings(capsys, *args) == first
    assert sorted(reads) == ["c.md", "d.txt", "e.html", "f.md", "z.md"]


def test_corrupt_warm_run_entries_are_misses(tmp_path: Path, capsys, monkeypatch) -> None:
    from newslint import cache

    monkeypatch.setattr(cache, "RACY_NS", 0)
    _tree(tmp_path)
    args = ["check", "--format", "json", "--select", "NL201,NL501", "--exit-zero", "--cache-dir",
            str(tmp_path / "cache"), str(tmp_path / "docs")]
    main(args)
    expected = capsys.readouterr().out
    for pattern in ("reduce-*", "stat-*", "maps-*", "run-*"):  # reduce first: then the maps are read
        entries = list((tmp_path / "cache").rglob(pattern))
        assert len(entries) == 1, pattern
        entries[0].write_bytes(b"garbage")
        main(args)
        assert capsys.readouterr().out == expected, pattern
        entries[0].write_bytes(b"garbage")  # the run rewrote it; corrupt again, with the next one too
    main(args)
    assert capsys.readouterr().out == expected
    main([*args, "--no-cache"])
    assert capsys.readouterr().out == expected


def _counting_map_checks(monkeypatch) -> list[int]:
    checked: list[int] = []
    real = runcache.valid_maps

    def valid_maps(refs, buckets) -> bool:
        checked.append(len(buckets))
        return real(refs, buckets)

    monkeypatch.setattr(runcache, "valid_maps", valid_maps)
    return checked


def test_a_warm_run_decodes_cached_map_outputs_only_when_the_reduce_needs_them(tmp_path: Path, capsys,
                                                                               monkeypatch) -> None:
    """One file, a cached reduce: its per-file entry's map outputs are not decoded (decoding a names
    summary imports the names analysis). Without the cached reduce they are validated, as before."""
    cache = tmp_path / "cache"
    post = tmp_path / "a.md"
    post.write_text("Wang Wei met Li Ming in Xiongan New Area.\n<b>北京</b>\n", encoding="utf-8")
    args = ["check", "--format", "json", "--select", "NL201,NL602", "--cache-dir", str(cache), str(post)]
    main(args)
    first = capsys.readouterr().out
    checked = _counting_map_checks(monkeypatch)
    main(args)
    assert capsys.readouterr().out == first and checked == []
    for reduce in cache.rglob("reduce-*"):
        reduce.unlink()
    main(args)
    assert capsys.readouterr().out == first and checked == [1]  # NL602's bucket, decoded and checked
