"""Atomic file writes: a failure never leaves a half-written file behind.

Every write goes to a temporary file *in the target's directory* (so the final rename
never crosses a filesystem), which is created with ``O_CREAT | O_EXCL`` and its final
mode before a single byte is written (a 0600 file is never readable by others, not even
for a moment), fsynced, and renamed over the target with ``os.replace`` (atomic on
POSIX); the directory is fsynced too, so the rename survives a power cut.

A process killed mid-write (``kill -9``) cannot clean up after itself, so temporary
files carry the writer's process id: ``.<name>.<pid>.<random>.tmp``. The next write to
the same target removes those whose process is gone (and untagged ones that an older
Veil left behind, once they are a day old).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

__all__ = ["atomic_open", "atomic_path", "atomic_write_bytes", "clean_stale_temps", "temp_name_prefix"]

#: Untagged temporaries (``.<name>.<random>.tmp``, as ``tempfile.mkstemp`` made them) older
#: than this are left-overs of a killed write.
LEGACY_STALE_SECONDS = 24 * 3600


def temp_name_prefix(path: Path) -> str:
    """The name prefix of every temporary file written for ``path``."""
    return f".{path.name}."


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def clean_stale_temps(path: Path) -> list[Path]:
    """Remove temporary files of ``path`` left by writers that no longer run; return them."""
    prefix = temp_name_prefix(path)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(path.parent))
    except FileNotFoundError:
        return removed
    now = time.time()
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(".tmp")):
            continue
        if not entry.is_file(follow_symlinks=False):
            continue
        middle = name[len(prefix) : -len(".tmp")].split(".")
        if len(middle) == 2 and middle[0].isdigit():
            stale = not _pid_alive(int(middle[0]))
        elif len(middle) == 1:
            try:
                stale = now - entry.stat(follow_symlinks=False).st_mtime > LEGACY_STALE_SECONDS
            except FileNotFoundError:
                continue
        else:
            continue
        if stale:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - filesystems that refuse fsync on directories
        pass
    finally:
        os.close(fd)


def _create_temp(path: Path, mode: int) -> tuple[int, Path]:
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_temps(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    while True:
        tmp = path.parent / f"{temp_name_prefix(path)}{os.getpid()}.{secrets.token_hex(6)}.tmp"
        try:
            fd = os.open(tmp, flags, mode)
        except FileExistsError:  # 48 random bits collided, or something was planted there
            continue
        break
    try:
        os.fchmod(fd, mode)  # exactly ``mode``: the umask may only have narrowed it
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    return fd, tmp


def _commit(tmp: Path, path: Path, mode: int) -> None:
    fd = os.open(tmp, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        os.fchmod(fd, mode)  # a writer that re-created the file by name must not widen it
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    _fsync_dir(path.parent)


@contextlib.contextmanager
def atomic_path(path: Path, *, mode: int = 0o644) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path``.

    The temporary file exists, empty, with ``mode`` before the body runs; write to it by
    name (it may be truncated and rewritten, not replaced by another file). On error it is
    removed and ``path`` is untouched.
    """
    fd, tmp = _create_temp(path, mode)
    os.close(fd)
    try:
        yield tmp
        _commit(tmp, path, mode)
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_open(path: Path, *, mode: int = 0o600) -> Iterator[BinaryIO]:
    """Yield a binary file opened on a new temporary file beside ``path`` (for streaming).

    On success the file is flushed, fsynced and renamed over ``path``; on error it is removed.
    """
    fd, tmp = _create_temp(path, mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        _commit(tmp, path, mode)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_bytes(path: Path, data: bytes, *, mode: int = 0o644) -> None:
    with atomic_open(path, mode=mode) as fh:
        fh.write(data)
