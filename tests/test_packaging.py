"""Packaging: the packs ship in the wheel, the built-in kinds are real entry points, and the
repository's pre-commit hooks work through a real ``pre-commit try-repo`` run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from newslint.registry import BUILTIN_KINDS, ENTRY_POINT_GROUP

REPO = Path(__file__).resolve().parents[1]


def test_builtin_kinds_are_declared_as_entry_points() -> None:
    declared = {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}
    if not declared:
        pytest.skip("newslint is not installed (entry points unavailable)")
    mismatched = {kind: target for kind, target in BUILTIN_KINDS.items() if declared.get(kind) != target}
    assert not mismatched, "add these to [project.entry-points.\"newslint.detectors\"] in pyproject.toml"


def test_wheel_carries_the_packs(tmp_path: Path) -> None:
    """Build the wheel, install it alone into a folder, and list the rules from there."""
    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(REPO)],
        capture_output=True, text=True,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = wheels.glob("newslint-*.whl")
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(target), str(wheel)],
        check=True, capture_output=True,
    )
    assert list((target / "newslint" / "checks").glob("*.yml")), "no packs inside the wheel"
    env = {**os.environ, "PYTHONPATH": str(target)}
    where = subprocess.run(
        [sys.executable, "-c", "import newslint; print(newslint.__file__)"],
        capture_output=True, text=True, env=env, cwd=tmp_path, check=True,
    )
    assert where.stdout.startswith(str(target))
    rules = subprocess.run(
        [sys.executable, "-m", "newslint", "rules"], capture_output=True, text=True, env=env, cwd=tmp_path,
    )
    assert rules.returncode == 0, rules.stderr
    assert "NL101" in rules.stdout and "NL201" in rules.stdout


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_pre_commit_try_repo(tmp_path: Path) -> None:
    """A real pre-commit run of this repository's hooks: fails on a bad file, passes on a clean one."""
    pre_commit = [sys.executable, "-m", "pre_commit"]
    if subprocess.run([*pre_commit, "--version"], capture_output=True).returncode != 0:
        pytest.skip("pre-commit is not installed")
    work = tmp_path / "news"
    work.mkdir()
    _git(work, "init", "-q")
    _git(work, "config", "user.email", "t@example.com")
    _git(work, "config", "user.name", "t")
    bad = work / "bad.md"
    bad.write_text("<p>北京城市副中心&nbsp;高质量发展</p>\n", encoding="utf-8")
    clean = work / "clean.md"
    clean.write_text("北京城市副中心高质量发展。“五子”联动，创建（两个）示范区：完成。\n", encoding="utf-8")
    _git(work, "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}

    def try_repo(hook: str, *files: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*pre_commit, "try-repo", str(REPO), hook, "--files", *map(str, files)],
            cwd=work, capture_output=True, text=True, env=env, timeout=900,
        )

    failed = try_repo("newslint", bad)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "NL201" in failed.stdout
    passed = try_repo("newslint", clean)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    fixed = try_repo("newslint-fix", bad)
    assert fixed.returncode == 1  # pre-commit fails a hook that modified files
    assert bad.read_text(encoding="utf-8") == "北京城市副中心 高质量发展\n"


def test_every_subpackage_is_packaged() -> None:
    """pyproject lists packages explicitly (the packs are mapped in from checks/): keep it complete."""
    tomllib = pytest.importorskip("tomllib")
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {
        ".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "newslint").rglob("__init__.py")
    }
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"


def test_the_version_newslint_reports_is_the_packaged_one() -> None:
    """``newslint --version``, SARIF's driver version and the cache keys read ``newslint.__version__``;
    it said 0.1.0 while the package was 0.2.0."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib

    import newslint

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert newslint.__version__ == project["version"]
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {project['version']} " in changelog
