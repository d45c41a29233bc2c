"""A cache of per-file results for repeated runs (pre-commit on unchanged files).

Keyed by the file's bytes, its path (findings carry it, per-file ignores depend on it), the
newslint version and the effective configuration (selected checks with their parameters and
severities, JSONL fields). Entries are data files (:mod:`newslint.datafile`, never pickles: a cache
folder committed to a repository must not be able to run code) written atomically under
``.newslint_cache/``; an unreadable, corrupt or foreign entry is a miss (said once on stderr), never
an error, and a cache that cannot be written is simply not used.

A run of several files also keeps a *stat index*: each file's signature (size, mtime, ctime, inode,
device) beside the content key of the bytes read with that signature, so a warm run stats its files
instead of reading and hashing them. The content hash stays the truth: a file whose signature
differs in any way is read and hashed again. As with git's index, a file changed twice within one
timestamp tick keeps its signature; so a signature is recorded only when the file's last change
(mtime and ctime) is older than the start of the run that read it by :data:`RACY_NS`, more than a
tick of any file system's clock. A later change then always shows in the ctime, which nobody can
set back. A recently changed ("racy") file is hashed again on each run until it is old enough.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import gc
import hashlib
import os
import stat
import sys
from pathlib import Path
from typing import Any

from newslint import __version__
from newslint.atomic import atomic_write, sweep
from newslint.datafile import FORMAT_VERSION as DATA_FORMAT
from newslint.datafile import DataError, dumps
from newslint.datafile import loads as _data_loads

CACHE_DIR = ".newslint_cache"

# A file's signature is recorded only when its mtime and ctime are older than the run's start by
# this much: 2 s covers the coarsest timestamps (FAT) and the lag of the kernel's coarse clock.
RACY_NS = 2_000_000_000

Signature = tuple[int, int, int, int, int]


def signature(info: os.stat_result) -> Signature:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


def read_signed(path: Path) -> tuple[bytes, Signature]:
    """A file's bytes and its signature (taken from the open file). Opened without blocking and
    refused unless regular: a file swapped for a FIFO after discovery must not hang the run."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with open(fd, "rb", closefd=True) as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        if hasattr(os, "O_NONBLOCK"):
            os.set_blocking(fd, True)
        return handle.read(), signature(info)


_warned: set[str] = set()


def warn_ignored(what: str, reason: str, once: bool = True) -> None:
    """One line on stderr (with ``once``, once per process for ``what``): it is ignored and rebuilt."""
    if not once or what not in _warned:
        _warned.add(what)
        print(f"newslint: ignoring {what}: {reason}; it will be rebuilt", file=sys.stderr)


