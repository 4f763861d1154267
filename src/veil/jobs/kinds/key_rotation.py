"""KEK rotation as a job: what ``veil keys rotate`` does (:meth:`Workspace.rotate_keys
<veil.workspace.Workspace.rotate_keys>`: every data key re-wrapped under a new KEK, streamed
in batches, then an audit entry).

Each batch commits on its own, and a rotation is resumable: a kill or a cancellation
between batches leaves every data key unwrappable by the old or the new KEK, and the next
rotation finishes the interrupted one instead of starting another (``veil keys status``
says so meanwhile). It takes no parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from veil.jobs.kind import JobKind, Progress
from veil.jobs.kinds.params import ParamReader

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["KEY_ROTATION"]


def _check(params: Mapping[str, Any]) -> dict[str, Any]:
    ParamReader("key_rotation", params).done()
    return {}


def _run(ws: Workspace, params: Mapping[str, Any], progress: Progress) -> dict[str, Any]:
    _check(params)
    return ws.rotate_keys(progress)


KEY_ROTATION = JobKind(
    "key_rotation",
    _run,
    interrupted=(
        "interrupted by a server restart; every data key is still readable (under the old or the "
        "new KEK): rotate again to finish the rotation"
    ),
    check=_check,
    cancelled=(
        "cancelled on request between two batches; every data key is still readable (under the old or "
        "the new KEK): rotate again to finish the rotation"
    ),
)
