"""Workspace settings, read from and written to ``veil.toml``."""

from __future__ import annotations

import os
import stat
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import tomli_w

from veil.errors import ConfigError
from veil.fileio import atomic_write_bytes

__all__ = [
    "CONFIG_FILE",
    "WORKSPACE_DIR",
    "WorkspaceConfig",
    "WorkspaceLocation",
    "default_workspace_dir",
    "locate_workspace",
    "read_table",
]

CONFIG_FILE = "veil.toml"
#: The directory name a workspace has when it is not named explicitly.
WORKSPACE_DIR = ".veil"

Source = Literal["option", "env", "search", "none"]


def default_workspace_dir() -> Path:
    """Where a new workspace goes: ``$VEIL_HOME`` when set, else ``./.veil``."""
    home = os.environ.get("VEIL_HOME")
    return Path(home) if home else Path(WORKSPACE_DIR)


@dataclass(frozen=True, slots=True)
class WorkspaceLocation:
    """Which workspace a command uses, and why (``veil status`` shows both)."""

    path: Path
    source: Source  # option: --workspace; env: $VEIL_HOME; search: found above the cwd; none: nothing
    searched_from: Path | None = None

    @property
    def found(self) -> bool:
        return self.source != "none"

    def describe(self) -> str:
        return {
            "option": "named with --workspace",
            "env": "named by $VEIL_HOME",
            "search": f"found by searching up from {self.searched_from}",
            "none": f"no workspace in {self.searched_from} or above",
        }[self.source]


def read_table(root: Path, name: str) -> dict[str, Any]:
    """The ``[name]`` table of ``root/veil.toml``; a dotted name ("notify.smtp") walks nested tables.

    Empty when the file or the table is absent; ConfigError when the file cannot be read, is not
    valid TOML, or the setting is not a table. Every part of Veil that keeps its settings in a
    table of ``veil.toml`` reads it here, so they all fail the same way on a broken file.
    """
    path = root / CONFIG_FILE
    try:
        table: Any = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    for part in name.split("."):
        table = table.get(part, {})
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [{name}] must be a table")
    found: dict[str, Any] = table
    return found


def locate_workspace(explicit: Path | None = None, cwd: Path | None = None) -> WorkspaceLocation:
    """The workspace to open: ``explicit`` (--workspace), else ``$VEIL_HOME``, else the nearest
    ``.veil/veil.toml`` in the current directory or a parent (like git finds ``.git``).

    The search stops at a file-system boundary, and a workspace it finds must belong to the
    current user and be writable by nobody else: a ``.veil`` planted in a shared parent
    directory (``/tmp/.veil``) would otherwise receive every ingest run below it. Such a
    workspace is refused with a ConfigError naming it (name it with --workspace to use it);
    explicit locations are the user's choice and are not checked here.
    """
    if explicit is not None:
        return WorkspaceLocation(explicit, "option")
    home = os.environ.get("VEIL_HOME")
    if home:
        return WorkspaceLocation(Path(home), "env")
    start = (cwd or Path.cwd()).absolute()
    try:
        device = start.stat().st_dev
    except OSError:
        return WorkspaceLocation(start / WORKSPACE_DIR, "none", start)
    for directory in (start, *start.parents):
        try:
            if directory.stat().st_dev != device:
                break
        except OSError:
            break
        candidate = directory / WORKSPACE_DIR
        if (candidate / CONFIG_FILE).is_file():
            _check_found(candidate)
            return WorkspaceLocation(candidate, "search", start)
    return WorkspaceLocation(start / WORKSPACE_DIR, "none", start)


def _check_found(candidate: Path) -> None:
    uid = os.geteuid()
    for path in (candidate, candidate / CONFIG_FILE):
        link, target = path.lstat(), path.stat()  # a symbolic link and what it points to
        problem = None
        for info in (link, target):
            if info.st_uid != uid:
                problem = f"belongs to another user (uid {info.st_uid})"
        if problem is None and target.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            problem = "is writable by other users"
        if problem is not None:
            raise ConfigError(
                f"found a Veil workspace at {candidate}, but {path} {problem}, so Veil does not use it "
                f"unless told to: pass --workspace {candidate} (or set $VEIL_HOME) if you trust it"
            )


@dataclass(frozen=True, slots=True)
class WorkspaceConfig:
    workspace_id: str
    database_url: str | None = None  # None: sqlite file veil.db in the workspace
    key_provider: str = "file"
    key_dir: str = "keys"  # relative to the workspace unless absolute
    keystore_url: str | None = None  # None: sqlite file keystore.db in key_dir

    def data_url(self, root: Path) -> str:
        """``$VEIL_DATABASE_URL`` if set (keeps a password out of veil.toml), else the setting."""
        override = os.environ.get("VEIL_DATABASE_URL")
        return override or self.database_url or f"sqlite:///{(root / 'veil.db').resolve()}"

    def key_path(self, root: Path) -> Path:
        path = Path(self.key_dir)
        return path if path.is_absolute() else (root / path).resolve()

    def keystore(self, root: Path) -> str:
        return self.keystore_url or f"sqlite:///{self.key_path(root) / 'keystore.db'}"

    @classmethod
    def load(cls, root: Path) -> WorkspaceConfig:
        path = root / CONFIG_FILE
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(
                f"no Veil workspace at {root} (missing {CONFIG_FILE}); "
                f"create one with `veil init --workspace {root}`"
            ) from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
        try:
            ws, keys = raw["workspace"], raw.get("keys", {})
            return cls(
                workspace_id=str(ws["id"]),
                database_url=ws.get("database_url"),
                key_provider=str(keys.get("provider", "file")),
                key_dir=str(keys.get("dir", "keys")),
                keystore_url=keys.get("keystore_url"),
            )
        except (KeyError, TypeError) as exc:
            raise ConfigError(f"{path} lacks required setting {exc}") from exc

    def save(self, root: Path) -> None:
        ws: dict[str, str] = {"id": self.workspace_id}
        if self.database_url:
            ws["database_url"] = self.database_url
        keys: dict[str, str] = {"provider": self.key_provider, "dir": self.key_dir}
        if self.keystore_url:
            keys["keystore_url"] = self.keystore_url
        body = "# Veil workspace settings\n" + tomli_w.dumps({"workspace": ws, "keys": keys})
        atomic_write_bytes(root / CONFIG_FILE, body.encode(), mode=0o600)