def loads(data: bytes, kind: bytes = b"cache") -> Any:
    """Decode a data file without the cyclic garbage collector: a warm run loads tens of thousands
    of objects, none of them garbage, and collections over the growing heap cost nearly as much again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _data_loads(data, kind)
    finally:
        if enabled:
            gc.enable()


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Size and mtime of newslint's own modules: an edited checkout must not reuse stale results.
    Computed once per process (a run needs it for several keys)."""
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
        self._made: set[str] = set()  # subfolders this process made or found (a cold run puts thousands)
        self.scratch = self.folder / "tmp"  # every temporary file of the cache, so one listing sweeps them
        sweep(self.scratch)  # what runs killed mid-write left behind

    def key(self, display: str, data: bytes) -> str:
        digest = hashlib.blake2b(data, digest_size=20)
        digest.update(b"\0" + display.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def get(self, key: str) -> Any | None:
        path = self.folder / key[:2] / key
        try:
            return loads(path.read_bytes())
        except FileNotFoundError:
            return None
        except DataError as exc:  # corrupt, truncated, foreign: a miss
            warn_ignored(f"a cache entry in {self.folder.parent}", str(exc))
            return None
        except OSError:
            return None

    # -- the stat index ---------------------------------------------------------------------------

    @staticmethod
    def stat_index_name(displays: list[str]) -> str:
        """One index per set of files run together (like the whole-run entry)."""
        digest = hashlib.blake2b(b"\0".join(d.encode("utf-8", "surrogatepass") for d in displays), digest_size=20)
        return "stat-" + digest.hexdigest()

    def stat_index(self, name: str) -> dict[str, tuple[Signature, str]]:
        """``display → (signature, content key)``; empty when missing or corrupt."""
        index = self.get(name)
        return index if isinstance(index, dict) else {}

    def put_stat_index(self, name: str, entries: dict[str, tuple[Signature, str]], started_ns: int,
                       previous: dict[str, tuple[Signature, str]]) -> None:
        """Store the signatures of files whose last change is well before ``started_ns`` (the start
        of the run, before any of its reads); nothing is written when the index is unchanged."""
        limit = started_ns - RACY_NS
        index = {display: (sig, key) for display, (sig, key) in entries.items() if max(sig[1], sig[2]) < limit}
        if index != previous:
            self.put(name, index)

    @staticmethod
    def known_key(index: dict[str, tuple[Signature, str]], display: str, sig: Signature) -> str | None:
        """The content key recorded for the file when its signature is unchanged, else None."""
        entry = index.get(display)
        if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == sig and isinstance(entry[1], str):
            return entry[1]
        return None

    def put(self, key: str, value: Any) -> None:
        if not self.enabled:
            return
        folder = self.folder / key[:2]
        try:
            if key[:2] not in self._made:
                if not self._made:
                    self.scratch.mkdir(parents=True, exist_ok=True)
                folder.mkdir(parents=True, exist_ok=True)
                tag = self.folder.parent / "CACHEDIR.TAG"
                if not tag.exists():
                    tag.write_text("Signature: 8a477f597d28d172789f06886806bc55\n# newslint cache\n", encoding="ascii")
                write_gitignore(self.folder.parent)
                self._made.add(key[:2])
            atomic_write(folder / key, dumps(value, b"cache"), durable=False, scratch=self.scratch)
        except (OSError, TypeError):
            self.enabled = False


GITIGNORE = "# Automatically created by newslint.\n*\n"


def write_gitignore(folder: Path) -> None:
    """A ``.gitignore`` of ``*`` in a folder newslint made, as ruff does for ``.ruff_cache``: the
    folder never shows in ``git status`` and cannot be committed by accident. An existing file is
    left alone (the user may have written it)."""
    ignore = folder / ".gitignore"
    if not os.path.lexists(ignore):
        with contextlib.suppress(OSError):
            ignore.write_text(GITIGNORE, encoding="ascii")


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


def spec_cache_name(package_dir: str) -> str:
    """One file per data format and per installation, overwritten when the packs or newslint change:
    nothing accumulates, and two installations (pre-commit's own environment beside a project's virtual
    environment; a fuzz run of another tree) do not rewrite each other's file on every run — its key holds
    the pack paths, so a shared file missed every time and every one-file check paid pack validation."""
    tag = hashlib.blake2b(os.path.realpath(package_dir).encode("utf-8", "surrogateescape"), digest_size=4).hexdigest()
    return f"builtin-packs.v{DATA_FORMAT}.{tag}.data"


SPEC_CACHE_NAME = spec_cache_name(os.path.dirname(os.path.abspath(__file__)))


def spec_cache_get(paths: list[Path]) -> Any | None:
    """Validated check specs of an earlier run with the same pack files, or None."""
    if os.environ.get("NEWSLINT_NO_CACHE"):
        return None
    key = _spec_cache_key(paths)
    path = _user_cache_dir() / SPEC_CACHE_NAME
    try:
        stored_key, specs = loads(path.read_bytes(), b"specs")
    except OSError:  # missing: load the packs
        return None
    except (DataError, TypeError, ValueError) as exc:  # corrupt, foreign or from another version
        warn_ignored(f"the pack cache {path}", str(exc))
        return None
    return specs if key is not None and stored_key == key and isinstance(specs, list) else None


def spec_cache_put(paths: list[Path], specs: Any) -> None:
    key = _spec_cache_key(paths)
    if key is None or os.environ.get("NEWSLINT_NO_CACHE"):
        return
    folder = _user_cache_dir()
    try:
        data = dumps((key, list(specs)), b"specs")
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(folder / SPEC_CACHE_NAME, data, durable=False)
    except (OSError, TypeError):
        pass
