"""Federated learning across Veil workspaces with Flower (one site = one workspace).

Each site keeps its rows: a Flower ``ClientApp`` (:mod:`veil.ml.flower_app`) opens its
own workspace, reads a purpose-bound, minimised extract (lawful subjects for the
purpose, allowed columns only, never a sealed column), encodes it with the *declared*
feature specification every site shares, trains a logistic regression locally and
sends back only the model's parameters and counts. The ``ServerApp`` averages them
(FedAvg), optionally with central DP on client-side clipped updates (Flower's
``DifferentialPrivacyClientSideFixedClipping`` + ``fixedclipping_mod``) and optionally
through Flower's secure aggregation (SecAgg+), so the server sees only the sum.

:func:`run_federated` runs the same app on one of two Flower engines and always tears
down every process it started:

* ``"deployment"`` (default): the real deployment engine on loopback, one SuperLink and
  one SuperNode per site as separate processes (no Ray); the app is submitted with
  ``flwr run``.
* ``"simulation"``: Flower's simulation engine (``flwr[simulation]``, which pulls Ray),
  the way Flower 1.41 documents it: a SuperLink in simulation mode (``--simulation``) that
  runs the app in a ``flwr-simulation`` process, one virtual SuperNode per site on a small
  Ray pool; the same ``flwr run``, federation size and Ray resources given with
  ``--federation-config``.

The model is a numpy logistic regression: Flower starts a fresh ``ClientApp`` process
for every message, and a small dependency set keeps each one fast to start.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from veil.errors import (
    FederatedError,
    InputError,
    MissingDependencyError,
)
from veil.ml.federated_site import preflight
from veil.ml.federated_spec import FederatedSpec

__all__ = [
    "ENGINES",
    "Engine",
    "FederatedError",
    "FederatedResult",
    "LogisticModel",
    "MissingDependencyError",
    "TrainConfig",
    "require_simulation",
    "run_federated",
    "stop_leftovers",
    "train_local",
]

FloatArray = npt.NDArray[np.float64]

_APP_MODULE = "veil.ml.flower_app"
Engine = Literal["deployment", "simulation"]
ENGINES: tuple[Engine, ...] = ("deployment", "simulation")
SIMULATION_EXTRA = "federated-sim"


@dataclass(frozen=True, slots=True)
class TrainConfig:
    """How the federation trains: FedAvg rounds of local SGD, optional DP and SecAgg+."""

    rounds: int = 3
    local_epochs: int = 5
    learning_rate: float = 0.5
    batch_size: int = 32
    l2: float = 1e-4
    holdout: float = 0.2
    seed: int = 0
    dp_clip: float | None = None
    dp_noise: float = 0.0
    secagg: bool = False
    timeout_s: float = 600.0

    def __post_init__(self) -> None:
        if self.rounds < 1 or self.local_epochs < 1 or self.batch_size < 1:
            raise InputError("rounds, local epochs and batch size must be at least 1")
        if not 0.0 <= self.holdout < 1.0:
            raise InputError("holdout must be in [0, 1)")
        if self.dp_clip is not None and self.dp_clip <= 0:
            raise InputError("--dp-clip must be positive")
        if self.dp_noise < 0 or (self.dp_noise > 0 and self.dp_clip is None):
            raise InputError("--dp-noise needs --dp-clip (noise is scaled to the clipping norm)")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


# -- the model --------------------------------------------------------------------------------
@dataclass(slots=True)
class LogisticModel:
    """p(y=1 | x) = sigmoid(x · weight + bias) over a :class:`FederatedSpec`'s encoding."""

    weight: FloatArray
    bias: float

    @classmethod
    def zeros(cls, width: int) -> LogisticModel:
        return cls(np.zeros(width, dtype=np.float64), 0.0)

    def arrays(self) -> list[FloatArray]:
        return [self.weight.astype(np.float64), np.array([self.bias], dtype=np.float64)]

    @classmethod
    def from_arrays(cls, arrays: Sequence[npt.NDArray[Any]]) -> LogisticModel:
        weight, bias = arrays
        return cls(np.asarray(weight, dtype=np.float64).reshape(-1), float(np.asarray(bias).reshape(-1)[0]))

    def predict_proba(self, x: FloatArray) -> FloatArray:
        z = np.clip(x @ self.weight + self.bias, -40.0, 40.0)
        return 1.0 / (1.0 + np.exp(-z))

    def scores(self, x: FloatArray, y: FloatArray) -> tuple[int, float]:
        """(correct predictions, summed log loss) on ``x``, ``y``."""
        if len(y) == 0:
            return 0, 0.0
        p = np.clip(self.predict_proba(x), 1e-12, 1 - 1e-12)
        correct = int(np.sum((p >= 0.5) == (y >= 0.5)))
        loss = float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))
        return correct, loss

    def accuracy(self, x: FloatArray, y: FloatArray) -> float:
        return self.scores(x, y)[0] / max(len(y), 1)

    def to_dict(self, spec: FederatedSpec) -> dict[str, Any]:
        return {
            "kind": "logistic_regression",
            "spec": spec.to_dict(),
            "columns": spec.columns,
            "weight": [float(w) for w in self.weight],
            "bias": self.bias,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LogisticModel:
        return cls(np.array(data["weight"], dtype=np.float64), float(data["bias"]))


def train_local(
    model: LogisticModel, x: FloatArray, y: FloatArray, cfg: TrainConfig, seed: int
) -> LogisticModel:
    """Mini-batch SGD on the log loss (+ L2) from ``model``; returns a new model."""
    w, b = model.weight.copy(), model.bias
    rng = np.random.default_rng(seed)
    n = len(y)
    for _ in range(cfg.local_epochs):
        order = rng.permutation(n)
        for start in range(0, n, cfg.batch_size):
            idx = order[start : start + cfg.batch_size]
            xb, yb = x[idx], y[idx]
            p = 1.0 / (1.0 + np.exp(-np.clip(xb @ w + b, -40.0, 40.0)))
            g = p - yb
            w -= cfg.learning_rate * (xb.T @ g / len(idx) + cfg.l2 * w)
            b -= cfg.learning_rate * float(np.mean(g))
    return LogisticModel(w, b)


# -- the launcher -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class FederatedResult:
    model: dict[str, Any]
    sites: int
    rows: list[int]
    rounds: list[dict[str, Any]]
    holdout_examples: int
    holdout_accuracy: float | None
    holdout_loss: float | None
    dp: dict[str, Any] | None
    secagg: bool
    seconds: float
    engine: Engine = "deployment"
    logs: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    def logistic(self) -> LogisticModel:
        return LogisticModel.from_dict(self.model)


def require_simulation() -> None:
    """Fail clearly unless Flower's simulation engine (Ray) is installed.

    Only looks for the module (``find_spec``): Ray itself is imported by Flower's
    ``flwr-simulation`` process, never by Veil's.
    """
    import importlib.util

    try:
        found = importlib.util.find_spec("ray") is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise MissingDependencyError(
            "the simulation engine needs ray, an optional dependency: "
            f"pip install 'veil[{SIMULATION_EXTRA}]' (or run without --simulation: the deployment "
            "engine needs no Ray)"
        )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_port(port: int, proc: subprocess.Popen[bytes], what: str, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise FederatedError(f"{what} exited with status {proc.returncode}; see {log}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise FederatedError(f"{what} did not listen on 127.0.0.1:{port} within {timeout:.0f} s; see {log}")


def _process_table() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, start time) of each live process (Linux ``/proc``; elsewhere empty)."""
    table: dict[int, tuple[int, str]] = {}
    proc = Path("/proc")
    if not proc.is_dir():
        return table
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text(encoding="ascii", errors="replace")
        except OSError:
            continue
        fields = stat.rpartition(")")[2].split()  # from field 3 (state) on: the name may hold spaces
        if len(fields) > 19 and fields[0] not in ("Z", "X"):
            table[int(entry.name)] = (int(fields[1]), fields[19])  # ppid (4), starttime (22)
    return table


def _descendants(roots: Sequence[int]) -> dict[int, str]:
    """pid -> start time of every live descendant of ``roots``."""
    table = _process_table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found: dict[int, str] = {}
    stack = list(roots)
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found[child] = table[child][1]
                stack.append(child)
    return found


def _alive(processes: dict[int, str]) -> list[int]:
    """Those of ``processes`` still running (same pid *and* start time: not a reused pid)."""
    table = _process_table()
    return [pid for pid, start in processes.items() if pid in table and table[pid][1] == start]


def _kill(pids: Sequence[int], sig: signal.Signals) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, sig)


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    """Stop our processes and everything they spawned.

    Each process we start leads its own session, but killing its process group is not
    enough: Flower's SuperLink starts its SuperExec in a session of its own and Ray's
    driver (in ``flwr-simulation``) makes itself a process group leader. So every
    descendant is listed first (while the tree is intact) and stopped too.
    """
    tree = _descendants([proc.pid for proc in procs])
    for proc in reversed(procs):
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
    _kill(_alive(tree), signal.SIGTERM)
    deadline = time.monotonic() + 10
    for proc in reversed(procs):
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        # The group may hold children (ServerApp, ClientApp, SuperExec) even after the leader left.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)
    while (left := _alive(tree)) and time.monotonic() < deadline:
        time.sleep(0.1)
    _kill(left, signal.SIGKILL)


def stop_leftovers(workdir: Path) -> int:
    """Stop the processes a run kept in ``workdir`` left behind (its launcher died: ``kill -9``
    of the process that called :func:`run_federated`); returns how many there were.

    Every process of a run, Flower's and Ray's, inherits the run's ``FLWR_HOME``
    (``<workdir>/flwr-home``), so they are found by it on this host (Linux ``/proc``).
    """
    marker = f"FLWR_HOME={Path(workdir).resolve() / 'flwr-home'}".encode()
    found: dict[int, str] = {}
    table = _process_table()
    for pid, (_, start) in table.items():
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes()
        except OSError:
            continue
        if marker in environ.split(b"\0"):
            found[pid] = start
    _kill(list(found), signal.SIGKILL)
    deadline = time.monotonic() + 10
    while _alive(found) and time.monotonic() < deadline:
        time.sleep(0.05)
    return len(found)


def _app_pyproject(
    spec_path: Path, result_path: Path, sites: Sequence[Path] | None, progress_path: Path | None = None
) -> str:
    # Virtual SuperNodes have no node config of their own: with the simulation engine the
    # ClientApp maps its partition id to a site through this list.
    site_list = "" if sites is None else f"sites = {json.dumps(json.dumps([str(p) for p in sites]))}\n"
    return (
        "[build-system]\n"
        'requires = ["setuptools>=68"]\n'
        'build-backend = "setuptools.build_meta"\n\n'
        "[project]\n"
        'name = "veil-federated"\n'
        'version = "1.0.0"\n'
        'description = "Veil federated logistic regression"\n'
        'license = "Apache-2.0"\n'
        "dependencies = []\n\n"
        "[tool.flwr.app]\n"
        'publisher = "veil"\n\n'
        "[tool.flwr.app.components]\n"
        f'serverapp = "{_APP_MODULE}:server_app"\n'
        f'clientapp = "{_APP_MODULE}:client_app"\n\n'
        "[tool.flwr.app.config]\n"
        f"spec-path = {json.dumps(str(spec_path))}\n"
        f"result-path = {json.dumps(str(result_path))}\n"
        + (f"progress-path = {json.dumps(str(progress_path))}\n" if progress_path is not None else "")
        + f"{site_list}"
    )


def _federation_config(sites: int, cpus: int) -> str:
    """``flwr run --federation-config`` of the simulation: N virtual SuperNodes on a small, quiet Ray."""
    return " ".join(
        [
            f"num-supernodes={sites}",
            'backend="ray"',
            f"init-args-num-cpus={cpus}",  # Ray's whole pool: at most `cpus` ClientApps at a time
            "client-resources-num-cpus=1",  # one CPU per ClientApp (Flower's default is 2)
            "client-resources-num-gpus=0.0",
            'init-args-logging-level="ERROR"',
            "init-args-log-to-driver=false",  # the workers' output stays in Ray's session logs
        ]
    )


@contextlib.contextmanager
def _workdir(keep: Path | None, prefix: str = "veil-flwr-") -> Iterator[Path]:
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True, mode=0o700)
        yield keep
        return
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def run_federated(
    spec: FederatedSpec,
    sites: Sequence[Path],
    config: TrainConfig | None = None,
    *,
    workdir: Path | None = None,
    engine: Engine = "deployment",
    cpus: int | None = None,
    on_round: Callable[[int, int], None] | None = None,
) -> FederatedResult:
    """Train across ``sites`` with Flower on loopback, on the deployment or the simulation engine.

    ``on_round(done, rounds)`` is called in this thread each time the ServerApp reports a
    finished round (it writes the round's number to the run's ``progress-path``). An exception
    it raises (a job's cancellation) ends the run between rounds: every process is stopped
    and nothing is returned.

    ``deployment``: starts a SuperLink and one SuperNode per site (separate processes,
    insecure gRPC/HTTP on 127.0.0.1 only, free ports). ``simulation``: starts a SuperLink
    in simulation mode, which runs the same ServerApp and one virtual SuperNode per site
    (the same ClientApp, on a Ray pool of ``cpus`` CPUs: one ClientApp at a time by default)
    in a ``flwr-simulation`` process; needs ``veil[federated-sim]``. Either way the app is
    submitted with ``flwr run``, the ServerApp's result is collected and every process
    started here is stopped. Logs and the SuperLink's state go to ``workdir`` (kept) or a
    temporary directory (removed).
    """
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")
    simulation = engine == "simulation"
    cfg = config or TrainConfig()
    if cpus is not None and (cpus < 1 or not simulation):
        raise InputError("--sim-cpus must be at least 1 and applies to --simulation only")
    if simulation:
        require_simulation()
    started = time.perf_counter()
    sites = [Path(s).resolve() for s in sites]
    rows = preflight(sites, spec, secagg=cfg.secagg)
    bindir = Path(sys.executable).parent
    tools = ("flower-superlink", "flwr", *(("flwr-simulation",) if simulation else ("flower-supernode",)))
    for tool in tools:
        if not (bindir / tool).exists():
            extra = SIMULATION_EXTRA if simulation else "ml"
            raise FederatedError(f"{tool} not found next to {sys.executable}: install veil[{extra}] (Flower)")
    procs: list[subprocess.Popen[bytes]] = []
    with contextlib.ExitStack() as stack:
        work = stack.enter_context(_workdir(workdir))
        home, app, logs = work / "flwr-home", work / "app", work / "logs"
        for d in (home, app, logs):
            d.mkdir(parents=True, exist_ok=True, mode=0o700)
        spec_path, result_path = work / "run.json", work / "result.json"
        progress_path = work / "progress.json"
        result_path.unlink(missing_ok=True)
        progress_path.unlink(missing_ok=True)
        spec_path.write_text(
            json.dumps({"spec": spec.to_dict(), "train": cfg.to_dict(), "sites": len(sites), "rows": rows}),
            encoding="utf-8",
        )
        app_config = _app_pyproject(spec_path, result_path, sites if simulation else None, progress_path)
        (app / "pyproject.toml").write_text(app_config, encoding="utf-8")
        port = _free_port()
        (home / "config.toml").write_text(
            f'[superlink]\ndefault = "veil"\n\n[superlink.veil]\naddress = "127.0.0.1:{port}"\n'
            "insecure = true\n",
            encoding="utf-8",
        )
        env = {
            **os.environ,
            "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}",
            "FLWR_HOME": str(home),
            "FLWR_TELEMETRY_ENABLED": "0",
            "FLWR_SUPEREXEC_TASK_POLL_INTERVAL": "0.1",  # default 1 s per message on each side
            "PYTHONWARNINGS": "ignore",
        }
        if simulation:
            # Ray's session files go with the run, not to /tmp/ray; in a directory of their own, as
            # Ray's AF_UNIX socket paths there must stay short.
            ray_tmp = stack.enter_context(_workdir(None, "veil-ray-"))
            env.pop("RAY_ADDRESS", None)  # a Ray of this run's own, never a cluster the shell points at
            env |= {
                # Ray's gRPC servers listen on every interface: this run's token guards them, and
                # the node's address is the loopback one (what Ray does on macOS and Windows).
                "RAY_AUTH_MODE": "token",
                "RAY_AUTH_TOKEN": secrets.token_hex(32),
                "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",
                "RAY_TMPDIR": str(ray_tmp),
                "RAY_USAGE_STATS_ENABLED": "0",
                "RAY_DEDUP_LOGS": "0",
                "RAY_DISABLE_IMPORT_WARNING": "1",
            }

        def start(args: list[str], log: Path) -> subprocess.Popen[bytes]:
            with log.open("wb") as fh:
                proc = subprocess.Popen(  # noqa: S603 - our own venv's Flower executables, no shell
                    args, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                    cwd=work, env=env, start_new_session=True,
                )  # fmt: skip
            procs.append(proc)
            return proc

        try:
            link_log = logs / "superlink.log"
            link = start(
                [
                    str(bindir / "flower-superlink"), "--insecure",
                    "--host", "127.0.0.1", "--port", str(port),
                    "--disable-runtime-dependency-installation", "--database", str(work / "superlink.db"),
                    *(["--simulation"] if simulation else []),
                ],
                link_log,
            )  # fmt: skip
            _wait_port(port, link, "the SuperLink", link_log, 60)
            if not simulation:
                for i, site in enumerate(sites, 1):
                    node_port = _free_port()
                    node_log = logs / f"supernode-{i}.log"
                    node = start(
                        [
                            str(bindir / "flower-supernode"), "--insecure",
                            "--superlink", f"127.0.0.1:{port}",
                            "--host", "127.0.0.1", "--port", str(node_port),
                            "--node-config", f"workspace={json.dumps(str(site))} site={i}",
                        ],
                        node_log,
                    )  # fmt: skip
                    _wait_port(node_port, node, f"the SuperNode of site {i}", node_log, 60)
            command = [str(bindir / "flwr"), "run", str(app), "veil", "--stream"]
            if simulation:
                command += ["--federation-config", _federation_config(len(sites), cpus or 1)]
            run_log = logs / "run.log"
            flwr = start(command, run_log)
            deadline = time.monotonic() + cfg.timeout_s
            reported = 0
            while True:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    flwr.wait(timeout=0.2)
                    break
                if time.monotonic() > deadline:
                    raise FederatedError(f"the federated run did not finish within {cfg.timeout_s:.0f} s")
                reported = _report_rounds(progress_path, reported, cfg.rounds, on_round)
            _report_rounds(progress_path, reported, cfg.rounds, on_round)
            if not result_path.exists():
                raise FederatedError(
                    f"the federated run failed (flwr run exit {flwr.returncode}):\n{_failure(run_log)}"
                )
            data = json.loads(result_path.read_text(encoding="utf-8"))
            if "error" in data:
                raise FederatedError(f"the federated run failed: {data['error']}")
        finally:
            _stop(procs)
    return FederatedResult(
        model=data["model"],
        sites=len(sites),
        rows=rows,
        rounds=data["rounds"],
        holdout_examples=int(data["holdout_examples"]),
        holdout_accuracy=data["holdout_accuracy"],
        holdout_loss=data["holdout_loss"],
        dp=data.get("dp"),
        secagg=cfg.secagg,
        seconds=round(time.perf_counter() - started, 3),
        engine=engine,
        logs=str(logs) if workdir is not None else None,
    )


def _report_rounds(
    path: Path, reported: int, rounds: int, on_round: Callable[[int, int], None] | None
) -> int:
    """Tell ``on_round`` of each round the ServerApp finished since ``reported``; returns the last."""
    if on_round is None:
        return reported
    try:
        done = int(json.loads(path.read_text(encoding="utf-8"))["round"])
    except (OSError, ValueError, KeyError, TypeError):
        return reported  # not written yet (the ServerApp replaces it whole, never half)
    for r in range(reported + 1, min(done, rounds) + 1):
        on_round(r, rounds)
        reported = r
    return reported


def _failure(run_log: Path) -> str:
    lines = [ln for ln in _tail(run_log, 60).splitlines() if "rror" in ln or "xception" in ln]
    return "\n".join(lines[-8:]) or _tail(run_log, 8)
