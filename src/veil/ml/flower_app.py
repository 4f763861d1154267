"""The Flower app of :mod:`veil.ml.federated`: ``server_app`` and ``client_app``.

Flower loads these objects by reference (``veil.ml.flower_app:server_app``) in the
processes its SuperLink and SuperNodes start (deployment engine) or in its
``flwr-simulation`` process and Ray workers (simulation engine); Veil never imports this
module otherwise. Both engines run this one app.

* ``client_app`` runs at a site. It opens the workspace named by the SuperNode's node
  config (``workspace=...``; a virtual SuperNode of the simulation engine has only a
  ``partition-id``, which indexes the run config's ``sites`` list), reads the purpose-
  bound extract (:func:`load_site`, audit-logged), trains from the global model and
  replies with the model's two arrays (``weight``, ``bias``) and counts/averages only —
  never a row.
* ``server_app`` drives the rounds: Flower's message-based ``FedAvg`` (wrapped in
  ``DifferentialPrivacyClientSideFixedClipping`` when DP is asked for), or, with SecAgg+,
  Flower's ``SecAggPlusWorkflow``, which in Flower 1.41 exists only for the legacy
  strategy API (``LegacyContext`` + ``flwr.server.strategy``); the client side handles
  both message formats. A last evaluation round scores the final model on each site's
  held-out rows. The result (model + metrics) goes to the run's ``result-path``.
"""

from __future__ import annotations

import json
import traceback
from pathlib import Path
from typing import Any, cast

import numpy as np
from flwr.app import Array, ArrayRecord, ConfigRecord, Context, Message, MessageType, MetricRecord, RecordDict
from flwr.client.mod import fixedclipping_mod as legacy_fixedclipping_mod
from flwr.client.mod import secaggplus_mod
from flwr.clientapp import ClientApp
from flwr.clientapp.mod import fixedclipping_mod
from flwr.common import Code, FitRes, Metrics, Scalar, Status, ndarrays_to_parameters, parameters_to_ndarrays
from flwr.common.constant import PARTITION_ID_KEY
from flwr.common.secure_aggregation.secaggplus_constants import RECORD_KEY_CONFIGS
from flwr.compat.common import recorddict_compat as compat
from flwr.server import LegacyContext, ServerConfig
from flwr.server import strategy as legacy
from flwr.server.workflow import DefaultWorkflow, SecAggPlusWorkflow
from flwr.server.workflow.constant import MAIN_PARAMS_RECORD
from flwr.serverapp import Grid, ServerApp
from flwr.serverapp.strategy import DifferentialPrivacyClientSideFixedClipping, FedAvg, Strategy
from flwr.supercore.differential_privacy import KEY_CLIPPING_NORM

from veil.ml.federated import LogisticModel, TrainConfig, train_local
from veil.ml.federated_site import SiteData, load_site
from veil.ml.federated_spec import FederatedSpec
from veil.workspace import Workspace

__all__ = ["client_app", "server_app"]

SPEC_KEY = "veil-spec"
TRAIN_KEY = "veil-train"
ROUND_KEY = "veil-round"
WEIGHT_KEY = "dp-weight"  # uniform weights under DP: the noise is calibrated to an unweighted mean
CLIPPING_NORM_KEY = KEY_CLIPPING_NORM
SECAGG_CONFIGS_KEY = RECORD_KEY_CONFIGS
LEGACY_FIT_CONFIG = "fitins.config"


# -- client side ------------------------------------------------------------------------------
def _is_legacy(content: RecordDict) -> bool:
    return LEGACY_FIT_CONFIG in content.config_records


def _workspace(context: Context) -> tuple[Path, int]:
    """This node's workspace and 1-based site number.

    A SuperNode (deployment engine) names both in its node config; a virtual SuperNode
    (simulation engine) has only its partition id, an index into the run's site list.
    """
    node = context.node_config
    if "workspace" in node:
        return Path(str(node["workspace"])), int(cast(int, node.get("site", 0)))
    if PARTITION_ID_KEY not in node or "sites" not in context.run_config:
        raise RuntimeError("this node has no workspace: start its SuperNode with --node-config workspace=...")
    index = int(cast(int, node[PARTITION_ID_KEY]))
    return Path(json.loads(str(context.run_config["sites"]))[index]), index + 1


