"""Writing files so that a killed run never leaves half a file, and its leftovers are swept.

Every file newslint writes (fixed inputs, ``.dropped`` sidecars, cache entries, the pack cache, the
corpus index) goes to a temporary file first and is renamed over its target. The temporary file's
name says which process wrote it (``.<name>.<pid>@<host>.<random>.newslint-tmp``), so a later run can
tell the leftover of a process that was killed (SIGKILL, power loss) from the file a live run is
writing right now (two runs may write the same file at once) and remove only the former.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path

TMP_SUFFIX = ".newslint-tmp"


def _host_name() -> str:
    """This machine's name: ``os.uname`` where there is one (the same name ``gethostname`` gives on
    POSIX), so every run does not import ``socket`` for it; ``socket`` elsewhere (Windows)."""
    if hasattr(os, "uname"):
        return os.uname().nodename
    import socket

    return socket.gethostname()


HOST = re.sub(r"[^A-Za-z0-9]", "", _host_name())[:16] or "host"


def atomic_write(path: Path, data: bytes, *, durable: bool = True, scratch: Path | None = None) -> None:
    """Write via a temporary file and rename: readers see the old content or the new, never half.

    ``durable`` syncs the data before the rename (user files; a cache entry can do without).
    ``scratch`` is the folder for the temporary file (same file system), by default ``path``'s own;
    a cache puts all of them in one folder so one listing finds every leftover. The file keeps its
    permission bits; leftovers of dead writers of the same file are removed first."""
    mode = None
    with contextlib.suppress(OSError):
        mode = path.stat().st_mode & 0o7777
    folder = scratch if scratch is not None else path.parent
    if scratch is None:
        sweep(folder, f".{path.name}.")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}@{HOST}.", suffix=TMP_SUFFIX, dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def sweep(folder: Path, prefix: str = ".") -> int:
    """Remove the temporary files in ``folder`` whose names start with ``prefix`` and whose writer,
    a process of this host, is gone. Returns how many were removed."""
    removed = 0
    with contextlib.suppress(OSError):
        with os.scandir(folder) as listing:
            names = [e.name for e in listing if e.name.startswith(prefix) and e.name.endswith(TMP_SUFFIX)]
        for name in names:
            if not _left_by_dead_writer(name):
                continue
            with contextlib.suppress(OSError):
                os.unlink(folder / name)
                removed += 1
    return removed


_OWNER = re.compile(r"\.(\d+)@([A-Za-z0-9]+)\.[^.]*" + re.escape(TMP_SUFFIX) + r"$")


def _left_by_dead_writer(name: str) -> bool:
    match = _OWNER.search(name)
    if match is None:
        return False
    pid, host = int(match.group(1)), match.group(2)
    return host == HOST and not _alive(pid)


def _alive(pid: int) -> bool:
    if pid == os.getpid() or os.name != "posix":  # (on Windows, os.kill(pid, 0) would end the process)
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process (EPERM): alive
        return True
    # a killed process nobody has reaped yet (a container without an init) is a zombie: gone too
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rpartition(b")")[2].split()[:1] != [b"Z"]
    except OSError:
        return True
