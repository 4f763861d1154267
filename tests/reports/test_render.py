"""Every report rendered for the demo workspace, in every format: the PDF pages turned into PNG
(poppler's pdftoppm) and read back as text (pdftotext), each required section present, and no
raw identifier of any demo patient anywhere."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from veil.cli import app as cli

PROCESSING_SECTIONS = [
    "Records of processing activities",
    "(a) Controller",
    "(b) Lawful basis",
    "(c) Categories of personal data",
    "(d) Recipients",
    "(e) Transfers to third countries",
    "(f) Erasure time limit",
    "(g) Security measures",
]
DPIA_SECTIONS = [
    "Screening (WP248",
    "1. Context",
    "2. Fundamental principles",
    "3. Risks",
    "Illegitimate access to data",
    "Unwanted modification of data",
    "Data disappearance",
    "4. Validation",
    "Action plan",
    "DPO opinion",
]


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{name} (poppler-utils) is missing under CI=true: .ci/run must install it")
        pytest.skip(f"{name} (poppler-utils) is not installed")
    return found


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[str]]]:
    root = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VEIL_ACTOR", "test-actor")
        result = CliRunner().invoke(cli.build_command(), ["demo", "--patients", "120", "--keep", str(root)])
        assert result.exit_code == 0, result.output
    with (root / "incoming" / "patients.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    secrets = [r[c] for r in rows for c in ("name", "email", "phone", "ssn") if r.get(c)]
    assert len(secrets) > 400
    yield root / "workspace", secrets


def _veil(ws: Path, *args: str) -> str:
    result = CliRunner().invoke(cli.build_command(), [*args, "--workspace", str(ws)], terminal_width=200)
    assert result.exit_code == 0, result.output
    return result.output


def _pdf_text(pdf: Path, tmp_path: Path) -> str:
    pages = tmp_path / f"{pdf.stem}-page"
    subprocess.run([_tool("pdftoppm"), "-png", "-r", "40", str(pdf), str(pages)], check=True)
    pngs = sorted(tmp_path.glob(f"{pdf.stem}-page*.png"))
    assert pngs and all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and p.stat().st_size > 1000 for p in pngs)
    done = subprocess.run([_tool("pdftotext"), str(pdf), "-"], check=True, capture_output=True, text=True)
    return " ".join(done.stdout.split())


def _clean(text: str, secrets: list[str]) -> None:
    leaked = [s for s in secrets if s in text]
    assert leaked == [], f"{len(leaked)} raw identifiers in a report"


def test_records_of_processing_in_every_format(demo: tuple[Path, list[str]], tmp_path: Path) -> None:
    ws, secrets = demo
    out = {fmt: tmp_path / f"ropa.{fmt}" for fmt in ("html", "pdf", "json", "csv", "jsonld")}
    for fmt, path in out.items():
        _veil(ws, "report", "processing", "--format", fmt, "--out", str(path))
    html = out["html"].read_text()
    for section in PROCESSING_SECTIONS:
        assert section in html, section
    pdf = _pdf_text(out["pdf"], tmp_path)
    for section in PROCESSING_SECTIONS:
        assert " ".join(section.split()) in pdf, section
    assert json.loads(out["json"].read_text())["records"]
    assert json.loads(out["jsonld"].read_text())["@graph"]
    for path in out.values():
        if path.suffix != ".pdf":
            _clean(path.read_text(), secrets)
    _clean(pdf, secrets)


def test_dpia_in_every_format_with_its_charts(demo: tuple[Path, list[str]], tmp_path: Path) -> None:
    ws, secrets = demo
    out = {fmt: tmp_path / f"dpia.{fmt}" for fmt in ("html", "pdf", "json", "cnil")}
    for fmt, path in out.items():
        _veil(ws, "report", "dpia", "--purpose", "research", "--format", fmt, "--out", str(path))
    html = out["html"].read_text()
    for section in DPIA_SECTIONS:
        assert section in html, section
    # charts: the risk map always, the budget and the consent coverage for this workspace
    assert html.count('src="data:image/svg+xml;base64,') == 3
    pdf = _pdf_text(out["pdf"], tmp_path)
    for section in DPIA_SECTIONS:
        assert section in pdf, section
    assert json.loads(out["cnil"].read_text())["pia"]["name"] == "research (Veil)"
    for path in out.values():
        if path.suffix != ".pdf":
            _clean(path.read_text(), secrets)
    _clean(pdf, secrets)
    status = json.loads(_veil(ws, "report", "status", "--json"))
    assert {(r["kind"], r["scope"]) for r in status} == {("processing", "*"), ("dpia", "research")}
    assert not any(r["outdated"] for r in status)


def test_the_subject_export_renders_as_a_readable_document(
    demo: tuple[Path, list[str]], tmp_path: Path
) -> None:
    ws, _ = demo
    html, pdf = tmp_path / "me.html", tmp_path / "me.pdf"
    _veil(ws, "subject", "export", "P0000005", "--format", "html", "--out", str(html))
    _veil(ws, "subject", "export", "P0000005", "--format", "pdf", "--out", str(pdf))
    text = _pdf_text(pdf, tmp_path)
    for section in ("Your data", "direct export", "P0000005"):
        assert section in html.read_text() and section in text, section
    assert oct(pdf.stat().st_mode & 0o777) == "0o600"
    result = CliRunner().invoke(
        cli.build_command(), ["subject", "export", "P0000005", "--format", "pdf", "--workspace", str(ws)]
    )
    assert result.exit_code != 0


@pytest.mark.parametrize("value", ["0", "-5", '"many"', "true", "1.5"])
def test_a_bad_large_scale_setting_is_refused_not_replaced(
    demo: tuple[Path, list[str]], tmp_path: Path, value: str
) -> None:
    """``[reports] large_scale_subjects`` decides a WP248 criterion: a typo must not silently
    fall back to the default and change the DPIA's answer."""
    ws = tmp_path / "ws"
    shutil.copytree(demo[0], ws)
    with (ws / "veil.toml").open("a", encoding="utf-8") as fh:
        fh.write(f"\n[reports]\nlarge_scale_subjects = {value}\n")
    args = ["report", "dpia", "--purpose", "research", "--format", "json", "--workspace", str(ws)]
    result = CliRunner().invoke(cli.build_command(), args)
    assert result.exit_code != 0
    assert "large_scale_subjects" in result.output + str(result.exception)
