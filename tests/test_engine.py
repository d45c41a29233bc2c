"""The engine's stage contract: an immutable request, tasks that name their data, map summaries
keyed by a stable ``(task, doc)`` id, no import cycles, writer stages that never touch the inputs,
and the same answers from every executor."""

from __future__ import annotations

import ast
import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from newslint.cli import main
from newslint.config import Settings
from newslint.engine import plan
from newslint.engine.records import MAP_SCHEMA, MapRow
from newslint.engine.request import RunRequest
from newslint.engine.worker import Worker

ROOT = Path(__file__).resolve().parent.parent


def import_graph() -> dict[str, set[str]]:
    """Every import between newslint modules, at any level (lazy imports in functions included)."""
    mods = {}
    for f in (ROOT / "newslint").rglob("*.py"):
        parts = f.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        mods[name] = f
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for m, f in mods.items():
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                subs = [f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in mods]
                targets = subs if len(subs) == len(node.names) else [node.module, *subs]
            else:
                continue
            graph[m].update(t for t in targets if t in mods and t != m)
    # The root package is imported before any of its modules anyway; its lazy re-exports of the API
    # (``newslint.Linter``) are not a dependency of the modules that read ``newslint.__version__``.
    graph.pop("newslint")
    return {m: deps - {"newslint"} for m, deps in graph.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (iterative Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    out.append(sorted(component))
    return out


def test_no_import_cycles() -> None:
    graph = import_graph()
    assert "newslint.reporters.jsonfmt" not in graph["newslint.spool"]  # the spool stores opaque lines
    assert "newslint.detectors.mojibake" not in graph["newslint.detectors.invisible"]
    assert cycles(graph) == []


def test_the_cycle_finder_finds_cycles() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_request_is_immutable() -> None:
    request = RunRequest(paths=["."], settings=Settings(), specs=[])
    with pytest.raises(dataclasses.FrozenInstanceError):
        request.fix = True  # type: ignore[misc]
    assert dataclasses.replace(request, fix=True).fix and not request.fix


def test_one_file_check_imports_no_optional_engine(tmp_path: Path) -> None:
    post = tmp_path / "a.md"
    post.write_text("<b>北京</b>\n", encoding="utf-8")
    code = ("import sys; from newslint.cli import main; main(['check', '--no-cache', '--exit-zero', sys.argv[1]]);"
            "print(sorted(m for m in ('ray', 'pyarrow', 'pandas', 'newslint.api', 'newslint.ray') if m in sys.modules),"
            " file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, str(post)], capture_output=True, text=True, check=True)
    assert done.stderr.strip().splitlines()[-1] == "[]"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    article = "今天北京天气很好，阳光明媚，适合出游。记者从有关部门获悉，本周气温回升。"
    rows = [{"id": n, "text": (article if n % 7 == 0 else f"第{n}条新闻，内容各不相同，编号{n * 31}。")
             + ("<b>加粗</b>" if n % 5 == 0 else "")} for n in range(300)]
    (folder / "a.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                    encoding="utf-8")
    (folder / "b.md").write_text("---\ntitle: 标题\n---\n<i>正文</i>\n", encoding="utf-8")
    return folder


def test_map_rows_are_keyed_by_task_and_document(corpus: Path) -> None:
    from newslint.cli import _all_specs
    from newslint.selection import select_checks

    settings = Settings()
    specs = select_checks(_all_specs(settings, []), ["NL501", "NL502", "NL201"])
    request = RunRequest(paths=[str(corpus)], settings=settings, specs=specs)
    tasks = plan.plan_tasks(request)
    assert [t.as_posix() for t in tasks] == [(corpus / "a.jsonl").as_posix(), (corpus / "b.md").as_posix()]
    worker = Worker(request)
    rows = [row for n, task in enumerate(tasks) for row in worker.run_task(task).map_rows(n, worker.corpus.shares)]
    assert [name for name, _ in MAP_SCHEMA] == list(MapRow._fields)
    groups = worker.corpus.owners  # one map per group of checks sharing a map_key
    assert groups and {(r.task, r.group) for r in rows} == {(t, g) for t in (0, 1) for g in groups}
    assert [r.doc for r in rows if r.task == 0 and r.group == groups[0]] == list(range(300))
    other = Worker(request)
    again = [row for n, task in enumerate(tasks) for row in other.run_task(task).map_rows(n, other.corpus.shares)]
    assert again == rows  # deterministic: the same bytes from another worker


def _json(capsys, *args: str) -> tuple[int, list[dict]]:
    code = main(["check", "--isolated", "--no-cache", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def _key(f: dict) -> tuple:
    return (f["path"], f["record"] or 0, f["field"] or "", f["start"], f["code"], f["message"])


@pytest.mark.parametrize("shard_format", ["jsonl", "parquet"])
def test_output_dir_shards_hold_the_findings(corpus: Path, tmp_path: Path, capsys, shard_format: str) -> None:
    if shard_format == "parquet":
        pytest.importorskip("pyarrow")
    select = ["--select", "NL201,NL501"]
    code, expected = _json(capsys, *select, str(corpus))
    out = tmp_path / "out"
    shard_code = main(["check", "--isolated", "--no-cache", *select, "--jobs", "2", "--output-dir", str(out),
                       "--shard-format", shard_format, str(corpus)])
    printed = capsys.readouterr().out
    assert shard_code == code == 1
    assert "NL201" not in printed.split("Found")[0] and f"Found {len(expected)} " in printed  # summary only
    found: list[dict] = []
    for shard in sorted(out.iterdir()):
        if shard_format == "jsonl":
            found.extend(json.loads(line) for line in shard.read_text(encoding="utf-8").splitlines())
        else:
            import pyarrow.parquet as pq

            for row in pq.read_table(shard).to_pylist():
                found.append({**row, "location": {"row": row["row"], "column": row["column"]}})
    assert sorted(map(_key, found)) == sorted(map(_key, expected))
    assert {f["code"] for f in found} == {"NL201", "NL501"}
    assert any(p.name == f"findings-corpus.{shard_format}" for p in out.iterdir())


def test_fix_output_dir_writes_shards_and_never_the_inputs(corpus: Path, tmp_path: Path, capsys,
                                                           monkeypatch) -> None:
    monkeypatch.setattr(plan, "JSONL_CHUNK_BYTES", 4096)  # several slices of a.jsonl: several shards
    before = {p.name: p.read_bytes() for p in corpus.iterdir()}
    in_place = tmp_path / "in_place"
    in_place.mkdir()
    for name, data in before.items():
        (in_place / name).write_bytes(data)
    select = ["--select", "NL201,NL501"]
    main(["fix", "--isolated", "--no-cache", *select, "--exit-zero", str(in_place)])
    out = tmp_path / "out"
    main(["fix", "--isolated", "--no-cache", *select, "--exit-zero", "--output-dir", str(out), str(corpus)])
    capsys.readouterr()
    assert {p.name: p.read_bytes() for p in corpus.iterdir()} == before  # inputs untouched
    shards = sorted(p for p in out.iterdir() if p.name.startswith("a.jsonl.") and p.suffix == ".jsonl")
    assert len(shards) > 1
    assert b"".join(p.read_bytes() for p in shards) == (in_place / "a.jsonl").read_bytes()
    dropped = b"".join(p.with_name(p.name + ".dropped").read_bytes() for p in shards
                       if p.with_name(p.name + ".dropped").exists())
    assert dropped == (in_place / "a.jsonl.dropped").read_bytes() and dropped.count(b"\n") >= 40
    md = [p for p in out.iterdir() if p.name.startswith("b.md.")]
    assert len(md) == 1 and md[0].read_bytes() == (in_place / "b.md").read_bytes()


def test_output_dir_is_refused_with_stdin_and_ray_fix_needs_it(capsys, monkeypatch, tmp_path: Path) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"text")))
    assert main(["check", "--output-dir", str(tmp_path / "x"), "-"]) == 2
    assert "--output-dir" in capsys.readouterr().err
    assert main(["fix", "--engine", "ray", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "give --output-dir" in err or "Ray is not installed" in err


def test_results_from_anywhere_come_back_in_plan_order(tmp_path: Path) -> None:
    """An executor's results may arrive in any order (Ray's actors finish when they finish); the run
    takes them in plan order, and tasks that were not shipped run locally in their turn."""
    from newslint.engine.records import TaskResult
    from newslint.ray_engine import in_plan_order
    from newslint.report import InputProblem

    tasks = [tmp_path / "a", InputProblem("b", "x"), plan.Slice(tmp_path / "c", 0, 1, 1), tmp_path / "d", "-"]
    arrivals = [(3, TaskResult("d")), (2, TaskResult("c")), (0, TaskResult("a"))]
    order = [r.display for r in in_plan_order(iter(arrivals), tasks, lambda n: TaskResult(f"local {n}"))]
    assert order == ["a", "local 1", "c", "d", "local 4"]
    with pytest.raises(RuntimeError):
        list(in_plan_order(iter(arrivals[:2]), tasks, lambda n: TaskResult("x")))
