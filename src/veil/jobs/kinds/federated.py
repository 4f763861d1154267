"""Federated rounds as a job: what ``veil federated`` does (Flower FedAvg across site workspaces;
see veil.ml.federated), with progress after each round and cancellation between rounds.

``out`` is a path on the server (a route that submits this kind chooses it, never the caller)
where the final model is written whole once the run succeeded (an atomic replace: a run that
fails, is cancelled or is killed leaves no file). ``sites`` are workspaces on this host: the
workspace running the job, and those its administrator lists in ``veil.toml``::

    [federated]
    sites = ["/srv/veil/site-b", "/srv/veil/site-c"]

A run writes nothing to the sites but their audit entries (each site's purpose-bound read,
one a round), so an interrupted run leaves those entries and nothing else. Its Flower
processes work in ``<workspace>/federated-runs/<run>`` (``run``: a token :func:`_check`
gives each job), removed when the run ends; a restart that finds the run's worker dead stops
the processes it left there and removes the folder (:func:`_left`).
"""

from __future__ import annotations

import json
import math
import secrets
import shutil
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from veil.config import CONFIG_FILE, read_table
from veil.errors import ConfigError, InputError
from veil.jobs.kind import JobKind, Progress
from veil.jobs.kinds.params import ParamReader

if TYPE_CHECKING:
    from veil.jobs.record import JobRecord
    from veil.ml.federated import TrainConfig
    from veil.ml.federated_spec import FederatedSpec
    from veil.workspace import Workspace

__all__ = ["FEDERATED", "RUNS_DIR", "FederatedParams", "check_sites", "federated_sites"]

#: The folder of a workspace where its federated jobs' Flower processes keep their state and logs.
RUNS_DIR = "federated-runs"

#: What a run the server's restart cut short leaves (said of every point it can be cut at).
INTERRUPTED = (
    "interrupted by a server restart; no model was written (a model is written whole, only once "
    "every round and the final evaluation are done); the sites' reads of the rounds that ran are "
    "in their audit logs, nothing else was applied"
)
CANCELLED = (
    "cancelled on request between rounds; no model was written and the Flower processes were "
    "stopped; the sites' reads of the rounds that ran are in their audit logs"
)


@dataclass(frozen=True, slots=True)
class FederatedParams:
    """The options of ``veil federated`` (deployment engine; ``timeout`` in seconds)."""

    sites: tuple[str, ...]
    dataset: str
    purpose: str
    target: str
    features: tuple[str, ...]
    out: str
    positive: str | None = None
    bounds: tuple[tuple[str, float, float], ...] = ()
    categories: tuple[tuple[str, tuple[str, ...]], ...] = ()
    rounds: int = 3
    local_epochs: int = 5
    learning_rate: float = 0.5
    holdout: float = 0.2
    dp_clip: float | None = None
    dp_noise: float = 0.0
    secagg: bool = False
    seed: int = 0
    timeout: float = 900.0
    #: the run's folder name (hex), given at submission
    run: str = ""

    @classmethod
    def parse(cls, params: Mapping[str, Any]) -> FederatedParams:
        r = ParamReader("federated", params)
        sites = r.names("sites")
        features = r.names("features")
        p = cls(
            sites=sites or (),
            dataset=r.text("dataset"),
            purpose=r.text("purpose"),
            target=r.text("target"),
            features=features or (),
            out=r.text("out"),
            positive=r.text("positive", None),
            bounds=_bounds(r),
            categories=_categories(r),
            rounds=r.integer("rounds", 3, low=1),
            local_epochs=r.integer("local_epochs", 5, low=1),
            learning_rate=r.number("learning_rate", 0.5),
            holdout=r.number("holdout", 0.2),
            dp_clip=r.number("dp_clip", None),
            dp_noise=r.number("dp_noise", 0.0),
            secagg=r.flag("secagg", False),
            seed=r.integer("seed", 0),
            timeout=r.number("timeout", 900.0),
            run=r.text("run", None) or "",
        )
        r.done()
        if p.run and (len(p.run) > 64 or not all(c in "0123456789abcdef" for c in p.run)):
            raise InputError("parameter 'run' of a federated job must be a lowercase hex token")
        if len(p.sites) < 2:
            raise InputError("a federated job needs at least two sites")
        if len(set(p.sites)) != len(p.sites) or not all(Path(s).is_absolute() for s in p.sites):
            raise InputError("the sites of a federated job must be distinct absolute paths")
        if not p.features:
            raise InputError("a federated job needs at least one feature")
        if not Path(p.out).is_absolute():
            raise InputError("parameter 'out' of a federated job must be an absolute path")
        if not p.learning_rate > 0 or not p.timeout > 0:
            raise InputError("learning_rate and timeout of a federated job must be positive")
        p.config()  # TrainConfig's own checks (holdout, DP clip and noise)
        return p

    def config(self) -> TrainConfig:
        from veil.ml.federated import TrainConfig

        return TrainConfig(
            rounds=self.rounds,
            local_epochs=self.local_epochs,
            learning_rate=self.learning_rate,
            holdout=self.holdout,
            seed=self.seed,
            dp_clip=self.dp_clip,
            dp_noise=self.dp_noise,
            secagg=self.secagg,
            timeout_s=self.timeout,
        )

    def spec(self) -> FederatedSpec:
        """The declared encoding, completed from site 1's DP policy as the CLI completes it."""
        from veil.ml.federated_spec import declare_spec

        return declare_spec(
            self.dataset,
            self.purpose,
            self.target,
            list(self.features),
            positive=self.positive,
            bounds={name: (lo, hi) for name, lo, hi in self.bounds},
            categories={name: list(values) for name, values in self.categories},
            policy_site=Path(self.sites[0]),
        )


