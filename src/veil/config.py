"""Workspace settings, read from and written to ``veil.toml``."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

import tomli_w

from veil.errors import ConfigError
from veil.fileio import atomic_write_bytes

__all__ = ["CONFIG_FILE", "WorkspaceConfig", "default_workspace_dir"]

CONFIG_FILE = "veil.toml"


def default_workspace_dir() -> Path:
    """``$VEIL_HOME`` when set, else ``./.veil``."""
    home = os.environ.get("VEIL_HOME")
    return Path(home) if home else Path(".veil")


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