def _site(
    context: Context, config: ConfigRecord | dict[str, Any]
) -> tuple[FederatedSpec, TrainConfig, SiteData]:
    spec = FederatedSpec.from_dict(json.loads(str(config[SPEC_KEY])))
    cfg = TrainConfig.from_dict(json.loads(str(config[TRAIN_KEY])))
    ws = Workspace.open(_workspace(context)[0])
    try:
        data = load_site(
            ws,
            spec,
            cfg.holdout,
            audit_details={"flower_run": str(context.run_id), "round": config[ROUND_KEY]},
        )
    finally:
        ws.close()
    return spec, cfg, data


def _arrays(model: LogisticModel) -> ArrayRecord:
    weight, bias = model.arrays()
    return ArrayRecord({"weight": Array(weight), "bias": Array(bias)})


def _train_metrics(model: LogisticModel, data: SiteData) -> dict[str, Any]:
    n = len(data.y_train)
    correct, loss = model.scores(data.x_train, data.y_train)
    # Scores of the *received* global model on this site's training rows, before it trains.
    return {"num-examples": n, WEIGHT_KEY: 1.0, "train-loss": loss / n, "train-accuracy": correct / n}


client_app = ClientApp()


def _clip_if_asked(msg: Message, ctxt: Context, call_next: Any) -> Message:
    """Flower's client-side fixed clipping, when the server's config carries a norm."""
    if _is_legacy(msg.content):
        if CLIPPING_NORM_KEY in msg.content.config_records[LEGACY_FIT_CONFIG]:
            return legacy_fixedclipping_mod(msg, ctxt, call_next)
        return cast(Message, call_next(msg, ctxt))
    config = msg.content.config_records.get("config")
    if config is not None and CLIPPING_NORM_KEY in config:
        return fixedclipping_mod(msg, ctxt, call_next)
    return cast(Message, call_next(msg, ctxt))


def _secagg_if_asked(msg: Message, ctxt: Context, call_next: Any) -> Message:
    """Flower's SecAgg+ client protocol, when the server runs the SecAgg+ workflow."""
    if SECAGG_CONFIGS_KEY in msg.content.config_records:
        return secaggplus_mod(msg, ctxt, call_next)
    return cast(Message, call_next(msg, ctxt))


@client_app.train(mods=[_secagg_if_asked, _clip_if_asked])
def _train(msg: Message, context: Context) -> Message:
    if _is_legacy(msg.content):
        fitins = compat.recorddict_to_fitins(msg.content, keep_input=True)
        _, cfg, data = _site(context, fitins.config)
        model = LogisticModel.from_arrays(parameters_to_ndarrays(fitins.parameters))
        metrics = _train_metrics(model, data)
        seed = _seed(cfg, int(fitins.config[ROUND_KEY]), context)
        new = train_local(model, data.x_train, data.y_train, cfg, seed)
        fitres = FitRes(
            Status(Code.OK, "ok"), ndarrays_to_parameters(new.arrays()), len(data.y_train), metrics
        )
        return Message(compat.fitres_to_recorddict(fitres, keep_input=False), reply_to=msg)
    config = msg.content.config_records["config"]
    _, cfg, data = _site(context, config)
    model = LogisticModel.from_arrays(msg.content.array_records["arrays"].to_numpy_ndarrays())
    metrics = _train_metrics(model, data)
    new = train_local(
        model, data.x_train, data.y_train, cfg, _seed(cfg, int(cast(int, config[ROUND_KEY])), context)
    )
    content = RecordDict({"arrays": _arrays(new), "metrics": MetricRecord(metrics)})
    return Message(content, reply_to=msg)


@client_app.evaluate()
def _evaluate(msg: Message, context: Context) -> Message:
    config = msg.content.config_records["config"]
    _, _, data = _site(context, config)
    model = LogisticModel.from_arrays(msg.content.array_records["arrays"].to_numpy_ndarrays())
    correct, loss = model.scores(data.x_holdout, data.y_holdout)
    metrics = MetricRecord({"num-examples": len(data.y_holdout), "correct": correct, "loss-sum": loss})
    return Message(RecordDict({"metrics": metrics}), reply_to=msg)


