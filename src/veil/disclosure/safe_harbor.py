"""The HIPAA Safe Harbor check: which of the 18 identifiers of 45 CFR 164.514(b)(2)(i) a table holds.

As ARX's ``RiskModelHIPAASafeHarbor`` (``arx-deidentifier/arx``, ``src/main/org/deidentifier/arx/
risk/``), a column is matched by its name and by its values; here the values are read by Veil's
own PII engine (``veil.pii``, rules only: :func:`veil.pii.tables.scan.scan_sample`) and, for a
workspace dataset, its stored categories count too: a sealed direct identifier or the subject id
is an identifier by definition, and free text may hold any of the 18. Safe Harbor also forbids
every element of a date but the year, ages over 89 and ZIP codes beyond their first three digits,
which are checked on the values. A finding names the column and why, never a value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import pandas as pd

from veil.pii.entity import EntityType
from veil.vault.category import ColumnCategory
from veil.vault.phrases import has_phrase, tokens_of

if TYPE_CHECKING:
    from veil.pii.anonymizer import Detector
    from veil.workspace import Workspace

__all__ = ["Finding", "HipaaIdentifier", "SafeHarborReport", "safe_harbor_dataset", "safe_harbor_frame"]


class HipaaIdentifier(StrEnum):
    """The 18 identifiers, lettered as in 45 CFR 164.514(b)(2)(i)."""

    NAMES = "A names"
    GEOGRAPHIC = "B geographic subdivisions smaller than a state"
    DATES = "C dates (except year) and ages over 89"
    TELEPHONE = "D telephone numbers"
    FAX = "E fax numbers"
    EMAIL = "F e-mail addresses"
    SSN = "G social security numbers"
    MEDICAL_RECORD = "H medical record numbers"
    HEALTH_PLAN = "I health plan beneficiary numbers"
    ACCOUNT = "J account numbers"
    LICENSE = "K certificate/license numbers"
    VEHICLE = "L vehicle identifiers"
    DEVICE = "M device identifiers"
    URL = "N web URLs"
    IP = "O IP addresses"
    BIOMETRIC = "P biometric identifiers"
    PHOTO = "Q full-face photographs"
    OTHER = "R any other unique identifying number, characteristic or code"


def _p(*phrases: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(p.split()) for p in phrases)


#: Column-name phrases (tokens, as ``veil.vault.phrases.tokens_of`` splits names) per identifier.
NAME_RULES: tuple[tuple[tuple[tuple[str, ...], ...], HipaaIdentifier], ...] = (
    (_p("name", "names", "surname", "firstname", "lastname", "fullname", "forename"), HipaaIdentifier.NAMES),
    (
        _p(
            "address",
            "street",
            "city",
            "county",
            "zip",
            "zipcode",
            "postcode",
            "postal",
            "town",
            "geocode",
            "latitude",
            "longitude",
            "lat",
            "lon",
            "lng",
            "precinct",
        ),
        HipaaIdentifier.GEOGRAPHIC,
    ),
    (
        _p(
            "date",
            "dob",
            "birth",
            "birthdate",
            "birthday",
            "admission",
            "admitted",
            "discharge",
            "death",
            "died",
            "timestamp",
        ),
        HipaaIdentifier.DATES,
    ),
    (_p("fax"), HipaaIdentifier.FAX),
    (_p("phone", "telephone", "mobile", "cell", "tel"), HipaaIdentifier.TELEPHONE),
    (_p("email", "e mail", "mail"), HipaaIdentifier.EMAIL),
    (_p("ssn", "social security"), HipaaIdentifier.SSN),
    (_p("mrn", "medical record"), HipaaIdentifier.MEDICAL_RECORD),
    (
        _p("health plan", "beneficiary", "member id", "insurance id", "policy number"),
        HipaaIdentifier.HEALTH_PLAN,
    ),
    (_p("account", "iban", "card number", "credit card", "bank"), HipaaIdentifier.ACCOUNT),
    (_p("license", "licence", "certificate", "passport"), HipaaIdentifier.LICENSE),
    (_p("vin", "vehicle", "plate"), HipaaIdentifier.VEHICLE),
    (_p("device", "serial", "imei", "mac", "udid"), HipaaIdentifier.DEVICE),
    (_p("url", "website", "homepage"), HipaaIdentifier.URL),
    (_p("ip", "ipaddress", "ipv4", "ipv6"), HipaaIdentifier.IP),
    (_p("fingerprint", "biometric", "retina", "iris", "voiceprint"), HipaaIdentifier.BIOMETRIC),
    (_p("photo", "photograph", "face", "portrait"), HipaaIdentifier.PHOTO),
)

#: What Veil's PII engine's entity types are among the 18. Every type is mapped except ORGANIZATION:
#: an organisation's name is none of the 18 (an employer's name is a name of the employer, not of
#: the individual), so a column of firm names alone does not fail Safe Harbor. A passport is a
#: certificate (K) as in NAME_RULES; a routing number or a wallet address is part of an account
#: identifier (J); national, tax and provider ids have no letter of their own, so they are "any other
#: unique identifying number" (R).
ENTITY_RULES: dict[str, HipaaIdentifier] = {
    EntityType.PERSON: HipaaIdentifier.NAMES,
    EntityType.LOCATION: HipaaIdentifier.GEOGRAPHIC,
    EntityType.DATE_TIME: HipaaIdentifier.DATES,
    EntityType.PHONE_NUMBER: HipaaIdentifier.TELEPHONE,
    EntityType.EMAIL_ADDRESS: HipaaIdentifier.EMAIL,
    EntityType.US_SSN: HipaaIdentifier.SSN,
    EntityType.MEDICAL_RECORD: HipaaIdentifier.MEDICAL_RECORD,
    EntityType.CREDIT_CARD: HipaaIdentifier.ACCOUNT,
    EntityType.IBAN_CODE: HipaaIdentifier.ACCOUNT,
    EntityType.BANK_ACCOUNT: HipaaIdentifier.ACCOUNT,
    EntityType.BANK_ROUTING: HipaaIdentifier.ACCOUNT,
    EntityType.CRYPTO_WALLET: HipaaIdentifier.ACCOUNT,
    EntityType.PASSPORT: HipaaIdentifier.LICENSE,
    EntityType.DRIVER_LICENSE: HipaaIdentifier.LICENSE,
    EntityType.VEHICLE_PLATE: HipaaIdentifier.VEHICLE,
    EntityType.MAC_ADDRESS: HipaaIdentifier.DEVICE,
    EntityType.URL: HipaaIdentifier.URL,
    EntityType.IP_ADDRESS: HipaaIdentifier.IP,
    EntityType.UK_NINO: HipaaIdentifier.OTHER,
    EntityType.UK_NHS: HipaaIdentifier.OTHER,
    EntityType.DE_ID: HipaaIdentifier.OTHER,
    EntityType.FR_NIR: HipaaIdentifier.OTHER,
    EntityType.ES_NIF: HipaaIdentifier.OTHER,
    EntityType.IT_FISCAL_CODE: HipaaIdentifier.OTHER,
    EntityType.KR_RRN: HipaaIdentifier.OTHER,
    EntityType.FI_PERSONAL_ID: HipaaIdentifier.OTHER,
    EntityType.SG_NRIC: HipaaIdentifier.OTHER,
    EntityType.NL_BSN: HipaaIdentifier.OTHER,
    EntityType.PL_PESEL: HipaaIdentifier.OTHER,
    EntityType.SE_PERSONAL_ID: HipaaIdentifier.OTHER,
    EntityType.DK_CPR: HipaaIdentifier.OTHER,
    EntityType.NO_PERSONAL_ID: HipaaIdentifier.OTHER,
    EntityType.BE_NATIONAL_NUMBER: HipaaIdentifier.OTHER,
    EntityType.IE_PPS: HipaaIdentifier.OTHER,
    EntityType.CH_AHV: HipaaIdentifier.OTHER,
    EntityType.CN_RESIDENT_ID: HipaaIdentifier.OTHER,
    EntityType.BR_CPF: HipaaIdentifier.OTHER,
    EntityType.MX_CURP: HipaaIdentifier.OTHER,
    EntityType.JP_MY_NUMBER: HipaaIdentifier.OTHER,
    EntityType.TR_NATIONAL_ID: HipaaIdentifier.OTHER,
    EntityType.ZA_ID_NUMBER: HipaaIdentifier.OTHER,
    EntityType.TH_NATIONAL_ID: HipaaIdentifier.OTHER,
    EntityType.IL_ID_NUMBER: HipaaIdentifier.OTHER,
    EntityType.MY_NRIC: HipaaIdentifier.OTHER,
    EntityType.IN_AADHAAR: HipaaIdentifier.OTHER,
    EntityType.IN_PAN: HipaaIdentifier.OTHER,
    EntityType.IN_GSTIN: HipaaIdentifier.OTHER,
    EntityType.IN_VOTER_ID: HipaaIdentifier.OTHER,
    EntityType.US_ITIN: HipaaIdentifier.OTHER,
    EntityType.US_NPI: HipaaIdentifier.OTHER,
    EntityType.VAT_ID: HipaaIdentifier.OTHER,
    EntityType.REFERENCE_NUMBER: HipaaIdentifier.OTHER,
    EntityType.USERNAME: HipaaIdentifier.OTHER,
}

#: The share of a column's sampled values an entity type must reach to count.
VALUE_SHARE = 0.05


@dataclass(frozen=True, slots=True)
class Finding:
    column: str
    identifier: HipaaIdentifier
    #: "name", "values" or "category"
    evidence: str
    detail: str


@dataclass(frozen=True, slots=True)
class SafeHarborReport:
    columns: tuple[str, ...]
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def passes(self) -> bool:
        """No column holds any of the 18 identifiers (as far as names, values and categories show)."""
        return not self.findings

    def identifiers(self) -> list[HipaaIdentifier]:
        return sorted({f.identifier for f in self.findings}, key=list(HipaaIdentifier).index)

    def to_dict(self) -> dict[str, Any]:
        return {
            "passes": self.passes,
            "columns": list(self.columns),
            "identifiers": [i.value for i in self.identifiers()],
            "findings": [
                {
                    "column": f.column,
                    "identifier": f.identifier.value,
                    "evidence": f.evidence,
                    "detail": f.detail,
                }
                for f in self.findings
            ],
        }


def _by_name(column: str) -> list[Finding]:
    tokens = tokens_of(column)
    out = []
    for phrases, identifier in NAME_RULES:
        phrase = has_phrase(tokens, phrases)
        if phrase:
            out.append(Finding(column, identifier, "name", f"name contains '{' '.join(phrase)}'"))
    return out


def _by_values(column: str, values: pd.Series) -> list[Finding]:
    tokens = tokens_of(column)
    out: list[Finding] = []
    if "age" in tokens or "ages" in tokens:
        ages = pd.to_numeric(values, errors="coerce")
        over = int((ages > 89).sum())
        if over:
            out.append(Finding(column, HipaaIdentifier.DATES, "values", f"{over} age(s) over 89"))
    if has_phrase(tokens, _p("zip", "zipcode", "postcode", "postal", "zip code")):
        digits = values.dropna().astype(str).str.count(r"\d")
        long = int((digits > 3).sum())
        if long:
            out.append(
                Finding(
                    column, HipaaIdentifier.GEOGRAPHIC, "values", f"{long} code(s) with more than 3 digits"
                )
            )
    return out


def _engine() -> Detector:
    from veil.pii.config import PiiConfig
    from veil.pii.engine import PiiEngine

    return PiiEngine(PiiConfig(ner=False), processes=1)


def safe_harbor_frame(
    df: pd.DataFrame,
    *,
    categories: Mapping[str, ColumnCategory] | None = None,
    engine: Detector | None = None,
    sample_rows: int = 500,
) -> SafeHarborReport:
    """Check the columns of ``df`` (and any column only named in ``categories``: sealed ones)."""
    from veil.pii.tables.scan import scan_sample

    categories = categories or {}
    columns = list(dict.fromkeys([*df.columns, *categories]))
    findings: list[Finding] = []
    for column in columns:
        findings.extend(_by_name(column))
        category = categories.get(column)
        if category in (ColumnCategory.DIRECT_IDENTIFIER, ColumnCategory.SUBJECT_ID):
            findings.append(
                Finding(column, HipaaIdentifier.OTHER, "category", f"classified {category.value} (sealed)")
            )
        elif category is ColumnCategory.FREE_TEXT:
            findings.append(
                Finding(
                    column, HipaaIdentifier.OTHER, "category", "free text (sealed): may hold any identifier"
                )
            )
        if column in df.columns:
            findings.extend(_by_values(column, df[column]))
    sample = df.head(sample_rows)
    scans = (
        scan_sample({c: sample[c].tolist() for c in sample.columns}, engine or _engine())
        if len(sample)
        else []
    )
    for scan in scans:
        for entity, share in scan.entities.items():
            identifier = ENTITY_RULES.get(entity)
            if identifier is not None and share >= VALUE_SHARE:
                findings.append(
                    Finding(scan.name, identifier, "values", f"{share:.0%} of sampled values hold a {entity}")
                )
    unique = list(dict.fromkeys(findings))
    return SafeHarborReport(tuple(columns), tuple(unique))


def safe_harbor_dataset(
    ws: Workspace, dataset: str, *, engine: Detector | None = None, sample_rows: int = 500
) -> SafeHarborReport:
    """Check a workspace dataset: its clear columns' names and sampled values, and every column's category."""
    from veil.errors import InputError, did_you_mean
    from veil.vault.dataset import DatasetCatalog
    from veil.vault.release import scan_clear

    catalog = DatasetCatalog(ws)
    ds = catalog.find(dataset)
    if ds is None:
        raise InputError(f"no dataset named {dataset!r}.{did_you_mean(dataset, catalog.names())}")
    clear = [c for c in ds.columns if not c.sealed]
    frame = pd.DataFrame({c.name: pd.Series(dtype=object) for c in clear})
    if clear:
        gone = ws.keystore.journal.erasing(limit=10_000)
        for table in scan_clear(ws, ds, clear, gone, batch=sample_rows):
            frame = table.to_pandas().rename(columns={c.sql_name: c.name for c in clear})[
                [c.name for c in clear]
            ]
            break
    categories = {c.name: c.category for c in ds.columns}
    categories.setdefault(ds.subject_column, ColumnCategory.SUBJECT_ID)
    return safe_harbor_frame(frame, categories=categories, engine=engine, sample_rows=sample_rows)


def describe(report: SafeHarborReport) -> Sequence[str]:
    """One line per finding, for people."""
    return [f"{f.column}: {f.identifier.value} ({f.evidence}: {f.detail})" for f in report.findings]
