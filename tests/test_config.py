"""``veil.config.read_table``: the one reader of ``veil.toml`` tables, attacked with broken files."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from veil.config import read_table
from veil.errors import ConfigError


def _write(root: Path, text: str | bytes) -> None:
    target = root / "veil.toml"
    if isinstance(text, bytes):
        target.write_bytes(text)
    else:
        target.write_text(text, encoding="utf-8")


def test_missing_file_or_table_is_empty(tmp_path: Path) -> None:
    assert read_table(tmp_path, "service") == {}
    _write(tmp_path, '[workspace]\nid = "w"\n')
    assert read_table(tmp_path, "service") == {}
    assert read_table(tmp_path, "notify.smtp") == {}


def test_nested_tables_are_walked(tmp_path: Path) -> None:
    _write(tmp_path, '[notify.smtp]\nhost = "mail.example"\nport = 587\n')
    assert read_table(tmp_path, "notify") == {"smtp": {"host": "mail.example", "port": 587}}
    assert read_table(tmp_path, "notify.smtp") == {"host": "mail.example", "port": 587}


@pytest.mark.parametrize(
    "text",
    [
        "[service\ncors_origins = 1\n",  # not TOML
        b"[service]\nname = '\xff\xfe'\n",  # not UTF-8
        "service = 3\n",  # a value where a table belongs
        "[notify]\nsmtp = 'mail.example'\n",  # the nested name is a value
    ],
)
def test_broken_files_fail_clearly(tmp_path: Path, text: str | bytes) -> None:
    _write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        read_table(tmp_path, "service" if "service" in str(text) else "notify.smtp")
    assert "veil.toml" in str(caught.value)


def test_a_folder_in_place_of_the_file_fails_clearly(tmp_path: Path) -> None:
    (tmp_path / "veil.toml").mkdir()
    with pytest.raises(ConfigError, match="cannot read"):
        read_table(tmp_path, "service")


@given(st.binary(max_size=200))
def test_any_bytes_give_a_table_or_config_error(data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        _write(root, data)
        try:
            table = read_table(root, "a.b")
        except ConfigError:
            return
        assert isinstance(table, dict)