def _seed(cfg: TrainConfig, server_round: int, context: Context) -> int:
    site = _workspace(context)[1]
    return cfg.seed * 1_000_003 + server_round * 1_009 + site


# -- server side ------------------------------------------------------------------------------
server_app = ServerApp()


def _base_config(spec: FederatedSpec, cfg: TrainConfig, server_round: int) -> dict[str, Any]:
    return {
        SPEC_KEY: json.dumps(spec.to_dict()),
        TRAIN_KEY: json.dumps(cfg.to_dict()),
        ROUND_KEY: server_round,
    }


def _check_replies(replies: list[Message], expected: int, stage: str) -> None:
    errors = [m.error.reason for m in replies if m.has_error()]
    if errors:
        raise RuntimeError(f"{stage}: {len(errors)} site(s) failed: {errors[0]}")
    if len(replies) != expected:
        raise RuntimeError(f"{stage}: {len(replies)} of {expected} sites replied")


def _report_round(path: Path | None, server_round: int) -> None:
    """Write the number of the round just aggregated to the run's ``progress-path`` (replaced
    whole: the launcher reads it while the run goes on, see ``run_federated(on_round=...)``)."""
    if path is None:
        return
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps({"round": server_round}), encoding="utf-8")
    tmp.replace(path)


def _fedavg(
    grid: Grid, spec: FederatedSpec, cfg: TrainConfig, sites: int, progress: Path | None = None
) -> tuple[LogisticModel, list[Any]]:
    base = FedAvg(
        fraction_train=1.0,
        fraction_evaluate=1.0,
        min_train_nodes=sites,
        min_evaluate_nodes=sites,
        min_available_nodes=sites,
        weighted_by_key=WEIGHT_KEY if cfg.dp_clip is not None else "num-examples",
    )
    strategy: Strategy = base
    if cfg.dp_clip is not None:
        strategy = DifferentialPrivacyClientSideFixedClipping(
            base, noise_multiplier=cfg.dp_noise, clipping_norm=cfg.dp_clip, num_sampled_clients=sites
        )
    arrays = _arrays(LogisticModel.zeros(spec.width))
    rounds: list[dict[str, Any]] = []
    for r in range(1, cfg.rounds + 1):
        messages = list(strategy.configure_train(r, arrays, ConfigRecord(_base_config(spec, cfg, r)), grid))
        replies = list(grid.send_and_receive(messages, timeout=cfg.timeout_s))
        _check_replies(replies, len(messages), f"round {r}")
        new_arrays, metrics = strategy.aggregate_train(r, replies)
        if new_arrays is None:
            raise RuntimeError(f"round {r}: aggregation produced no model")
        arrays = new_arrays
        rounds.append({"round": r, **_round_metrics(dict(metrics or {}))})
        _report_round(progress, r)
    return LogisticModel.from_arrays(arrays.to_numpy_ndarrays()), rounds


def _round_metrics(metrics: dict[str, Any]) -> dict[str, float]:
    # Averages of the global model *received* at the round's start (before local training).
    return {k: float(metrics[k]) for k in ("train-loss", "train-accuracy") if k in metrics}


