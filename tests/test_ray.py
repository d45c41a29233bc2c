"""The Ray Data executor gives the local engine's answers: on a few thousand generated records and on
the shared corpus (when present), ``--engine ray`` in local mode (2 CPUs) reports the same findings as
``--jobs 1`` and ``--jobs 2``; its shards and cleaned fix shards are the local engine's. Skipped when
Ray is not installed (``pip install "newslint[ray]"``)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ray = pytest.importorskip("ray")
pytest.importorskip("pyarrow")

from newslint.cli import main  # noqa: E402
from newslint.engine import plan  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="module")
def local_ray():
    from newslint.ray_engine import init

    started = not ray.is_initialized()
    init(num_cpus=2)
    yield ray
    if started:
        ray.shutdown()


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gen")
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "corpus.py"), "--docs", "3000", "--layout", "jsonl",
                    "--out", str(out)], check=True, capture_output=True)
    (out / "truth.jsonl").unlink()
    return out / "corpus.jsonl"


def _check(capsys, *args: str) -> tuple[int, list[dict], str]:
    code = main(["check", "--isolated", "--no-cache", "--format", "json", *args])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def _key(f: dict) -> str:
    return json.dumps(f, sort_keys=True, ensure_ascii=False)


def test_same_findings_as_serial_and_pool(local_ray, generated: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(plan, "JSONL_CHUNK_BYTES", 256 * 1024)  # several slices: several Ray tasks
    assert len(plan.plan_tasks(plan.RunRequest(paths=[str(generated)], settings=_settings(), specs=[]))) >= 4
    serial = _check(capsys, "--jobs", "1", str(generated))
    pool = _check(capsys, "--jobs", "2", str(generated))
    on_ray = _check(capsys, "--engine", "ray", "--jobs", "2", str(generated))
    assert serial[0] == pool[0] == on_ray[0] == 1
    assert len(serial[1]) > 1000 and {f["code"] for f in serial[1]} >= {"NL101", "NL201", "NL501", "NL502"}
    assert sorted(map(_key, on_ray[1])) == sorted(map(_key, serial[1])) == sorted(map(_key, pool[1]))
    assert on_ray[1] == serial[1]  # and even in the same order (results are taken in task order)


def _settings():
    from newslint.config import Settings

    return Settings()


def test_shards_and_fix_shards_are_the_local_engine_s(local_ray, generated: Path, tmp_path: Path, capsys,
                                                      monkeypatch) -> None:
    monkeypatch.setattr(plan, "JSONL_CHUNK_BYTES", 512 * 1024)
    select = ["--select", "NL201,NL402,NL501"]
    for engine, name in (("local", "loc"), ("ray", "ray")):
        main(["check", "--isolated", "--no-cache", *select, "--engine", engine, "--jobs", "2",
              "--output-dir", str(tmp_path / f"{name}-check"), str(generated)])
        main(["fix", "--isolated", "--no-cache", *select, "--engine", engine, "--jobs", "2", "--exit-zero",
              "--output-dir", str(tmp_path / f"{name}-fix"), str(generated)])
        capsys.readouterr()
    for kind in ("check", "fix"):
        local = {p.name: p.read_bytes() for p in (tmp_path / f"loc-{kind}").iterdir()}
        on_ray = {p.name: p.read_bytes() for p in (tmp_path / f"ray-{kind}").iterdir()}
        assert local == on_ray and len(local) > 2
    assert any(name.endswith(".dropped") for name in local)  # NL501's duplicates, kept aside


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/corpus not present")
def test_same_findings_on_the_shared_corpus(local_ray, capsys) -> None:
    serial = _check(capsys, "--jobs", "1", str(SHARED))
    on_ray = _check(capsys, "--engine", "ray", "--jobs", "2", str(SHARED))
    assert serial[0] == on_ray[0] and serial[1] == on_ray[1] and serial[1]


def test_readme_ray_example(local_ray) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Python API\n", 1)[1].split("\n## ", 1)[0]
    blocks = [b for b in re.findall(r"```python\n(.*?)```", section, re.S) if re.search(r"^import ray\b", b, re.M)]
    assert len(blocks) == 1
    exec(compile(blocks[0], "README.md ray example", "exec"), {})


def test_lint_on_pyarrow_and_numpy_batches(local_ray) -> None:
    import newslint.ray

    ds = ray.data.from_items([{"text": "<b>北京</b>", "id": 1}, {"text": "上海", "id": 2}])
    for batch_format in ("pyarrow", "numpy"):
        rows = ds.map_batches(newslint.ray.Lint, fn_constructor_kwargs={"select": ["NL201"]},
                              batch_format=batch_format, compute=ray.data.ActorPoolStrategy(size=1)).take_all()
        assert sorted((r["id"], int(r["newslint_count"])) for r in rows) == [(1, 2), (2, 0)]


def test_keyed_stage_gives_the_reduce_s_hits(local_ray, generated: Path) -> None:
    """NL501 as a Ray group-by stage (hash repartition by digest, the check's reduce per block) finds
    exactly what its one reduce over the whole stream finds."""
    from newslint.cli import _all_specs
    from newslint.engine.request import RunRequest
    from newslint.engine.worker import Worker
    from newslint.ray_engine import keyed_reduce
    from newslint.selection import select_checks

    settings = _settings()
    request = RunRequest(paths=[str(generated)], settings=settings,
                         specs=select_checks(_all_specs(settings, []), ["NL501"]), engine="ray")
    worker = Worker(request)
    (detector,) = worker.corpus.detectors
    stream, base = [], 0
    for task in plan.plan_tasks(request):
        result = worker._run_task(task)  # unsealed: its summaries as objects
        stream.extend((base + index, summary) for index, summary in result.summaries[0])
        base += len(result.refs)  # the (task, doc) id as the driver numbers it
    # documents renumbered so that copies are far from their originals (the generator puts them close):
    # a partition of the stream by position rather than by key would separate them
    stride = 7919  # a prime, coprime with the count
    assert base % stride  # so index → index * stride mod base is a permutation
    stream = sorted(((index * stride) % base, summary) for index, summary in stream)
    expected = list(detector.reduce(stream))
    assert len(expected) > 20
    assert list(keyed_reduce(request, detector, stream)) == expected
