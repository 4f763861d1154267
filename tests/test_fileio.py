"""Atomic writes: private from the first byte, all or nothing, and no debris after a kill."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from veil.fileio import LEGACY_STALE_SECONDS, atomic_open, atomic_path, atomic_write_bytes, clean_stale_temps


def temps(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
@pytest.mark.parametrize("mode", [0o600, 0o644])
def test_the_file_has_its_mode_from_creation_whatever_the_umask(
    tmp_path: Path, umask: int, mode: int
) -> None:
    target = tmp_path / "out.bin"
    seen: list[int] = []
    old = os.umask(umask)
    try:
        with atomic_open(target, mode=mode) as fh:
            seen.append(stat.S_IMODE(os.fstat(fh.fileno()).st_mode))  # before any byte is written
            fh.write(b"x" * 10)
    finally:
        os.umask(old)
    assert seen == [mode]
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert target.read_bytes() == b"x" * 10


def test_atomic_path_creates_the_temp_with_the_mode_before_the_body(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    old = os.umask(0)
    try:
        with atomic_path(target, mode=0o600) as tmp:
            assert tmp.parent == tmp_path and tmp.exists() and stat.S_IMODE(tmp.stat().st_mode) == 0o600
            tmp.write_bytes(b"body")
    finally:
        os.umask(old)
    assert target.read_bytes() == b"body" and stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_writer_that_widens_the_temp_is_narrowed_back(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    with atomic_path(target, mode=0o600) as tmp:
        tmp.write_bytes(b"body")
        os.chmod(tmp, 0o666)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_failure_keeps_the_old_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    atomic_write_bytes(target, b"old", mode=0o600)
    with pytest.raises(RuntimeError), atomic_open(target) as fh:
        fh.write(b"half of the new")
        raise RuntimeError("boom")
    assert target.read_bytes() == b"old"
    assert temps(tmp_path) == []
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("boom")
    assert target.read_bytes() == b"old" and temps(tmp_path) == []


def test_a_symlink_planted_at_the_temp_name_is_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The temporary file is created O_CREAT|O_EXCL|O_NOFOLLOW: a planted link cannot redirect it."""
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious")
    os.chmod(victim, 0o644)
    target = tmp_path / "out.bin"
    tokens = iter(["aaaaaaaaaaaa", "bbbbbbbbbbbb"])
    monkeypatch.setattr("veil.fileio.secrets.token_hex", lambda n: next(tokens))
    planted = tmp_path / f".out.bin.{os.getpid()}.aaaaaaaaaaaa.tmp"
    planted.symlink_to(victim)
    with atomic_open(target) as fh:
        fh.write(b"new")
    assert victim.read_bytes() == b"precious" and stat.S_IMODE(victim.stat().st_mode) == 0o644
    assert target.read_bytes() == b"new" and planted.is_symlink()


KILLED = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from veil.fileio import atomic_open
    with atomic_open(Path(sys.argv[1]), mode=0o600) as fh:
        fh.write(b"secret half" * 1000)
        fh.flush()
        os.kill(os.getpid(), signal.SIGKILL)
    """
)


def test_a_killed_writer_leaves_a_private_temp_that_the_next_write_removes(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    proc = subprocess.run(
        [sys.executable, "-c", KILLED, str(target)], capture_output=True, timeout=60, check=False
    )
    assert proc.returncode == -signal.SIGKILL
    (left,) = temps(tmp_path)
    assert left.startswith(".out.bin.") and stat.S_IMODE((tmp_path / left).stat().st_mode) == 0o600
    assert not target.exists()
    atomic_write_bytes(target, b"done", mode=0o600)
    assert temps(tmp_path) == [] and target.read_bytes() == b"done"


def test_only_dead_writers_temps_are_removed(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    mine = tmp_path / f".out.bin.{os.getpid()}.abcdef012345.tmp"  # a live writer (this process)
    dead = tmp_path / ".out.bin.999999999.abcdef012345.tmp"  # no such process
    other_target = tmp_path / ".other.bin.999999999.abcdef012345.tmp"
    fresh_legacy = tmp_path / ".out.bin.k2j4h5g6.tmp"  # an old Veil's mkstemp name, recent
    stale_legacy = tmp_path / ".out.bin.a1b2c3d4.tmp"  # ... and a day old
    for p in (mine, dead, other_target, fresh_legacy, stale_legacy):
        p.write_bytes(b"x")
    old = time.time() - LEGACY_STALE_SECONDS - 60
    os.utime(stale_legacy, (old, old))
    removed = clean_stale_temps(target)
    assert sorted(p.name for p in removed) == sorted([dead.name, stale_legacy.name])
    assert mine.exists() and other_target.exists() and fresh_legacy.exists()
