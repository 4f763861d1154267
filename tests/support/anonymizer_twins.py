"""Two anonymizers over copies of one workspace: the same keys, empty token stores.

Masking the same data through one of them in one way (batched, memoised, on Spark) and through
the other in another must then give the same text, pseudonyms and counts; a difference is a
defect of the way, not of the keys.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from veil.pii import PiiConfig, PiiEngine
from veil.pii.anonymizer import Anonymizer
from veil.workspace import Workspace

__all__ = ["anonymizer_twins"]


@contextmanager
def anonymizer_twins(
    root: Path,
    secrets: Sequence[str],
    default: str = "pseudonym",
    per_type: Mapping[str, str] | None = None,
) -> Iterator[tuple[Anonymizer, Anonymizer]]:
    """Two anonymizers (rules-only engine) over copies of a workspace made under ``root`` whose
    ``secrets`` (keystore names) are created before the copy, so that both hold the same keys."""
    old = os.environ.get("VEIL_ACTOR")
    os.environ["VEIL_ACTOR"] = "test-actor"
    ws = Workspace.init(root / "a")
    for name in secrets:
        ws.keystore.secret(name)
    ws.close()
    shutil.copytree(root / "a", root / "b")
    a, b = Workspace.open(root / "a"), Workspace.open(root / "b")
    engine = PiiEngine(PiiConfig(ner=False))
    types = dict(per_type or {})
    try:
        yield Anonymizer(a, engine, default, types), Anonymizer(b, engine, default, types)
    finally:
        a.close()
        b.close()
        if old is None:
            os.environ.pop("VEIL_ACTOR", None)
        else:
            os.environ["VEIL_ACTOR"] = old
