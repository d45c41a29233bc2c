"""A cache of per-file results for repeated runs (pre-commit on unchanged files).

Keyed by the file's bytes, its path (findings carry it, per-file ignores depend on it), the
newslint version and the effective configuration (selected checks with their parameters and
severities, JSONL fields). Entries are pickles written atomically under ``.newslint_cache/``; an
unreadable or corrupt entry is a miss, never an error, and a cache that cannot be written is simply
not used.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from newslint import __version__

CACHE_DIR = ".newslint_cache"


def code_fingerprint() -> str:
    """Size and mtime of newslint's own modules: an edited checkout must not reuse stale results."""
    package = Path(__file__).resolve().parent
    stats = []
    for path in sorted(package.rglob("*.py")):
        try:
            info = path.stat()
        except OSError:
            continue
        stats.append((path.relative_to(package).as_posix(), info.st_size, info.st_mtime_ns))
    return hashlib.sha256(repr(stats).encode()).hexdigest()


def config_fingerprint(parts: Any) -> str:
    """A stable digest of everything besides the bytes that decides a file's result."""
    material = repr((__version__, code_fingerprint(), parts))
    return hashlib.sha256(material.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class ResultCache:
    def __init__(self, root: Path, fingerprint: str) -> None:
        """``root`` is the cache folder itself (``.newslint_cache`` by default)."""
        self.folder = root / fingerprint
        self.enabled = True

    def key(self, display: str, data: bytes) -> str:
        digest = hashlib.blake2b(data, digest_size=20)
        digest.update(b"\0" + display.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def get(self, key: str) -> Any | None:
        path = self.folder / key[:2] / key
        try:
            with path.open("rb") as handle:
                return pickle.load(handle)
        except FileNotFoundError:
            return None
        except Exception:  # corrupt, truncated, from another Python: a miss
            return None

    def put(self, key: str, value: Any) -> None:
        if not self.enabled:
            return
        folder = self.folder / key[:2]
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tag = self.folder.parent / "CACHEDIR.TAG"
            if not tag.exists():
                tag.write_text("Signature: 8a477f597d28d172789f06886806bc55\n# newslint cache\n", encoding="ascii")
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, folder / key)
        except OSError:
            self.enabled = False


def _user_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "newslint"


def _spec_cache_key(paths: list[Path]) -> str | None:
    stats = []
    for path in paths:
        try:
            info = path.stat()
        except OSError:
            return None
        stats.append((str(path.resolve()), info.st_size, info.st_mtime_ns))
    return config_fingerprint(("packs", stats))


# One file, overwritten when the packs or newslint change: nothing accumulates.
SPEC_CACHE_NAME = "builtin-packs.pickle"


def spec_cache_get(paths: list[Path]) -> Any | None:
    """Validated check specs of an earlier run with the same pack files, or None."""
    if os.environ.get("NEWSLINT_NO_CACHE"):
        return None
    key = _spec_cache_key(paths)
    try:
        with (_user_cache_dir() / SPEC_CACHE_NAME).open("rb") as handle:
            stored_key, specs = pickle.load(handle)
    except Exception:  # missing, corrupt or from another version: load the packs again
        return None
    return specs if key is not None and stored_key == key else None


def spec_cache_put(paths: list[Path], specs: Any) -> None:
    key = _spec_cache_key(paths)
    if key is None or os.environ.get("NEWSLINT_NO_CACHE"):
        return
    folder = _user_cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump((key, specs), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / SPEC_CACHE_NAME)
    except OSError:
        pass