def _bounds(r: ParamReader) -> tuple[tuple[str, float, float], ...]:
    # ParamReader reads flat values; these two are objects of the CLI's --bounds / --categories.
    r.seen.add("bounds")
    value = r.params.get("bounds")
    if value is None:
        return ()
    bad = InputError("parameter 'bounds' of a federated job must map columns to [low, high]")
    if not isinstance(value, Mapping):
        raise bad
    out: list[tuple[str, float, float]] = []
    for name, pair in value.items():
        if not isinstance(name, str) or not name or not isinstance(pair, list) or len(pair) != 2:
            raise bad
        lo, hi = pair
        if not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in pair):
            raise bad
        if not lo < hi:
            raise InputError(f"bounds of {name!r}: low must be below high")
        out.append((name, float(lo), float(hi)))
    return tuple(out)


def _categories(r: ParamReader) -> tuple[tuple[str, tuple[str, ...]], ...]:
    r.seen.add("categories")
    value = r.params.get("categories")
    if value is None:
        return ()
    bad = InputError("parameter 'categories' of a federated job must map columns to lists of values")
    if not isinstance(value, Mapping):
        raise bad
    out: list[tuple[str, tuple[str, ...]]] = []
    for name, values in value.items():
        if not isinstance(name, str) or not name or not isinstance(values, list) or not values:
            raise bad
        if not all(isinstance(v, str) and v for v in values):
            raise bad
        out.append((name, tuple(values)))
    return tuple(out)


def federated_sites(ws: Workspace) -> list[Path]:
    """The workspaces a federated job of ``ws`` may train across: ``ws`` itself and those listed
    under ``[federated] sites`` in its ``veil.toml`` (resolved)."""
    path = ws.root / CONFIG_FILE
    listed = read_table(ws.root, "federated").get("sites", [])
    if not isinstance(listed, list) or not all(isinstance(s, str) and s for s in listed):
        raise ConfigError(f"[federated] sites in {path} must be a list of workspace paths")
    return [ws.root.resolve(), *(Path(s).resolve() for s in listed)]


def check_sites(ws: Workspace, sites: tuple[str, ...] | list[str]) -> None:
    """InputError unless every site is one ``ws`` may train across (:func:`federated_sites`)."""
    allowed = set(federated_sites(ws))
    strangers = [s for s in sites if Path(s).resolve() not in allowed]
    if strangers:
        raise InputError(
            f"{len(strangers)} site(s) are not federated sites of this workspace: list each under "
            f"[federated] sites in {CONFIG_FILE}"
        )


def _workdir(ws: Workspace, run: str) -> Path:
    return (ws.root / RUNS_DIR / run).resolve()


def _run(ws: Workspace, params: Mapping[str, Any], progress: Progress) -> dict[str, Any]:
    from veil.fileio import atomic_path
    from veil.ml.federated import run_federated

    p = FederatedParams.parse(params)
    if not p.run:
        raise InputError("a federated job needs its run token (submit it through JobQueue.submit)")
    check_sites(ws, p.sites)
    progress(0, p.rounds)  # a cancellation asked before the run: nothing started
    spec = p.spec()
    work = _workdir(ws, p.run)
    work.parent.mkdir(mode=0o700, exist_ok=True)
    try:
        # After each round the ServerApp aggregated: a cancellation stops the run there (every
        # Flower process is stopped); nothing is written until the run returned whole.
        result = run_federated(spec, [Path(s) for s in p.sites], p.config(), workdir=work, on_round=progress)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out = Path(p.out)
    out.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with atomic_path(out, mode=0o600) as tmp:
        tmp.write_text(json.dumps(result.model, indent=2), encoding="utf-8")
    data = {**result.to_dict(), "out": str(out)}
    data.pop("model")
    data.pop("logs")  # the run's folder, removed
    return data


def _check(params: Mapping[str, Any]) -> dict[str, Any]:
    p = FederatedParams.parse(params)
    data = asdict(p)
    data["sites"], data["features"] = list(p.sites), list(p.features)
    data["bounds"] = {name: [lo, hi] for name, lo, hi in p.bounds} or None
    data["categories"] = {name: list(values) for name, values in p.categories} or None
    data["run"] = p.run or secrets.token_hex(16)
    return {k: v for k, v in data.items() if v is not None}


def _left(ws: Workspace, job: JobRecord) -> str | None:
    """What a run a dead worker left ``running`` leaves: the model written whole (the worker died
    before recording it), or how many rounds had run (their reads are in the sites' audit logs).

    It first stops the Flower processes the dead run left on this host and removes its folder.
    """
    from veil.ml.federated import stop_leftovers

    run = str(job.params.get("run") or "")
    if run and all(c in "0123456789abcdef" for c in run):
        work = _workdir(ws, run)
        stop_leftovers(work)
        shutil.rmtree(work, ignore_errors=True)
    out = Path(str(job.params.get("out")))
    if out.is_file() and job.started_at is not None and _mtime_iso(out) >= job.started_at:
        return (
            "interrupted by a server restart after the model was written whole; its result was not recorded"
        )
    if job.progress_done > 0:
        return (
            f"interrupted by a server restart after {job.progress_done} of {job.progress_total} rounds; "
            + INTERRUPTED.removeprefix("interrupted by a server restart; ")
        )
    return None


def _mtime_iso(path: Path) -> str:
    from datetime import UTC, datetime

    from veil.clock import format_ts

    return format_ts(datetime.fromtimestamp(path.stat().st_mtime, UTC))


FEDERATED = JobKind(
    "federated", _run, interrupted=INTERRUPTED, check=_check, committed=_left, cancelled=CANCELLED
)
