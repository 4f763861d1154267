"""``veil``'s top-level error handling: a missing optional dependency names its extra."""

from __future__ import annotations

import pytest

from veil.cli import app as cli


def test_missing_optional_dependency_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def needs_torch() -> None:
        raise ModuleNotFoundError("No module named 'torch'", name="torch")

    monkeypatch.setattr(cli, "app", needs_torch)
    monkeypatch.setattr("sys.argv", ["veil", "train", "--json"])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 2
    assert "pip install 'veil[ml]'" in capsys.readouterr().out


def test_other_missing_modules_stay_internal_errors(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken() -> None:
        raise ModuleNotFoundError("No module named 'nonexistent_xyz'", name="nonexistent_xyz")

    monkeypatch.setattr(cli, "app", broken)
    monkeypatch.setattr("sys.argv", ["veil", "--json"])
    monkeypatch.delenv("VEIL_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == cli.INTERNAL_EXIT
    assert "internal_error" in capsys.readouterr().out
