"""``veil breach`` end to end, and no raw identifier in anything it prints or writes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from veil.breach.register import BreachRegister
from veil.cli import app as cli
from veil.demo.hospital import generate_patients
from veil.errors import VeilError
from veil.workspace import Workspace


def _veil(ws: Workspace, *args: str) -> tuple[int, str]:
    """Exit status and output; a VeilError as ``veil.cli.app.main`` reports it (its exit code)."""
    result = CliRunner().invoke(cli.build_command(), [*args, "--workspace", str(ws.root)], terminal_width=200)
    if isinstance(result.exception, VeilError):
        return result.exception.exit_code, result.exception.message
    return result.exit_code, result.output


def test_open_assess_draft_notices_notify_close(hospital: Workspace, tmp_path: Path) -> None:
    code, out = _veil(
        hospital, "breach", "open", "--title", "stolen laptop", "--leak", "data-store", "--json"
    )
    assert code == 0, out
    breach_id = json.loads(out)["id"]
    code, out = _veil(hospital, "breach", "assess", breach_id, "--json")
    assert code == 0, out
    assessed = json.loads(out)
    assert assessed["state"] == "assessed" and assessed["band"] in ("medium", "high", "very_high")
    code, human = _veil(hospital, "breach", "show", breach_id)
    assert code == 0 and "severity (ENISA)" in human and "hours left" in human
    draft_file = tmp_path / "draft.json"
    code, _ = _veil(hospital, "breach", "draft", breach_id, "--out", str(draft_file))
    assert code == 0 and json.loads(draft_file.read_text())["a_nature"]["approx_subjects"]["value"] == 40
    notes = tmp_path / "notices"
    code, out = _veil(hospital, "breach", "notices", breach_id, "--json")
    assert code != 0 and "--out DIR, --portal" in out
    code, out = _veil(hospital, "breach", "notices", breach_id, "--out", str(notes), "--portal", "--json")
    assert code == 0, out
    assert json.loads(out)["notices"] == 40 and len(list(notes.iterdir())) == 40
    assert [e.kind for e in BreachRegister(hospital).get(breach_id).events][-1] == "told"
    # nothing Veil printed or wrote holds a name, e-mail, phone or SSN of any patient
    written = draft_file.read_text() + human + "".join(p.read_text() for p in notes.iterdir())
    for person in generate_patients(40):
        for value in (person.name, person.email, person.phone, person.ssn):
            assert value not in written
    code, out = _veil(hospital, "breach", "notify", breach_id)
    assert code == 0, out
    code, out = _veil(hospital, "breach", "close", breach_id, "--json")
    assert code == 0 and json.loads(out)["state"] == "closed"
    code, out = _veil(hospital, "breach", "list", "--json")
    assert code == 0 and [r["id"] for r in json.loads(out)] == [breach_id]


def test_bad_input_gives_clear_errors_and_exit_codes(hospital: Workspace) -> None:
    code, out = _veil(hospital, "breach", "open", "--title", "x", "--leak", "table:foo")
    assert code != 0 and "unknown leak" in out
    code, out = _veil(
        hospital, "breach", "open", "--title", "x", "--leak", "data-store", "--aware", "yesterday"
    )
    assert code != 0 and "ISO-8601" in out
    code, out = _veil(hospital, "breach", "show", "br_missing")
    assert code != 0 and "no breach" in out
    code, out = _veil(
        hospital, "breach", "open", "--title", "x", "--leak", "data-store", "--integrity", "lots"
    )
    assert code != 0 and "integrity" in out
