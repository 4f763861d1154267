"""Every shell block of README.md runs as written, in order, as a new user would run it.

The blocks run in a fresh directory that stands for a clone of the repository: its
``.venv`` is this test's virtual environment, and ``PATH`` does not hold that
environment's ``bin`` until a block activates it (``source .venv/bin/activate``), as in a
new shell. Each ```bash block runs with ``bash -e -o pipefail`` (a failing command fails
the block), starting in the directory and with the exported variables the previous block
ended with, like one shell session. ```python blocks run with the environment's Python.
Nothing is read from stdin: a command that asks for confirmation must be given ``--yes``.

What a block cannot do in a test, it is checked for instead of run:

* ``python3 -m venv``, ``pip install ...`` and ``pytest`` (the set-up at the top, and the
  extras named in the sections): ``.ci/run`` does exactly these; here every extra a
  ``pip install -e '.[X]'`` names must exist in ``pyproject.toml`` (this environment has
  them all), and the rest of the line still runs (``.venv/bin/veil demo``).

A block may carry markers, as a comment line ``# test: MARKER`` in the block:

* ``background``: the block starts a server (``veil proxy``). The test starts it, waits for
  its ``--port`` to answer ``GET /healthz`` with 200, then stops it (SIGTERM) and checks it
  had not failed.
* ``slow``: a long block (training, federated learning). It runs in
  ``test_readme_slow_blocks`` (``@pytest.mark.slow``: CI runs it), after the fast blocks
  before it; a slow block must not be needed by a fast block that follows it.
* ``postgres``: the block needs a PostgreSQL server; ``$DATABASE_URL`` names a new, empty
  database (``test_readme_postgres_block``, with the project's ``postgres`` marker).

A failure names the block (its number, its line in README.md and its first command) and
shows the end of its output.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq
import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
MARKERS = frozenset({"background", "slow", "postgres"})
LANGUAGES = {"bash": "bash", "sh": "bash", "shell": "bash", "python": "python"}
FAST_TIMEOUT = 600.0
SLOW_TIMEOUT = 1800.0
SERVER_START_TIMEOUT = 60.0
_FENCE = re.compile(r"^(?P<indent>\s*)```(?P<lang>[\w-]*)\s*$")
_MARKER = re.compile(r"^\s*#\s*test:\s*(?P<names>[a-z, -]+?)(?:\s+--.*)?$")
_EXTRAS = re.compile(r"\.\[(?P<extras>[\w,-]+)\]")


@dataclass(frozen=True)
class Block:
    number: int  # 1-based, among the runnable blocks
    line: int  # line of the opening fence in README.md
    lang: str  # "bash" or "python"
    body: str
    markers: frozenset[str] = field(default_factory=frozenset)

    @property
    def first_command(self) -> str:
        for line in self.body.splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                return line.strip()[:100]
        return "(empty)"

    def __str__(self) -> str:
        return f"README block {self.number} (README.md line {self.line}, {self.lang}: {self.first_command})"


def readme_blocks(text: str) -> list[Block]:
    """The runnable fenced blocks of ``text`` (bash/sh/shell and python), in order."""
    blocks: list[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if opening is None or not opening["lang"]:
            i += 1
            continue
        indent, lang, start = opening["indent"], opening["lang"], i + 1
        i += 1
        body: list[str] = []
        while i < len(lines) and lines[i].strip() != "```":
            body.append(lines[i][len(indent) :] if lines[i].startswith(indent) else lines[i].lstrip())
            i += 1
        if i == len(lines):
            raise AssertionError(f"README.md line {start}: the ```{lang} block is never closed")
        i += 1
        if lang not in LANGUAGES:
            continue
        markers: set[str] = set()
        for line in body:
            found = _MARKER.match(line)
            if found:
                markers |= {m.strip() for m in found["names"].split(",") if m.strip()}
        unknown = markers - MARKERS
        assert not unknown, f"README.md line {start}: unknown test marker(s) {sorted(unknown)}"
        blocks.append(
            Block(len(blocks) + 1, start, LANGUAGES[lang], "\n".join(body) + "\n", frozenset(markers))
        )
    return blocks


def _extras() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return set(project.get("optional-dependencies", {}))


def _checked_not_run(segment: str, block: Block) -> bool:
    """True for the set-up commands a test cannot run (see the module docstring), after checking them."""
    try:
        words = shlex.split(segment, comments=True)
    except ValueError:  # a line continued with \ or a quote closed on a later line: not set-up
        words = segment.split()
    if not words:
        return False
    program = Path(words[0]).name
    if program in {"python", "python3"} and words[1:3] == ["-m", "venv"]:
        return True
    if (program in {"python", "python3"} and words[1:3] == ["-m", "pytest"]) or program == "pytest":
        return True
    if program == "pip" or (program in {"python", "python3"} and words[1:3] == ["-m", "pip"]):
        assert "install" in words, f"{block}: a pip command other than install: {segment!r}"
        for word in words:
            extras = _EXTRAS.search(word)
            if extras:
                missing = set(extras["extras"].split(",")) - _extras()
                assert not missing, f"{block}: pip install names extras pyproject.toml lacks: {missing}"
        return True
    return False


def runnable_script(block: Block) -> str:
    """The block's bash text with the set-up commands replaced by ``:`` (no-op), once checked."""
    out = []
    for line in block.body.splitlines():
        parts = re.split(r"(\s*&&\s*)", line)
        kept = [(":" if i % 2 == 0 and _checked_not_run(p, block) else p) for i, p in enumerate(parts)]
        out.append("".join(kept))
    return "\n".join(out) + "\n"


