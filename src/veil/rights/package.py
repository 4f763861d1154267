"""The access package of an access or portability request: JSON (with a JSON Schema), CSV, HTML.

The package is the subject's export (:func:`veil.rights.access.export_subject`) with the
Art. 15(1) information (:mod:`veil.rights.information`) and the request it answers. JSON is
the reference form and follows ``veil/rights/data/access_package.schema.json`` (shipped in
the package; :func:`json_schema`). CSV is the same content in long form, one value per row
(``section, dataset, record, field, value``: structured, machine-readable, Art. 20), with
spreadsheet formulas defused. HTML is one self-contained page for people, every value
escaped, without scripts.

A package holds personal data: it is never stored by Veil and never logged; the request
keeps only its SHA-256 (of the JSON form) and counts.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

from veil import clock
from veil.rights.information import SECTIONS, information

if TYPE_CHECKING:
    from veil.rights.access import SubjectExport
    from veil.rights.requests import SubjectRequest
    from veil.workspace import Workspace

__all__ = ["FORMATS", "FORMAT_NAME", "SCHEMA_FILE", "AccessPackage", "PackageFormat", "json_schema"]

FORMAT_NAME = "veil.access_package"
SCHEMA_FILE = "access_package.schema.json"
PackageFormat = Literal["json", "csv", "html"]
FORMATS: tuple[PackageFormat, ...] = ("json", "csv", "html")
MEDIA_TYPES: dict[PackageFormat, str] = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def json_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) every JSON access package follows."""
    text = resources.files("veil.rights").joinpath("data", SCHEMA_FILE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _cell(value: Any) -> str:
    """One CSV cell: nested values as JSON; text a spreadsheet would run as a formula is quoted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


@dataclass(frozen=True, slots=True)
class AccessPackage:
    """One subject's access package (see the module docstring)."""

    data: dict[str, Any]

    @classmethod
    def build(cls, ws: Workspace, request: SubjectRequest, export: SubjectExport) -> AccessPackage:
        return cls(
            {
                "format": FORMAT_NAME,
                "version": 1,
                "generated_at": clock.now_iso(),
                "request": {
                    "id": request.id,
                    "type": request.type.value,
                    "regime": request.regime.value,
                    "received_at": request.received_at,
                },
                "subject": export.to_dict(),
                "information": information(ws, export),
            }
        )

    @classmethod
    def of_export(cls, ws: Workspace, export: SubjectExport) -> AccessPackage:
        """A package for a direct export (``veil subject export --format html|pdf``): no request."""
        return cls(
            {
                "format": FORMAT_NAME,
                "version": 1,
                "generated_at": clock.now_iso(),
                "request": {
                    "id": "none",
                    "type": "export",
                    "regime": "direct",
                    "received_at": clock.now_iso(),
                },
                "subject": export.to_dict(),
                "information": information(ws, export),
            }
        )

    def render(self, fmt: PackageFormat) -> bytes:
        if fmt == "json":
            return self.to_json()
        if fmt == "csv":
            return self.to_csv()
        return self.to_html()

    def to_json(self) -> bytes:
        return (
            json.dumps(self.data, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"
        ).encode()

    def sha256(self) -> str:
        return hashlib.sha256(self.to_json()).hexdigest()

    def summary(self) -> dict[str, Any]:
        """What the request keeps of its fulfilment: no personal data."""
        subject = self.data["subject"]
        return {
            "kind": "access_package",
            "status": subject["status"],
            "datasets": len(subject["datasets"]),
            "records": sum(len(rows) for rows in subject["datasets"].values()),
            "formats": list(FORMATS),
            "sha256": self.sha256(),
        }

    # -- CSV -------------------------------------------------------------------------------
    def rows(self) -> list[tuple[str, str, str, str, Any]]:
        """(section, dataset, record, field, value) for every value of the package."""
        out: list[tuple[str, str, str, str, Any]] = []
        req, subject = self.data["request"], self.data["subject"]
        out += [("request", "", "", k, v) for k, v in req.items()]
        out.append(("package", "", "", "generated_at", self.data["generated_at"]))
        for key in ("subject", "pseudonym", "status", "erased_at", "created_at", "last_seen_at"):
            out.append(("subject", "", "", key, subject[key]))
        for ds, records in subject["datasets"].items():
            for i, record in enumerate(records):
                out += [("data", ds, str(i), k, v) for k, v in record.items()]
        for section in ("consent_history", "usage", "models"):
            for i, item in enumerate(subject[section]):
                out += [(section, "", str(i), k, v) for k, v in item.items()]
        out += [("consent_state", "", "", purpose, v) for purpose, v in subject["consent_state"].items()]
        out += [("erasure_pending", "", str(i), "store", v) for i, v in enumerate(subject["erasure_pending"])]
        for name in SECTIONS:
            part = self.data["information"][name]
            out.append(("information", name, "", "statement", part["statement"]))
            for i, item in enumerate(part["recorded"]):
                out += [("information", name, str(i), k, v) for k, v in item.items()]
        return out

    def to_csv(self) -> bytes:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(["section", "dataset", "record", "field", "value"])
        for section, ds, record, key, value in self.rows():
            writer.writerow([section, _cell(ds), record, _cell(key), _cell(value)])
        return buf.getvalue().encode("utf-8")

    # -- HTML ------------------------------------------------------------------------------
    def to_html(self) -> bytes:
        e = html.escape
        subject, info, req = self.data["subject"], self.data["information"], self.data["request"]
        parts = [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta http-equiv="Content-Security-Policy" '
            "content=\"default-src 'none'; style-src 'unsafe-inline'\">",
            "<title>Your data</title>",
            "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin:0 0 1em}"
            "td,th{border:1px solid #999;padding:.2em .5em;text-align:left;vertical-align:top}</style>",
            "</head><body>",
            "<h1>Your data</h1>",
            (
                f"<p>Request {e(req['id'])} ({e(req['type'])}, {e(req['regime'].upper())}), "
                f"received {e(req['received_at'])}; "
                if req["id"] != "none"
                else "<p>A copy of everything held about you and every use of it (direct export); "
            )
            + f"generated {e(self.data['generated_at'])}.</p>",
            _table(
                ["field", "value"],
                [
                    [k, subject[k]]
                    for k in ("subject", "pseudonym", "status", "erased_at", "created_at", "last_seen_at")
                ],
            ),
        ]
        if not subject["datasets"]:
            parts.append("<p>No records about you are held in any dataset.</p>")
        for ds, records in subject["datasets"].items():
            parts.append(f"<h2>Records in {e(ds)}</h2>")
            columns = list(dict.fromkeys(k for r in records for k in r))
            parts.append(_table(columns, [[r.get(c) for c in columns] for r in records]))
        for title, key in (
            ("Consent history", "consent_history"),
            ("How your data was used", "usage"),
            ("Models", "models"),
        ):
            items = subject[key]
            parts.append(f"<h2>{e(title)}</h2>")
            if not items:
                parts.append(f"<p>{e('none recorded')}</p>")
                continue
            columns = list(dict.fromkeys(k for r in items for k in r))
            parts.append(_table(columns, [[r.get(c) for c in columns] for r in items]))
        parts.append("<h2>Information about the processing (GDPR Art. 15(1))</h2>")
        for name in SECTIONS:
            part = info[name]
            parts.append(f"<h3>{e(name.replace('_', ' ').capitalize())}</h3><p>{e(part['statement'])}</p>")
            if part["recorded"]:
                columns = list(dict.fromkeys(k for r in part["recorded"] for k in r))
                parts.append(_table(columns, [[r.get(c) for c in columns] for r in part["recorded"]]))
        parts.append("</body></html>\n")
        return "\n".join(parts).encode("utf-8")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _table(columns: list[str], rows: list[list[Any]]) -> str:
    e = html.escape
    head = "".join(f"<th>{e(str(c))}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{e(_text(v))}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
