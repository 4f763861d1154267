"""The model registry: ``<workspace>/models/<name>/`` with weights, card and training subjects.

Each model directory holds ``model.pt`` (state dict, model kind and feature
encoding; loaded with ``weights_only=True``), ``card.json`` / ``card.md`` and
``subjects.json`` (the training subjects' pseudonyms). A SISA-sharded model
(``veil train --shards K``) holds ``sisa.json`` (manifest), ``shard-J.pt`` and
``encoding.json`` instead of ``model.pt``; its ``subjects.json`` also keeps the
shard salt and per-shard subjects (see :mod:`veil.ml.sisa`). Erasure calls
:meth:`ModelRegistry.mark_stale`, which reads only JSON, so erasing works without
the ``ml`` extra installed: torch (and the modules built on it, :mod:`veil.ml.classifier`
and :mod:`veil.ml.sisa`) is imported only by the methods that read or write weights.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from veil import clock
from veil.consent.purpose import validate_name
from veil.errors import ConfigError, ConflictError, NotFoundError
from veil.fileio import atomic_write_bytes
from veil.ml.encoding import Encoding
from veil.ml.model_card import SUBJECTS_FILE, ModelCard

if TYPE_CHECKING:
    import torch

    from veil.ml.sisa import ShardedModel
    from veil.workspace import Workspace

__all__ = ["ENCODING_FILE", "MODEL_FILE", "SISA_MANIFEST", "ModelRegistry"]

MODEL_FILE = "model.pt"
ENCODING_FILE = "encoding.json"
#: the SISA manifest's name (``veil.ml.sisa.MANIFEST_FILE``; repeated so this module needs no torch)
SISA_MANIFEST = "sisa.json"
SHARD_GLOB = "shard-*.pt"
CARD_JSON = "card.json"
CARD_MD = "card.md"
AUDITS_JSON = "audits.json"


class ModelRegistry:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.root = ws.root / "models"

    def path(self, name: str) -> Path:
        return self.root / validate_name("model", name)

    def exists(self, name: str) -> bool:
        return (self.path(name) / CARD_JSON).is_file()

    def names(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(
            p.name for p in self.root.iterdir() if not p.name.startswith(".") and (p / CARD_JSON).is_file()
        )

    def check_writable(self, name: str) -> None:
        """Refuse (before a run is charged) when the model's files could not be written."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"the model registry {self.root} cannot be created ({exc.strerror})") from exc
        target = self.path(name)
        for directory in (self.root, target) if target.is_dir() else (self.root,):
            if not os.access(directory, os.W_OK | os.X_OK):
                raise ConfigError(f"the model registry directory {directory} is not writable")

    def card(self, name: str) -> ModelCard:
        path = self.path(name) / CARD_JSON
        if not path.is_file():
            raise NotFoundError(f"no model {name!r}; `veil models list` shows the models there are")
        return ModelCard.from_dict(json.loads(path.read_text(encoding="utf-8")))

    def cards(self) -> list[ModelCard]:
        return [self.card(n) for n in self.names()]

    def subjects(self, name: str) -> list[str]:
        card = self.card(name)
        data = json.loads((self.path(name) / card.subjects_file).read_text(encoding="utf-8"))
        return [str(p) for p in data["train"]]

    def held_out(self, name: str) -> list[str] | None:
        """The subjects the model was evaluated on (None for a model trained before this was kept)."""
        card = self.card(name)
        data = json.loads((self.path(name) / card.subjects_file).read_text(encoding="utf-8"))
        held = data.get("held_out")
        return [str(p) for p in held] if isinstance(held, list) else None

    def record_held_out(self, name: str, subjects: Iterable[str]) -> None:
        """Keep the held-out subjects' pseudonyms beside the training ones (0600), for evaluations
        that must use the model's own held-out set (``veil fairness``)."""
        card = self.card(name)
        path = self.path(name) / card.subjects_file
        data = json.loads(path.read_text(encoding="utf-8"))
        data["held_out"] = sorted(subjects)
        atomic_write_bytes(path, json.dumps(data).encode(), mode=0o600)

    def trained_on(self, pseudonym: str) -> list[dict[str, Any]]:
        """The models ``pseudonym`` helped train, for the subject's access export (reads JSON only).

        Each says whether the model is stale (the subject or another was erased) and that its
        weights keep what they learnt until a retrain or ``veil models delete``.
        """
        out: list[dict[str, Any]] = []
        for name in self.names():
            card = self.card(name)
            data = json.loads((self.path(name) / card.subjects_file).read_text(encoding="utf-8"))
            if pseudonym not in data.get("train", []):
                continue
            erased = pseudonym in data.get("erased", [])
            out.append(
                {
                    "model": name,
                    "version": card.version,
                    "dataset": card.dataset,
                    "purpose": card.purpose,
                    "trained_at": card.created_at,
                    "private": card.private,
                    "epsilon": card.epsilon,
                    "stale": card.stale,
                    "subject_erased_since_training": erased,
                    "statement": (
                        "this model was trained on the subject and still holds what it learnt from them "
                        + (
                            "after their erasure: it is stale until retrained without them "
                            "(`veil models retrain`, which the privacy budget may refuse) or deleted "
                            f"(`veil models delete {name}`)"
                            if erased
                            else "(erasure marks it stale; a retrain or `veil models delete` removes them)"
                        )
                    ),
                }
            )
        return out

    def erased(self, name: str) -> list[str]:
        """The erased subjects that :meth:`mark_stale` recorded since the model was last trained."""
        card = self.card(name)
        data = json.loads((self.path(name) / card.subjects_file).read_text(encoding="utf-8"))
        return [str(p) for p in data.get("erased", [])]

    def is_sharded(self, name: str) -> bool:
        """Whether ``name`` is a SISA ensemble (its directory holds a SISA manifest)."""
        return (self.path(name) / SISA_MANIFEST).is_file()

    def check_new(self, name: str, *, replace: bool) -> None:
        if self.exists(name) and not replace:
            raise ConflictError(f"model {name!r} exists; pass --replace to train it again under that name")

    def save(
        self,
        card: ModelCard,
        state: dict[str, Any],
        subjects: list[str],
        *,
        out: Path | None = None,
    ) -> Path:
        """Write the model's files (weights and subjects 0600: they derive from personal data)."""
        import torch  # optional (the ml extra): see the module docstring

        directory = self.path(card.name)
        directory.mkdir(parents=True, exist_ok=True)
        directory.chmod(0o700)
        atomic_write_bytes(
            directory / SUBJECTS_FILE,
            json.dumps({"model": card.name, "train": sorted(subjects)}).encode(),
            mode=0o600,
        )
        tmp = directory / f".{MODEL_FILE}.new"
        torch.save(state, tmp)
        tmp.chmod(0o600)
        tmp.replace(directory / MODEL_FILE)
        # A replaced SISA ensemble's files go once the single model is in place.
        _remove(directory, [SISA_MANIFEST, ENCODING_FILE, *(p.name for p in directory.glob(SHARD_GLOB))])
        self._write_card(directory, card)
        if out is not None:
            # An exported copy: weights and card, never the subjects list.
            out.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(directory / MODEL_FILE, out / MODEL_FILE)
            (out / MODEL_FILE).chmod(0o600)
            self._write_card(out, card)
        return directory

    def save_sharded(
        self, card: ModelCard, sharded: ShardedModel, encoding: Encoding, *, out: Path | None = None
    ) -> Path:
        """Write a SISA ensemble: ``sisa.json``, ``shard-J.pt`` and ``subjects.json`` (by
        :meth:`ShardedModel.save`, whose ``train`` list :meth:`mark_stale` reads), the feature
        encoding (0600) and the card. An ``out`` copy gets the manifest, shard weights, encoding
        and card, never the subjects file (so it cannot be unlearnt from: that needs the registry)."""
        directory = self.path(card.name)
        directory.mkdir(parents=True, exist_ok=True)
        directory.chmod(0o700)
        sharded.save(directory)
        atomic_write_bytes(directory / ENCODING_FILE, json.dumps(encoding.to_dict()).encode(), mode=0o600)
        # A replaced model's files that the new one did not overwrite (a single model, more shards).
        keep = {f"shard-{j}.pt" for j in range(sharded.k)}
        _remove(directory, [MODEL_FILE, *(p.name for p in directory.glob(SHARD_GLOB) if p.name not in keep)])
        self._write_card(directory, card)
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            for file in [SISA_MANIFEST, ENCODING_FILE, *sorted(keep)]:
                shutil.copyfile(directory / file, out / file)
                (out / file).chmod(0o600)
            self._write_card(out, card)
        return directory

    @staticmethod
    def _write_card(directory: Path, card: ModelCard) -> None:
        atomic_write_bytes(
            directory / CARD_JSON, (json.dumps(card.to_dict(), indent=2, sort_keys=True) + "\n").encode()
        )
        atomic_write_bytes(directory / CARD_MD, card.to_markdown().encode())

    def load(self, name: str) -> tuple[torch.nn.Module, Encoding]:
        """The trained model (eval mode) and its feature encoding.

        A SISA ensemble comes back as one module (:meth:`ShardedModel.as_module`: one logit
        per row, of the aggregated probability), so audits and predictions need not know."""
        import torch  # optional (the ml extra), as is the classifier: see the module docstring

        from veil.ml.classifier import build_model

        self.card(name)  # NotFoundError for unknown names
        if self.is_sharded(name):
            sharded, encoding = self.load_sharded(name)
            return sharded.as_module(), encoding
        state = torch.load(self.path(name) / MODEL_FILE, weights_only=True)
        encoding = Encoding.from_dict(state["encoding"])
        model = build_model(state["kind"], encoding.width, hidden=int(state["hidden"]))
        model.load_state_dict(state["state_dict"])
        model.eval()
        return model, encoding

    def load_sharded(self, name: str) -> tuple[ShardedModel, Encoding]:
        """A SISA ensemble (with its per-shard subjects and salt) and its feature encoding."""
        from veil.ml.sisa import ShardedModel  # needs torch (the ml extra): see the module docstring

        self.card(name)  # NotFoundError for unknown names
        directory = self.path(name)
        if not self.is_sharded(name):
            raise NotFoundError(f"model {name!r} is not sharded (it was trained without --shards)")
        sharded = ShardedModel.load(directory)
        encoding = Encoding.from_dict(json.loads((directory / ENCODING_FILE).read_text(encoding="utf-8")))
        return sharded, encoding

    def record_audit(self, name: str, entry: dict[str, Any]) -> None:
        """Append an audit's summary (metrics and counts, no personal data) to ``audits.json``."""
        path = self.path(name) / AUDITS_JSON
        entries = self.audits(name)
        entries.append(entry)
        atomic_write_bytes(path, (json.dumps(entries, indent=2, sort_keys=True) + "\n").encode())

    def audits(self, name: str) -> list[dict[str, Any]]:
        """The model's recorded audits, oldest first (``veil audit-model``, ``veil fairness``)."""
        self.card(name)  # NotFoundError for unknown names
        path = self.path(name) / AUDITS_JSON
        if not path.is_file():
            return []
        data = json.loads(path.read_text(encoding="utf-8"))
        return [dict(e) for e in data] if isinstance(data, list) else []

    def delete(self, name: str) -> tuple[ModelCard, int]:
        """Remove a model at once — weights, card, subjects, audits — with an audit entry.

        The directory is first renamed out of the registry (so the model is gone for every
        reader in one step), the ``ml.model.delete`` entry (naming the training subjects, so
        their usage receipts show it) is written, then the files are removed. If the audit
        entry cannot be written the rename is undone; a crash after it leaves only a hidden
        ``.deleting-*`` directory, which the next registry listing or erasure removes.
        Copies written with ``veil train --out`` are outside the registry and not touched.
        Returns the deleted model's card and the audit entry's sequence number.
        """
        card = self.card(name)  # NotFoundError naming `veil models list`
        trained = self.subjects(name)
        directory = self.path(name)
        doomed = self.root / f".deleting-{name}-{secrets.token_hex(4)}"
        directory.rename(doomed)
        try:
            with self.ws.transaction() as conn:
                entry = self.ws.audit.append(
                    conn,
                    "ml.model.delete",
                    purpose=card.purpose,
                    dataset=card.dataset,
                    subjects=trained,
                    details={
                        "model": name,
                        "version": card.version,
                        "private": card.private,
                        "stale": card.stale,
                        "erased_subjects": card.erased_subjects,
                        "train_subjects": len(trained),
                    },
                )
        except BaseException:
            doomed.rename(directory)
            raise
        shutil.rmtree(doomed)
        return card, entry.seq

    def sweep(self) -> int:
        """Remove what an interrupted :meth:`delete` left (hidden ``.deleting-*`` directories)."""
        if not self.root.is_dir():
            return 0
        left = [p for p in self.root.iterdir() if p.name.startswith(".deleting-") and p.is_dir()]
        for p in left:
            shutil.rmtree(p, ignore_errors=True)
        return len(left)

    def mark_stale(self, pseudonyms: Iterable[str]) -> list[str]:
        """Mark every model trained on any of ``pseudonyms`` as stale; returns their names.

        Held-out lists drop the pseudonyms (those models never trained on them), and what an
        interrupted :meth:`delete` left behind is removed.
        """
        erased = set(pseudonyms)
        marked: list[str] = []
        if not erased:
            return marked
        self.sweep()
        now = clock.now_iso()
        for name in self.names():
            card = self.card(name)
            path = self.path(name) / card.subjects_file
            data = json.loads(path.read_text(encoding="utf-8"))
            held = data.get("held_out")
            if isinstance(held, list) and erased.intersection(held):
                data["held_out"] = [p for p in held if p not in erased]
                atomic_write_bytes(path, json.dumps(data).encode(), mode=0o600)
            hit = erased.intersection(data["train"])
            if not hit:
                continue
            # Idempotent: a subject erased twice (a re-run of erase) is counted once.
            data["erased"] = sorted(hit.union(data.get("erased", [])))
            atomic_write_bytes(path, json.dumps(data).encode(), mode=0o600)
            card.stale = True
            card.stale_since = card.stale_since or now
            card.erased_subjects = len(data["erased"])
            self._write_card(self.path(name), card)
            marked.append(name)
        return marked


def _remove(directory: Path, names: Iterable[str]) -> None:
    for name in names:
        (directory / name).unlink(missing_ok=True)