def _venv_bin() -> Path:
    if sys.prefix == sys.base_prefix:
        pytest.fail("the README test runs in a virtual environment (.venv), as the README's set-up makes")
    return Path(sys.prefix) / "bin"


def _start_env(home: Path) -> dict[str, str]:
    """A new user's shell: no Veil settings, and this venv's bin not on PATH (not activated)."""
    venv_bin = _venv_bin().resolve()
    path = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and Path(p).resolve() != venv_bin]
    drop = {"VIRTUAL_ENV", "VEIL_HOME", "VEIL_DATABASE_URL", "VEIL_DEBUG", "VEIL_ACTOR", "PYTHONPATH"}
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("_VEIL")}
    env.update(PATH=os.pathsep.join(path), HOME=str(home), COLUMNS="120", PYTHONUNBUFFERED="1")
    return env


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.splitlines()[-lines:])


@dataclass
class Session:
    """One shell session through the README: the directory, the environment, what ran."""

    clone: Path
    state: Path
    cwd: Path
    env: dict[str, str]
    done: dict[int, bool] = field(default_factory=dict)  # block number -> passed
    outputs: dict[int, str] = field(default_factory=dict)

    def _failure(self, block: Block, why: str, out: str, err: str) -> None:
        self.done[block.number] = False
        pytest.fail(
            f"{block} {why}\n--- block ---\n{block.body}--- stdout (end) ---\n{_tail(out)}\n"
            f"--- stderr (end) ---\n{_tail(err)}",
            pytrace=False,
        )

    def run(self, block: Block, *, extra_env: dict[str, str] | None = None) -> str:
        failed = [n for n, ok in self.done.items() if not ok]
        if failed:
            pytest.fail(f"{block} not run: README block {failed[0]} failed before it", pytrace=False)
        if "background" in block.markers:
            return self._serve(block)
        timeout = SLOW_TIMEOUT if "slow" in block.markers else FAST_TIMEOUT
        env = {**self.env, **(extra_env or {})}
        if block.lang == "python":
            script = self.state / f"block{block.number}.py"
            script.write_text(block.body, encoding="utf-8")
            cmd = [sys.executable, str(script)]
        else:
            script = self.state / f"block{block.number}.sh"
            script.write_text(
                runnable_script(block) + f'pwd > "{self.state}/cwd"\nenv -0 > "{self.state}/env"\n',
                encoding="utf-8",
            )
            cmd = ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", str(script)]
        try:
            proc = subprocess.run(
                cmd,
                cwd=self.cwd,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        except subprocess.TimeoutExpired as exc:
            out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
            err = exc.stderr.decode() if isinstance(exc.stderr, bytes) else (exc.stderr or "")
            self._failure(block, f"ran past {timeout:.0f} s", out, err)
            raise  # unreachable: pytest.fail raised
        output = proc.stdout + proc.stderr
        if proc.returncode != 0:
            self._failure(block, f"exited {proc.returncode}", proc.stdout, proc.stderr)
        for bad in ("Traceback (most recent call last)", "internal error", "internal_error"):
            if bad in output:
                self._failure(block, f"printed {bad!r}", proc.stdout, proc.stderr)
        if block.lang == "bash":
            self.cwd = Path((self.state / "cwd").read_text(encoding="utf-8").strip())
            pairs = (self.state / "env").read_bytes().split(b"\0")
            self.env = dict(p.decode().split("=", 1) for p in pairs if b"=" in p)
            for key in extra_env or {}:
                self.env.pop(key, None)
        self.done[block.number] = True
        self.outputs[block.number] = output
        return output

    def _serve(self, block: Block) -> str:
        ports = re.findall(r"--port[ =](\d+)", block.body)
        assert len(ports) == 1, f"{block}: a background block names its --port once"
        port = int(ports[0])
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                pytest.fail(f"{block}: port {port} is already in use on this machine", pytrace=False)
        script = self.state / f"block{block.number}.sh"
        lines = runnable_script(block).splitlines()
        commands = [c for c in lines if c.strip() and not c.lstrip().startswith("#")]
        assert len(commands) == 1, f"{block}: a background block holds one command (the server)"
        script.write_text(f"exec {commands[0]}\n", encoding="utf-8")
        logs = (self.state / f"block{block.number}.out", self.state / f"block{block.number}.err")
        with logs[0].open("w") as out, logs[1].open("w") as err:
            server = subprocess.Popen(
                ["bash", "--noprofile", "--norc", "-e", str(script)],
                cwd=self.cwd,
                env=self.env,
                stdout=out,
                stderr=err,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        try:
            deadline = time.monotonic() + SERVER_START_TIMEOUT
            status = None
            while time.monotonic() < deadline and server.poll() is None:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                        status = r.status
                        break
                except OSError:
                    time.sleep(0.3)
            alive = server.poll() is None
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
            try:
                code = server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                code = server.wait()
        out_text, err_text = (p.read_text(encoding="utf-8", errors="replace") for p in logs)
        if not alive or status != 200:
            self._failure(
                block, f"did not serve GET /healthz on port {port} (exit {code})", out_text, err_text
            )
        if code not in (0, -signal.SIGTERM):
            self._failure(block, f"exited {code} when stopped with SIGTERM", out_text, err_text)
        self.done[block.number] = True
        return out_text + err_text

    def ensure_before(self, target: Block, blocks: list[Block]) -> None:
        """Run the fast blocks before ``target`` that have not run yet (for a test run alone)."""
        for block in blocks:
            if block.number >= target.number:
                break
            if block.number not in self.done and not block.markers & {"slow", "postgres"}:
                self.run(block)


BLOCKS = readme_blocks(README.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    base = tmp_path_factory.mktemp("readme")
    clone, state, home = base / "veil", base / "state", base / "home"
    for d in (clone, state, home):
        d.mkdir()
    (clone / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    yield Session(clone=clone, state=state, cwd=clone, env=_start_env(home))


# -- the parser and the rules, on their own ------------------------------------------------------


def test_the_readme_has_blocks_of_every_kind() -> None:
    assert len(BLOCKS) >= 8
    langs = {b.lang for b in BLOCKS}
    assert langs == {"bash", "python"}
    markers = set().union(*(b.markers for b in BLOCKS))
    assert {"background", "slow", "postgres"} <= markers
    first = BLOCKS[0].body
    assert ".venv/bin/pip install -e ." in first and ".venv/bin/veil demo" in first  # the README's first line
    assert "python -m pytest" in first


def test_parser_and_setup_rules(tmp_path: Path) -> None:
    text = (
        "intro\n```bash\n# test: slow, postgres\necho a && pip install -e '.[ml]' && echo b\n```\n"
        "  ```yaml\n  a: 1\n  ```\n  ```python\n  print(1)\n  ```\n"
    )
    blocks = readme_blocks(text)
    assert [(b.lang, b.line, b.markers) for b in blocks] == [
        ("bash", 2, frozenset({"slow", "postgres"})),
        ("python", 9, frozenset()),
    ]
    assert blocks[1].body == "print(1)\n"
    assert runnable_script(blocks[0]).splitlines()[1] == "echo a && : && echo b"
    bad = readme_blocks("```bash\npip install -e '.[nonexistent]'\n```\n")[0]
    with pytest.raises(AssertionError, match="nonexistent"):
        runnable_script(bad)
    with pytest.raises(AssertionError, match="unknown test marker"):
        readme_blocks("```bash\n# test: sloww\necho\n```\n")
    with pytest.raises(AssertionError, match="never closed"):
        readme_blocks("```bash\necho\n")


# -- the README itself ------------------------------------------------------------------------------


def _fast(block: Block) -> bool:
    return not block.markers & {"slow", "postgres"}


def test_readme_fast_blocks(session: Session) -> None:
    """Every block not marked slow or postgres, in order; then what they left behind makes sense."""
    for block in BLOCKS:
        if _fast(block):
            session.run(block)
    _check_fast_results(session)


def _veil_json(session: Session, *args: str) -> object:
    proc = subprocess.run(
        [str(_venv_bin() / "veil"), *args, "--json"],
        cwd=session.cwd,
        env=session.env,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, f"veil {' '.join(args)} after the README: {proc.stdout}{proc.stderr}"
    return json.loads(proc.stdout)


def _check_fast_results(session: Session) -> None:
    """Sensible results, beyond exit codes: the state a reader of the README expects."""
    status = _veil_json(session, "status")
    assert isinstance(status, dict)
    assert status["found_by"] == "search" and "patients" in status["datasets"], status
    assert status["erased_subjects"] >= 1
    assert _veil_json(session, "audit", "verify")["ok"] is True  # type: ignore[index]
    research = pq.read_table(session.cwd / "research.parquet")
    assert research.num_rows > 1000
    assert {"name", "email", "ssn", "notes", "patient_id"}.isdisjoint(research.column_names)
    masked = (session.cwd / "masked.jsonl").read_text(encoding="utf-8")
    tickets = (session.cwd / "tickets.jsonl").read_text(encoding="utf-8")
    emails = set(re.findall(r"[\w.]+@example\.org", tickets))
    assert emails and not any(e in masked for e in emails)
    assert len(masked.splitlines()) == len(tickets.splitlines())
    synthetic = pq.read_table(session.cwd / "synthetic.parquet")
    assert synthetic.num_rows > 0
    for column in synthetic.column_names:
        assert synthetic.column(column).null_count < synthetic.num_rows, f"synthetic {column} is empty"


@pytest.mark.slow
def test_readme_slow_blocks(session: Session) -> None:
    """The long blocks (training, federated learning), in order, after the fast blocks before them."""
    slow = [b for b in BLOCKS if "slow" in b.markers]
    assert slow
    for block in slow:
        session.ensure_before(block, BLOCKS)
        session.run(block)
    _check_slow_results(session)


def _check_slow_results(session: Session) -> None:
    models = _veil_json(session, "models", "list")
    assert isinstance(models, list)
    names = {m["name"] for m in models}
    assert {"income-dp", "income-sisa", "income-lr"} <= names, names
    assert "income-plain" not in names  # deleted at the end of the ML block
    assert any(n.startswith("income-dp-fair") for n in names), names  # fairness --mitigate registered it
    for m in models:
        assert m["dataset"] == "adult" and 0.5 < float(m["accuracy"]) <= 1.0, m
    for fed in ("fed.json", "fed-sim.json"):
        model = json.loads((session.cwd / fed).read_text(encoding="utf-8"))
        assert model, f"{fed} is empty"
    released = pq.read_table(session.cwd / "features.parquet").num_rows
    predictions = (session.cwd / "predictions.csv").read_text(encoding="utf-8").splitlines()
    # the demo's 6,000 Adult rows less the one erased subject; a header, one score per row
    assert released == 5_999 and len(predictions) == released + 1


@pytest.mark.postgres
def test_readme_postgres_block(session: Session, postgres_url: str) -> None:
    """The PostgreSQL block (``postgres_url`` fails under CI=true without a server, skips elsewhere)."""
    blocks = [b for b in BLOCKS if "postgres" in b.markers]
    assert blocks
    for block in blocks:
        session.ensure_before(block, BLOCKS)
        output = session.run(block, extra_env={"DATABASE_URL": postgres_url})
        assert "postgresql" in output