def _secagg(
    grid: Grid,
    context: Context,
    spec: FederatedSpec,
    cfg: TrainConfig,
    sites: int,
    max_rows: int,
    progress: Path | None = None,
) -> tuple[LogisticModel, list[Any]]:
    aggregated = [0]

    def fit_config(server_round: int) -> dict[str, Scalar]:
        return dict(_base_config(spec, cfg, server_round))

    def fit_metrics(results: list[tuple[int, Metrics]]) -> Metrics:
        aggregated[0] += 1  # called once a round, as the round's aggregate is made
        _report_round(progress, aggregated[0])
        total = sum(n for n, _ in results) or 1
        return {
            k: sum(n * float(m[k]) for n, m in results) / total
            for k in ("train-loss", "train-accuracy")
            if all(k in m for _, m in results)
        }

    inner = legacy.FedAvg(
        fraction_fit=1.0,
        fraction_evaluate=0.0,
        min_fit_clients=sites,
        min_evaluate_clients=0,
        min_available_clients=sites,
        initial_parameters=ndarrays_to_parameters(LogisticModel.zeros(spec.width).arrays()),
        on_fit_config_fn=fit_config,
        fit_metrics_aggregation_fn=fit_metrics,
    )
    strategy: legacy.Strategy = inner
    if cfg.dp_clip is not None:
        strategy = legacy.DifferentialPrivacyClientSideFixedClipping(
            inner, noise_multiplier=cfg.dp_noise, clipping_norm=cfg.dp_clip, num_sampled_clients=sites
        )
    legacy_context = LegacyContext(
        context=context, config=ServerConfig(num_rounds=cfg.rounds), strategy=strategy
    )
    workflow = DefaultWorkflow(
        fit_workflow=SecAggPlusWorkflow(
            num_shares=sites,  # every site holds a share of every other site's secrets
            reconstruction_threshold=sites - 1,  # the most the protocol allows (neighbours = sites - 1)
            max_weight=float(max_rows),
            timeout=cfg.timeout_s,
        )
    )
    workflow(grid, legacy_context)
    record = legacy_context.state.array_records[MAIN_PARAMS_RECORD]
    model = LogisticModel.from_arrays(parameters_to_ndarrays(compat.arrayrecord_to_parameters(record, True)))
    fit = legacy_context.history.metrics_distributed_fit
    done = {r for values in fit.values() for r, _ in values}
    if len(done) != cfg.rounds:
        raise RuntimeError(
            f"SecAgg+ halted: {len(done)} of {cfg.rounds} rounds were aggregated (see the logs)"
        )
    rounds = [
        {"round": r, **{k: float(v) for k, v in ((k, dict(fit[k]).get(r)) for k in fit) if v is not None}}
        for r in range(1, cfg.rounds + 1)
    ]
    return model, rounds


def _final_evaluation(
    grid: Grid, spec: FederatedSpec, cfg: TrainConfig, model: LogisticModel, sites: int
) -> tuple[int, float | None, float | None]:
    config = ConfigRecord(_base_config(spec, cfg, cfg.rounds + 1))
    nodes = sorted(grid.get_node_ids())
    messages = [
        Message(
            RecordDict({"arrays": _arrays(model), "config": config}),
            dst_node_id=n,
            message_type=MessageType.EVALUATE,
        )
        for n in nodes
    ]
    replies = list(grid.send_and_receive(messages, timeout=cfg.timeout_s))
    _check_replies(replies, len(messages), "final evaluation")
    n = correct = 0
    loss = 0.0
    for reply in replies:
        m = reply.content.metric_records["metrics"]
        n += int(cast(int, m["num-examples"]))
        correct += int(cast(int, m["correct"]))
        loss += float(cast(float, m["loss-sum"]))
    if n == 0:
        return 0, None, None
    return n, correct / n, loss / n


@server_app.main()
def _main(grid: Grid, context: Context) -> None:
    result_path = Path(str(context.run_config["result-path"]))
    try:
        run = json.loads(Path(str(context.run_config["spec-path"])).read_text(encoding="utf-8"))
        spec, cfg = FederatedSpec.from_dict(run["spec"]), TrainConfig.from_dict(run["train"])
        sites = int(run["sites"])
        given = context.run_config.get("progress-path")
        progress = Path(str(given)) if given else None
        if cfg.secagg:
            model, rounds = _secagg(
                grid, context, spec, cfg, sites, max(int(x) for x in run["rows"]), progress
            )
        else:
            model, rounds = _fedavg(grid, spec, cfg, sites, progress)
        n, accuracy, loss = _final_evaluation(grid, spec, cfg, model, sites)
        dp = None if cfg.dp_clip is None else {"clipping_norm": cfg.dp_clip, "noise_multiplier": cfg.dp_noise}
        result: dict[str, Any] = {
            "model": model.to_dict(spec),
            "rounds": rounds,
            "holdout_examples": n,
            "holdout_accuracy": accuracy,
            "holdout_loss": loss,
            "dp": dp,
        }
        if not np.all(np.isfinite(model.weight)):
            result = {"error": "the model diverged (non-finite weights): lower the learning rate"}
    except Exception as exc:
        result = {"error": f"{type(exc).__name__}: {exc}"}
        result_path.write_text(json.dumps(result), encoding="utf-8")
        traceback.print_exc()
        raise
    result_path.write_text(json.dumps(result), encoding="utf-8")
