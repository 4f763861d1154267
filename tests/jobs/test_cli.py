"""``veil job list|show|cancel`` over a real workspace (the operator sees every job)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from veil.cli import app as cli
from veil.consent.purpose import PurposeRegistry
from veil.errors import VeilError
from veil.jobs import JobQueue, Runner
from veil.workspace import Workspace


def veil(ws: Workspace, *args: str) -> tuple[int, str]:
    """Exit status and output; a VeilError as ``veil.cli.app.main`` reports it (its exit code)."""
    result = CliRunner().invoke(cli.build_command(), [*args, "--workspace", str(ws.root)], terminal_width=200)
    if isinstance(result.exception, VeilError):
        return result.exception.exit_code, result.exception.message
    return result.exit_code, result.output


def test_list_show_cancel(ws: Workspace) -> None:
    PurposeRegistry(ws).add("care", basis="contract", retention_days=3650)
    queue = JobQueue(ws)
    first = queue.submit("retention", {"dry_run": True}, "api_key:aaa")
    second = queue.submit("retention", {"dry_run": True}, "api_key:bbb")

    code, out = veil(ws, "job", "list", "--json")
    assert code == 0, out
    listed = json.loads(out)
    assert [j["id"] for j in listed["items"]] == [second.id, first.id] and listed["next_cursor"] is None

    code, out = veil(ws, "job", "list", "--actor", "api_key:aaa", "--json")
    assert [j["id"] for j in json.loads(out)["items"]] == [first.id]

    code, out = veil(ws, "job", "list", "--limit", "1", "--json")
    page = json.loads(out)
    assert len(page["items"]) == 1 and page["next_cursor"]
    code, out = veil(ws, "job", "list", "--limit", "1", "--cursor", page["next_cursor"], "--json")
    assert [j["id"] for j in json.loads(out)["items"]] == [first.id]

    code, out = veil(ws, "job", "cancel", first.id, "--json")
    assert code == 0 and json.loads(out)["state"] == "cancelled"
    code, out = veil(ws, "job", "cancel", first.id)
    assert code == 5 and "already ended" in out  # conflict

    assert Runner(ws).run_pending() == 1
    code, out = veil(ws, "job", "show", second.id, "--json")
    shown = json.loads(out)
    assert shown["state"] == "succeeded" and shown["result"]["dry_run"] is True

    code, out = veil(ws, "job", "show", second.id)
    assert code == 0 and "succeeded" in out and second.id in out
    code, out = veil(ws, "job", "list", "--state", "cancelled")
    assert code == 0 and first.id in out and second.id not in out
    code, out = veil(ws, "job", "show", "0" * 32)
    assert code == 4  # not found
