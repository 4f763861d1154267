"""``veil``'s top level: error handling, version, global options, help text, pinned CLI stack."""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from packaging.requirements import Requirement
from packaging.version import Version

import veil
from veil.cli import app as cli
from veil.config import locate_workspace
from veil.errors import ConfigError, NotFoundError, did_you_mean
from veil.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
BRACKETED = re.compile(r"\[[A-Za-z][\w.-]*\]")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_missing_optional_dependency_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def needs_torch(*, escape_help: bool = True) -> click.Command:
        raise ModuleNotFoundError("No module named 'torch'", name="torch")

    monkeypatch.setattr(cli, "build_command", needs_torch)
    monkeypatch.setattr("sys.argv", ["veil", "train", "--json"])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 2
    assert "pip install 'veil[ml]'" in capsys.readouterr().out


def test_other_missing_modules_stay_internal_errors(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*, escape_help: bool = True) -> click.Command:
        raise ModuleNotFoundError("No module named 'nonexistent_xyz'", name="nonexistent_xyz")

    monkeypatch.setattr(cli, "build_command", broken)
    monkeypatch.setattr("sys.argv", ["veil", "--json"])
    monkeypatch.delenv("VEIL_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == cli.INTERNAL_EXIT
    assert "internal_error" in capsys.readouterr().out


# -- the CLI stack: one set of versions, one message ---------------------------------------------


#: Libraries whose version changes what a user sees (the CLI's messages and help, the proxy's HTTP
#: behaviour) and that flwr (the ml extra) pins: the base install pins them inside flwr's ranges.
PINNED_WITH_FLWR = {"typer", "click", "rich", "fastapi", "starlette", "uvicorn"}


def _base_requirements() -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = [Requirement(r) for r in project["dependencies"]]
    return {r.name: r for r in reqs if r.name in PINNED_WITH_FLWR}


def _range(req: Requirement) -> tuple[Version | None, Version | None]:
    low = [Version(s.version) for s in req.specifier if s.operator in (">=", "==", "~=")]
    high = [Version(s.version) for s in req.specifier if s.operator == "<"]
    return (max(low) if low else None), (min(high) if high else None)


def test_the_cli_and_web_stacks_are_pinned_where_every_extra_agrees() -> None:
    """The base install pins typer/click/rich and fastapi/starlette/uvicorn inside what flwr (the
    ml extra) accepts, and the installed versions (this venv has every extra) satisfy the base
    pins: so installing an extra never moves them (it used to downgrade all six)."""
    pins = _base_requirements()
    assert set(pins) == PINNED_WITH_FLWR
    for name, req in pins.items():
        assert req.specifier.contains(metadata.version(name)), (name, str(req.specifier))
        assert _range(req)[1] is not None, f"{name} has no upper bound"
    flwr = [Requirement(r) for r in metadata.requires("flwr") or []]
    constrained = {r.name: r for r in flwr if r.name in pins and r.marker is None}
    assert {"typer", "rich", "fastapi", "starlette", "uvicorn"} <= set(constrained)
    for name, theirs in constrained.items():
        low, high = _range(pins[name])
        their_low, their_high = _range(theirs)
        assert low is not None and (their_low is None or low >= their_low), (name, str(theirs))
        assert high is not None and (their_high is None or high <= their_high), (name, str(theirs))


def test_an_unknown_command_is_suggested_once() -> None:
    result = CliRunner().invoke(cli.build_command(), ["statu"])
    assert result.exit_code == 2
    assert result.output.count("Did you mean") == 1
    assert "'status'" in result.output


def _commands(
    command: click.Command, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    yield path, command
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in sorted(command.list_commands(ctx)):
            sub = command.get_command(ctx, name)
            assert sub is not None, name
            yield from _commands(sub, (*path, name))


def _raw_texts(command: click.Command) -> list[str]:
    texts = [command.help or "", command.short_help or ""]
    texts += [getattr(p, "help", None) or "" for p in command.params]
    return texts


def test_help_text_keeps_every_bracketed_word(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich would eat ``[pii]`` or ``veil[federated-sim]`` as markup: every help page shows them."""
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.setenv("TERM", "dumb")
    raw = dict(_commands(cli.build_command(escape_help=False)))
    runner = CliRunner()
    escaped = cli.build_command()
    checked: set[str] = set()
    pages = 0
    for path, command in _commands(escaped):
        words = {w for text in _raw_texts(raw[path]) for w in BRACKETED.findall(text)}
        result = runner.invoke(escaped, [*path, "--help"], terminal_width=250)
        assert result.exit_code == 0, (path, result.output)
        shown = ANSI.sub("", result.output)
        pages += 1
        for word in words:
            assert word in shown, f"veil {' '.join(path)} --help lost {word}"
            checked.add(word)
        assert "\\[" not in shown, f"veil {' '.join(path)} --help shows an escape"
    assert pages > 40
    assert {"[pii]", "[federated-sim]"} <= checked


# -- version, python -m veil, global options ------------------------------------------------------


def test_version_is_the_installed_distributions() -> None:
    result = CliRunner().invoke(cli.build_command(), ["--version"])
    assert result.exit_code == 0
    assert result.output == f"veil {veil.__version__}\n"
    assert metadata.version("veil") == veil.__version__


def test_global_options_go_before_or_after_the_command(tmp_path: Path) -> None:
    Workspace.init(tmp_path / "ws").close()
    runner = CliRunner()
    command = cli.build_command()
    before = runner.invoke(command, ["--json", "--workspace", str(tmp_path / "ws"), "status"])
    after = runner.invoke(command, ["status", "--json", "--workspace", str(tmp_path / "ws")])
    mixed = runner.invoke(command, ["-w", str(tmp_path / "ws"), "status", "--json"])
    assert before.exit_code == after.exit_code == mixed.exit_code == 0, before.output
    assert json.loads(before.output) == json.loads(after.output) == json.loads(mixed.output)
    assert json.loads(before.output)["found_by"] == "option"
    # the command's own option wins over the one before it
    Workspace.init(tmp_path / "other").close()
    both = runner.invoke(
        command, ["-w", str(tmp_path / "ws"), "status", "--json", "-w", str(tmp_path / "other")]
    )
    assert json.loads(both.output)["workspace"] == str((tmp_path / "other").resolve())


# -- workspace discovery ----------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("VEIL_HOME", raising=False)
    Workspace.init(tmp_path / "proj" / ".veil").close()
    (tmp_path / "proj" / "a" / "b").mkdir(parents=True)
    return tmp_path / "proj"


def test_a_workspace_is_found_in_a_parent_directory(project: Path) -> None:
    found = locate_workspace(cwd=project / "a" / "b")
    assert found.source == "search" and found.path == project / ".veil"
    assert "searching up from" in found.describe()
    assert locate_workspace(cwd=project).path == project / ".veil"


def test_the_nearest_workspace_wins(project: Path) -> None:
    Workspace.init(project / "a" / ".veil").close()
    assert locate_workspace(cwd=project / "a" / "b").path == project / "a" / ".veil"


def test_explicit_and_veil_home_win_over_the_search(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert locate_workspace(Path("elsewhere"), cwd=project).source == "option"
    monkeypatch.setenv("VEIL_HOME", "/some/where")
    found = locate_workspace(cwd=project / "a")
    assert found.source == "env" and found.path == Path("/some/where")
    assert locate_workspace(Path("x"), cwd=project).source == "option"


def test_no_workspace_anywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VEIL_HOME", raising=False)
    found = locate_workspace(cwd=tmp_path)
    if found.source == "search":  # a workspace above the temporary directory: not ours to judge
        pytest.fail(f"a Veil workspace above {tmp_path} ({found.path}) makes this test meaningless")
    assert not found.found and found.path == tmp_path / ".veil"


def test_a_workspace_writable_by_others_is_refused(project: Path) -> None:
    """A .veil planted in a shared directory would receive every ingest below it."""
    os.chmod(project / ".veil", 0o777)
    with pytest.raises(ConfigError, match="writable by other users") as info:
        locate_workspace(cwd=project / "a" / "b")
    assert f"--workspace {project / '.veil'}" in info.value.message
    os.chmod(project / ".veil", 0o700)
    os.chmod(project / ".veil" / "veil.toml", 0o666)
    with pytest.raises(ConfigError, match="writable by other users"):
        locate_workspace(cwd=project / "a")


def test_a_workspace_of_another_user_is_refused(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    owner = (project / ".veil").stat().st_uid
    if os.geteuid() == 0:
        os.chown(project / ".veil", 65534, 65534)  # really another user's
    else:
        monkeypatch.setattr(os, "geteuid", lambda: owner + 1)  # we are someone else
    with pytest.raises(ConfigError, match="belongs to another user"):
        locate_workspace(cwd=project / "a" / "b")


def test_a_symlink_to_another_users_workspace_is_refused(
    tmp_path: Path, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared"
    (shared / "below").mkdir(parents=True)
    (shared / ".veil").symlink_to(project / ".veil")
    assert locate_workspace(cwd=shared / "below").path == shared / ".veil"  # ours, link and target
    if os.geteuid() == 0:
        os.chown(project / ".veil", 65534, 65534)  # the target is another user's; the link is ours
    else:
        monkeypatch.setattr(os, "geteuid", lambda: (shared / ".veil").lstat().st_uid + 1)
    with pytest.raises(ConfigError, match="another user"):
        locate_workspace(cwd=shared / "below")


def test_veil_init_never_searches(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``veil init`` in a subdirectory makes a new workspace there, not 'already exists' above."""
    monkeypatch.chdir(project / "a" / "b")
    result = CliRunner().invoke(cli.build_command(), ["--json", "init"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["workspace"] == str((project / "a" / "b" / ".veil").resolve())


# -- did you mean -----------------------------------------------------------------------------------


def test_did_you_mean_names_close_names_only() -> None:
    assert did_you_mean("patient", ["patients", "adult"]) == " Did you mean 'patients'?"
    assert did_you_mean("RESEARCH", ["research", "care"]) == " Did you mean 'research'?"
    assert did_you_mean("zzz", ["research", "care"]) == ""
    assert did_you_mean("x", []) == ""


def test_unknown_dataset_and_purpose_suggest_the_closest(ws: Workspace) -> None:
    from veil.consent.purpose import PurposeRegistry
    from veil.demo.hospital import write_csv
    from veil.vault.dataset import DatasetCatalog
    from veil.vault.ingest import Ingestor

    PurposeRegistry(ws).add("research", "consent", 30)
    Ingestor(ws).run(write_csv(ws.root.parent / "p.csv", 5), "patients", "patient_id")
    with pytest.raises(NotFoundError) as info:
        DatasetCatalog(ws).get("patient")
    assert info.value.message == "no dataset 'patient'. Did you mean 'patients'?"
    with pytest.raises(NotFoundError) as info:
        DatasetCatalog(ws).get("zebra")
    assert "veil ingest FILE --dataset zebra" in info.value.message
    with pytest.raises(NotFoundError) as info:
        PurposeRegistry(ws).get("reserch")
    assert info.value.message == "no purpose 'reserch'. Did you mean 'research'?"
    with pytest.raises(NotFoundError, match="veil purpose add marketing"):
        PurposeRegistry(ws).get("marketing")


# -- start-up: commands import only what they use ---------------------------------------------------

#: Stacks no command needs unless it is about them (ML, proxy, PII NER, Spark, DP engines, pandas).
HEAVY = ("torch", "opacus", "flwr", "tenseal", "fastapi", "uvicorn", "opendp", "spacy", "pyspark", "pandas")
_MODULES_AFTER = """
import json, sys
sys.argv = ["veil", *json.loads(sys.argv[1])]
from veil.cli.app import main
try:
    main()
except SystemExit:
    pass
sys.stderr.write("\\nMODULES " + json.dumps(sorted(sys.modules)) + "\\n")
"""


def _modules_after(*args: str, env: dict[str, str] | None = None) -> tuple[set[str], str]:
    """The modules a fresh ``veil ARGS`` process has imported when it ends, and its stdout."""
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-c", _MODULES_AFTER, json.dumps(list(args))],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        check=False,
    )
    line = proc.stderr.rsplit("MODULES ", 1)[-1]
    names = set(json.loads(line))
    return names | {m.split(".")[0] for m in names}, proc.stdout


def test_the_command_table_is_what_the_modules_register() -> None:
    """``veil --help`` lists COMMANDS without importing them: each row must be the command's own help,
    and every command a module registers must be in the table."""
    import inspect

    import typer

    for name, entry in cli.COMMANDS.items():
        command = cli.load_command(name)
        assert command.name == name
        first = inspect.cleandoc(command.short_help or command.help or "").split("\n\n")[0]
        assert first == entry.help, name
    for module in {e.module for e in cli.COMMANDS.values()}:
        registered = set(typer.main.get_group(cli._registered(module)).commands)
        assert registered <= set(cli.COMMANDS), registered - set(cli.COMMANDS)
    root = cli.build_command()
    assert isinstance(root, click.Group)
    assert root.list_commands(click.Context(root)) == list(cli.COMMANDS)


def test_help_imports_no_command_module() -> None:
    modules, out = _modules_after("--help")
    assert "query" in out and "federated" in out
    assert not modules & {*HEAVY, "sqlalchemy", "duckdb", "pyarrow", "numpy"}, sorted(modules)


def test_a_command_imports_only_its_stack(tmp_path: Path) -> None:
    Workspace.init(tmp_path / "ws").close()
    modules, out = _modules_after("--json", "-w", str(tmp_path / "ws"), "status")
    assert json.loads(out)["workspace"] == str((tmp_path / "ws").resolve())
    assert not modules & {*HEAVY, "duckdb"}, sorted(modules & {*HEAVY, "duckdb"})
    modules, out = _modules_after("--json", "-w", str(tmp_path / "ws"), "budget", "show", "nothing")
    assert json.loads(out)["error"] == "not_found"
    assert not modules & {"torch", "flwr", "tenseal", "fastapi", "spacy", "pyspark"}
    assert not modules & {"veil.cli.dataset", "veil.vault.ingest", "veil.pii", "veil.ml"}  # not DP


def test_completion_lists_commands_without_importing_them() -> None:
    modules, out = _modules_after(
        env={"_VEIL_COMPLETE": "complete_bash", "COMP_WORDS": "veil fa", "COMP_CWORD": "1"}
    )
    assert "fairness" in out
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))


def test_a_command_that_needs_a_missing_extra_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """A lazily loaded command's ImportError is mapped like any other (exit 2, the extra)."""

    def no_torch(name: str) -> click.Command:
        raise ModuleNotFoundError("No module named 'torch'", name="torch")

    monkeypatch.setattr(cli, "load_command", no_torch)
    result = CliRunner().invoke(cli.build_command(), ["train", "--help"])
    assert isinstance(result.exception, ModuleNotFoundError) and result.exception.name == "torch"
