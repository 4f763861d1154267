"""What a DP query on the embedded engine reads: the pseudonyms of the rows of a release's
relation over the mirror (the consent overlay laid over the generation's bits), without noise."""

from __future__ import annotations

from dataclasses import replace

from veil.dp.mirror import Mirror
from veil.dp.policy import PolicyStore, effective_salt
from veil.vault.dataset import DatasetCatalog
from veil.vault.release import Release
from veil.workspace import Workspace


def generation(ws: Workspace) -> int | None:
    """The number of the mirror's current generation (None: no mirror yet)."""
    return Mirror(ws)._pointer()


def seen(ws: Workspace, dataset: str, purpose: str, mirror: Mirror | None = None) -> set[str]:
    """Pseudonyms whose rows the engine's bounded relation holds (the DuckDB engine's view)."""
    ds = DatasetCatalog(ws).get(dataset)
    policy = PolicyStore(ws).get(dataset)
    policy = replace(policy, salt=effective_salt(policy, ds))
    release = Release.open(ws, ds, purpose)
    with (mirror or Mirror(ws)).release_view(release, policy.salt, policy.bounds) as view:
        relation = view.relation(release, policy.max_rows_per_subject)
        sql = (
            f'SELECT DISTINCT s.pseudonym FROM ({relation}) r JOIN "{view.table.subjects}" s '
            "ON s.sid = r._sid"
        )
        return {str(r[0]) for r in view.cursor.execute(sql).fetchall()}
