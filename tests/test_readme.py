"""Every example in the README runs, as written (issue 17, item 4).

The fenced blocks are read from README.md itself, so an example edited there is tested as edited:

* ``sh``: the Quickstart's first command runs in a copy of the project (a fresh venv, ``pip install
  -e .``, ``newslint check seeds/``: exit 1, the seeds have findings); the second (install the test
  tools, run pytest) is what ``.ci/run`` runs, checked step for step rather than run inside pytest.
  Every line of the other blocks runs with ``bash`` in a folder holding the files they name
  (``posts/``, ``corpus.jsonl``, ``article.txt``, ``changed.md``, ``my-site.yml``) and must exit 0 or
  1 (findings) — never 2, never a traceback.
* ``yaml``: the example ``.newslint.yaml`` is written as it is and a run uses it; the pre-commit
  config is validated by pre-commit with its two placeholders filled in, and names the hooks of
  ``.pre-commit-hooks.yaml``.
* ``jsonl``: the record that switches checks off for itself gets no finding of those checks.
* ``text``: the full-format example is what newslint prints for that line.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BIN = Path(sys.executable).parent
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.M | re.S)


def blocks(language: str) -> list[str]:
    return [body for lang, body in FENCE.findall(README.read_text(encoding="utf-8")) if lang == language]


def commands(block: str) -> list[str]:
    out = []
    for line in block.splitlines():
        line = re.sub(r"\s+#\s.*$", "", line).strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.pop("NEWSLINT_OUTPUT_FORMAT", None)
    return env


def _fixture(tmp_path: Path) -> Path:
    work = tmp_path / "work"
    posts = work / "posts"
    posts.mkdir(parents=True)
    seeds = sorted((ROOT / "seeds").iterdir())[:4]
    for seed in seeds:
        shutil.copyfile(seed, posts / (seed.stem + ".md"))
    (work / "corpus.jsonl").write_text(
        '{"text": "北京&nbsp;上海", "source": "a"}\n{"text": "Market news <p>today</p>.", "source": "b"}\n',
        encoding="utf-8")
    (work / "article.txt").write_text("文章&amp;内容。\n", encoding="utf-8")
    (work / "changed.md").write_text("# 标题\n\n正文第一段。\n", encoding="utf-8")
    (work / "my-site.yml").write_text(
        "checks:\n  - code: NL950\n    name: mysite-footer\n    kind: phrases\n    severity: warning\n"
        "    fix: safe\n    message: 'Site footer: {match}'\n    summary: Footer line of mysite.example\n"
        "    params:\n      phrases: ['本文来自 mysite 客户端']\n      whole_line: true\n      replacement: ''\n"
        "    examples:\n      flagged: [{text: \"正文。\\n本文来自 mysite 客户端\\n\", fixed: \"正文。\\n\"}]\n"
        "      clean: ['正文。']\n", encoding="utf-8")
    return work


def _sh(command: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=_env(), capture_output=True, text=True,
                          timeout=timeout)


def test_readme_has_the_blocks_this_test_reads():
    assert len(blocks("sh")) >= 3 and len(blocks("yaml")) >= 2 and blocks("jsonl") and blocks("text")


def test_usage_commands_run_as_written(tmp_path):
    work = _fixture(tmp_path)
    usage = [b for b in blocks("sh") if "newslint check" in b and "pip install" not in b]
    assert usage
    ran = 0
    import importlib.util

    has_ray = importlib.util.find_spec("ray") is not None  # an optional extra: its examples run where it is
    for block in usage:
        for command in commands(block):
            if "--engine ray" in command and not has_ray:
                continue
            proc = _sh(command, work)
            assert proc.returncode in (0, 1), f"{command!r} exited {proc.returncode}: {proc.stderr[-2000:]}"
            assert "Traceback" not in proc.stderr, command
            ran += 1
    assert ran >= 10
    assert (work / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (work / "newslint-baseline.json").exists()
    assert (work / ".newslint" / "corpus.index").exists()


def test_example_config_works_as_written(tmp_path):
    work = _fixture(tmp_path)
    config = next(b for b in blocks("yaml") if b.startswith("# .newslint.yaml"))
    (work / ".newslint.yaml").write_text(config, encoding="utf-8")
    (work / "newslint-packs").mkdir()  # the folder its `packs:` names
    (work / "old_post").mkdir()
    (work / "old_post" / "x.txt").write_text("正文。\n\n责任编辑：张三\n", encoding="utf-8")
    proc = _sh("newslint check --no-cache .", work)
    assert proc.returncode in (0, 1), proc.stderr
    shown = yaml.safe_load(_sh("newslint check --show-settings .", work).stdout)
    assert shown["config-file"].endswith(".newslint.yaml")
    assert shown["select"] == ["NL1", "NL2"] and shown["fail-on"] == "warning"


def test_pre_commit_example_is_valid_and_names_our_hooks(tmp_path):
    block = next(b for b in blocks("yaml") if b.startswith("repos:"))
    filled = block.replace("<this repository>", "https://example.invalid/newslint").replace("<a tag>", "v0.2.0")
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_text(filled, encoding="utf-8")
    hooks = {h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    used = {h["id"] for repo in yaml.safe_load(filled)["repos"] for h in repo["hooks"]}
    assert used <= hooks
    pre_commit = shutil.which("pre-commit", path=str(BIN))
    if pre_commit is None:
        pytest.skip("pre-commit is not installed")
    proc = subprocess.run([pre_commit, "validate-config", str(config)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_jsonl_suppression_example(tmp_path):
    (tmp_path / "r.jsonl").write_text(blocks("jsonl")[0], encoding="utf-8")
    proc = _sh("newslint check --no-cache --output-format concise r.jsonl", tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "NL104" not in proc.stdout and "NL201" not in proc.stdout


def test_full_format_example_is_what_newslint_prints(tmp_path):
    example = next(b for b in blocks("text") if "= help:" in b)
    header = example.splitlines()[0]
    path, line = header.split(":")[0], int(header.split(":")[1])
    source = next(s.split("| ", 1)[1] for s in example.splitlines() if s.startswith(f"{line} |"))
    target = tmp_path / path
    target.parent.mkdir(parents=True)
    target.write_text("# 标题\n" + "正文。\n" * (line - 2) + source + "\n", encoding="utf-8")
    proc = _sh(f"newslint check --no-cache --output-format full --select NL104 {path}", tmp_path)
    assert proc.stdout.startswith(example), proc.stdout


def test_quickstart_test_command_is_what_ci_runs():
    install, test = [commands(b)[0] for b in blocks("sh")[:2]]
    assert install == "python3 -m venv .venv && . .venv/bin/activate && pip install -e . && newslint check seeds/"
    steps = test.split(" && ")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert steps[0] in ci and ". .venv/bin/activate" in ci
    assert 'pip install --quiet -e ".[test]"' in ci and steps[2] == 'pip install -e ".[test]"'
    assert steps[3] == "python -m pytest" and "python -m pytest" in ci


def test_quickstart_install_runs_as_written(tmp_path):
    copy = tmp_path / "newslint"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(
        ".venv", ".git", "build", "*.egg-info", "__pycache__", ".newslint_cache", ".pytest_cache",
        ".ruff_cache", ".hypothesis", "benchmarks"))
    command = commands(blocks("sh")[0])[0]
    env = _env()
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if p != str(BIN))
    env.pop("VIRTUAL_ENV", None)
    proc = subprocess.run(["bash", "-c", command], cwd=copy, env=env, capture_output=True, text=True, timeout=900)
    if proc.returncode not in (0, 1) and "pip" in proc.stderr and "connect" in proc.stderr.lower():
        pytest.skip("no package index reachable")
    assert proc.returncode == 1, proc.stdout[-2000:] + proc.stderr[-2000:]  # the seeds have findings
    assert "Found" in proc.stdout
