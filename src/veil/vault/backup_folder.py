"""The backup folder of a service: where ``POST /v1/backups`` writes and restores from.

A client never names a path on the server. The operator names one folder, outside the
workspace and its key directory, in the workspace's ``veil.toml``:

    [backup]
    dir = "/var/backups/veil"

Backups are created there under names Veil chooses (``veil-<UTC time>-<random>.vbk``) with
:func:`~veil.vault.backup.create_backup` (every check of ``veil backup create`` applies:
never inside the workspace, atomic, mode 0600), and restored by name only: a name is one
path component of safe characters, so nothing outside the folder can be reached.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

from veil import clock
from veil.config import CONFIG_FILE, read_table
from veil.errors import ConfigError, InputError, NotFoundError
from veil.vault.backup import BackupResult, RestoreResult, create_backup, describe, restore_backup

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["SUFFIX", "BackupFolder"]

SUFFIX = ".vbk"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


class BackupFolder:
    """One folder of backups (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def configured(cls, root: Path) -> BackupFolder:
        """``[backup] dir`` of the workspace's veil.toml (ConfigError when unset or unusable)."""
        value = read_table(root, "backup").get("dir")
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(
                f"no backup folder: set [backup] dir in {CONFIG_FILE} to a folder outside the workspace"
            )
        path = Path(value).expanduser()
        if not path.is_absolute():
            raise ConfigError(f"{CONFIG_FILE}: [backup] dir must be an absolute path")
        return cls(path)

    def file(self, name: str) -> Path:
        """The backup called ``name`` in this folder (InputError for a bad name, NotFoundError if absent)."""
        if not _NAME.fullmatch(name) or not name.endswith(SUFFIX):
            raise InputError(f"a backup name is one file name ending in {SUFFIX}, e.g. from GET /v1/backups")
        path = self.path / name
        if not path.is_file():
            raise NotFoundError(f"no backup {name!r} in the backup folder")
        return path

    def names(self) -> list[str]:
        """The backups in the folder, oldest first (names sort by time)."""
        if not self.path.is_dir():
            return []
        return sorted(p.name for p in self.path.iterdir() if p.suffix == SUFFIX and _NAME.fullmatch(p.name))

    def describe(self, ws: Workspace, name: str) -> dict[str, Any]:
        """What a backup's clear header says (nothing is decrypted; no personal data)."""
        info = describe(self.file(name), ws, verify=False)
        keep = ("bytes", "created_at", "backup_id", "audit_seq", "belongs_to_workspace")
        return {"name": name, **{k: info.get(k) for k in keep}}

    def create(self, ws: Workspace) -> BackupResult:
        """A new backup of ``ws``'s data store in this folder (made 0700 if missing)."""
        self.path.mkdir(mode=0o700, parents=True, exist_ok=True)
        stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
        return create_backup(ws, self.path / f"veil-{stamp}-{secrets.token_hex(4)}{SUFFIX}")

    def restore(self, ws: Workspace, name: str) -> RestoreResult:
        """Replace ``ws``'s data store with backup ``name``'s, replaying every erasure since."""
        return restore_backup(ws, self.file(name))
