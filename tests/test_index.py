"""``--index``: corpus checks compare new files with documents of earlier runs (pre-commit batches)."""

from __future__ import annotations

import json
from pathlib import Path

from newslint.cli import main

ARTICLE = (
    "　　国家统计局今日发布数据，一季度国内生产总值同比增长百分之五点三，比上年四季度环比增长一点六个百分点。"
    "消费对经济增长的贡献率继续提高，服务业增加值占比进一步上升，就业形势总体稳定。\n"
)
OTHER = (
    "　　上海市统计局发布，前五个月全市房地产开发投资同比下降，其中住宅投资降幅收窄，"
    "新建商品房销售面积与去年同期基本持平，二手房成交保持活跃。\n"
)


def check(capsys, index: Path, *files: Path) -> list[dict]:
    code = main(["check", "--format", "json", "--no-cache", "--select", "NL501", "--index", str(index),
                 *map(str, files)])
    assert code in (0, 1)
    return json.loads(capsys.readouterr().out or "[]")


def test_batches_are_compared_with_the_index(tmp_path: Path, capsys) -> None:
    a, b, c = (tmp_path / f"{n}.txt" for n in "abc")
    a.write_text(ARTICLE, encoding="utf-8")
    b.write_text("\n" + ARTICLE, encoding="utf-8")  # the same body, saved again
    c.write_text(OTHER, encoding="utf-8")
    index = tmp_path / "cache" / "corpus.index"
    index.parent.mkdir()  # newslint makes missing folders only inside the project (here: the working directory)
    assert check(capsys, index, a) == []
    assert index.is_file()
    (found,) = check(capsys, index, b)  # a second batch: b alone, compared with a from the index
    assert found["filename"].endswith("b.txt") and "a.txt" in found["message"]
    assert check(capsys, index, c) == []
    # a is rewritten: the index entry for it is replaced, so b is no longer a copy.
    a.write_text(OTHER.replace("上海", "北京"), encoding="utf-8")
    assert check(capsys, index, a) == []
    assert check(capsys, index, b) == []


def test_vanished_files_leave_the_index_and_a_corrupt_index_is_ignored(tmp_path: Path, capsys) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(ARTICLE, encoding="utf-8")
    b.write_text(ARTICLE, encoding="utf-8")
    index = tmp_path / "corpus.index"
    check(capsys, index, a)
    a.unlink()
    assert check(capsys, index, b) == []  # a is gone: nothing to be a copy of
    index.write_bytes(index.read_bytes()[:40])  # a truncated index: ignored (one line) and rebuilt
    assert main(["check", "--format", "json", "--no-cache", "--select", "NL501", "--index", str(index), str(b)]) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "ignoring the corpus index" in err
    b2 = tmp_path / "b2.txt"
    b2.write_text(ARTICLE, encoding="utf-8")
    assert len(check(capsys, index, b2)) == 1  # the rebuilt index still works


def test_fix_drops_duplicate_jsonl_records_into_a_sidecar(tmp_path: Path, capsys) -> None:
    corpus = tmp_path / "corpus.jsonl"
    rows = [
        {"id": 1, "text": ARTICLE},
        {"id": 2, "text": OTHER},
        {"id": 3, "text": "<p>" + ARTICLE + "</p>"},  # the same article with markup
        {"id": 4, "text": ARTICLE},
    ]
    lines = [json.dumps(r, ensure_ascii=False) + "\n" for r in rows]
    corpus.write_text("".join(lines), encoding="utf-8")
    files = tmp_path / "posts"
    files.mkdir()
    (files / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (files / "b.txt").write_text(ARTICLE, encoding="utf-8")
    main(["fix", "--no-cache", "--select", "NL501", str(corpus), str(files)])
    out = capsys.readouterr().out
    assert "Fixed 2" in out
    assert corpus.read_text(encoding="utf-8") == lines[0] + lines[1]
    sidecar = tmp_path / "corpus.jsonl.dropped"
    assert sidecar.read_text(encoding="utf-8") == lines[2] + lines[3]  # unchanged, recoverable
    assert (files / "b.txt").read_text(encoding="utf-8") == ARTICLE  # files are reported, never deleted
    assert "b.txt" in out and "NL501" in out
    main(["fix", "--no-cache", "--select", "NL501", str(corpus)])
    capsys.readouterr()
    assert corpus.read_text(encoding="utf-8") == lines[0] + lines[1]
    assert sidecar.read_text(encoding="utf-8") == lines[2] + lines[3]
