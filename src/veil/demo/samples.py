"""The sample files the README's examples use (``veil demo --data DIR``).

Every file is generated (Faker, fixed seeds: the same bytes on every run) or comes from the
demo's sample of the UCI Adult census extract (``data/adult.csv.gz``, 6,000 rows, CC BY 4.0);
no real person is in any of them.

=====================  ===============================================================
file                   used for
=====================  ===============================================================
patients.csv           ingest, release, subject rights, DP queries (the hospital)
consent.csv            ``veil consent import``: research consent of most patients
regions.csv            ``veil table add``: a public ZIP -> region lookup DP queries join
tickets.jsonl          ``veil pii detect|mask``: support tickets with personal data
customers.csv          ``veil pii scan``: a ';'-separated CRM export (the delimiter is detected)
adult.csv              private ML: a sample of the Adult census data (income > 50K)
adult-site{A,B,C}.csv  ``veil federated``: Adult split across three sites
=====================  ===============================================================
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from faker import Faker

from veil.demo.hospital import COLUMNS, generate_patients
from veil.errors import ConflictError, InputError
from veil.fileio import atomic_write_bytes

__all__ = ["SITES", "SampleFile", "sample_names", "write_samples"]

#: The federated example's sites (one workspace each), in order.
SITES = ("siteA", "siteB", "siteC")

#: The national area of a US ZIP code's first digit (public USPS knowledge).
ZIP_AREAS = {
    "0": "Northeast",
    "1": "Mid-Atlantic",
    "2": "Capital & Carolinas",
    "3": "Southeast",
    "4": "Great Lakes",
    "5": "Upper Midwest",
    "6": "Central Plains",
    "7": "South Central",
    "8": "Mountain",
    "9": "Pacific",
}


@dataclass(frozen=True, slots=True)
class SampleFile:
    name: str
    rows: int
    purpose: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _csv_bytes(header: list[str], rows: list[list[Any]], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _patients(n: int) -> tuple[bytes, list[str], list[str]]:
    people = list(generate_patients(n))
    rows: list[list[Any]] = [p.row() for p in people]
    return _csv_bytes(COLUMNS, rows), [p.patient_id for p in people], sorted({p.zip for p in people})


def _consent(ids: list[str]) -> tuple[bytes, int]:
    """Research consent for most patients (the first three always), a few withdrawn later."""
    rng = random.Random(11)  # noqa: S311 - reproducible fake data, not security
    rows: list[list[Any]] = []
    for i, pid in enumerate(ids):
        if i < 3 or rng.random() < 0.6:
            rows.append([pid, "research", "grant", "2025-06-01T09:00:00Z", f"form-{i + 1}"])
            if i >= 3 and rng.random() < 0.05:
                rows.append([pid, "research", "withdraw", "2025-09-01T09:00:00Z", "email"])
    return _csv_bytes(["subject", "purpose", "action", "timestamp", "evidence"], rows), len(rows)


def _regions(zips: list[str]) -> bytes:
    return _csv_bytes(["zip", "region"], [[z, ZIP_AREAS[z[0]]] for z in zips])


TICKETS = [
    "Hi, this is {name}. My card {card} was charged twice for order {order}. Please call me back on {phone}.",
    "Hello support, I moved to {street}, {city}. Can you update my address? Thanks, {name}",
    "Refund request from {name} ({email}): please send the money to IBAN {iban}.",
    "App version 2.4.1 crashes at 10:30 every morning when I open invoice {order}. -- {first}",
    "{name} here, born {dob}. I cannot log in with {email} since yesterday.",
    "Please cancel subscription {order}; the account holder {name} passed away. Contact {phone}.",
    "Order {order} arrived damaged (box 3 of 4). Total was 149.99 EUR. No personal details needed.",
]


def _tickets(n: int) -> bytes:
    fake = Faker("en_GB")
    fake.seed_instance(23)
    rng = random.Random(23)  # noqa: S311 - reproducible fake data, not security
    lines = []
    for i in range(n):
        first, last = fake.first_name(), fake.last_name()
        text = rng.choice(TICKETS).format(
            name=f"{first} {last}",
            first=first,
            card=fake.credit_card_number(card_type="visa16"),
            order=f"#{rng.randint(100000, 999999)}",
            phone=fake.phone_number(),
            street=fake.street_address(),
            city=fake.city(),
            email=f"{first}.{last}{i}@example.org".lower(),
            iban=fake.iban(),
            dob=fake.date_of_birth(minimum_age=18, maximum_age=90).isoformat(),
        )
        record = {
            "ticket_id": f"T{i + 1:05d}",
            "created_at": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "channel": rng.choice(["email", "chat", "phone"]),
            "text": text,
        }
        lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    return "".join(lines).encode("utf-8")


#: Cities by locale (Faker's it_IT cities come out in a different order in every process).
CITIES = {
    "de_DE": ["Berlin", "Hamburg", "München", "Köln", "Leipzig", "Freiburg"],
    "fr_FR": ["Paris", "Lyon", "Marseille", "Toulouse", "Lille", "Nantes"],
    "it_IT": ["Roma", "Milano", "Napoli", "Torino", "Bologna", "Firenze"],
    "es_ES": ["Madrid", "Barcelona", "Valencia", "Sevilla", "Bilbao", "Zaragoza"],
    "nl_NL": ["Amsterdam", "Rotterdam", "Utrecht", "Den Haag", "Eindhoven", "Groningen"],
}


def _customers(n: int) -> bytes:
    """A European CRM export: ';' between fields, ',' in decimal amounts."""
    locales = ["de_DE", "fr_FR", "it_IT", "es_ES", "nl_NL"]
    fakers = {loc: Faker(loc) for loc in locales}
    for k, f in enumerate(fakers.values()):
        f.seed_instance(31 + k)
    rng = random.Random(31)  # noqa: S311 - reproducible fake data, not security
    rows: list[list[Any]] = []
    for i in range(n):
        fake = fakers[locales[i % len(locales)]]
        name = fake.name()
        login = unicodedata.normalize("NFKD", name.split()[0].lower()).encode("ascii", "ignore").decode()
        rows.append(
            [
                f"C{i + 1:05d}",
                name,
                f"{login}.{i}@example.eu",
                fake.phone_number(),
                fake.iban(),
                rng.choice(CITIES[locales[i % len(locales)]]),
                rng.choice(["retail", "business", "premium"]),
                f"{rng.randint(10, 5000)},{rng.randint(0, 99):02d}",
                rng.choice(["", "", "prefers e-mail", f"call {name.split()[0]} after 5pm", "VIP"]),
            ]
        )
    header = ["customer_id", "name", "email", "phone", "iban", "city", "segment", "balance_eur", "notes"]
    return _csv_bytes(header, rows, delimiter=";")


def _adult() -> tuple[bytes, list[bytes], int]:
    """The demo's Adult sample (``data/adult.csv.gz``), whole and dealt row by row to the sites."""
    source = resources.files("veil.demo").joinpath("data/adult.csv.gz")
    with source.open("rb") as fh:
        whole = gzip.decompress(fh.read())
    header, *lines = whole.splitlines(keepends=True)
    parts = [header + b"".join(lines[k :: len(SITES)]) for k in range(len(SITES))]
    return whole, parts, len(lines)


def sample_names() -> list[str]:
    """The files :func:`write_samples` writes, in order."""
    return [
        "patients.csv",
        "consent.csv",
        "regions.csv",
        "tickets.jsonl",
        "customers.csv",
        "adult.csv",
        *(f"adult-{s}.csv" for s in SITES),
    ]


def write_samples(directory: Path, *, patients: int = 3000, force: bool = False) -> list[SampleFile]:
    """Write the README's sample files into ``directory`` (created if missing).

    Existing files are never overwritten unless ``force``: a user's own ``patients.csv``
    in the current directory must not be replaced by fake data.
    """
    if directory.exists() and not directory.is_dir():
        raise InputError(f"{directory} is not a directory")
    directory.mkdir(parents=True, exist_ok=True)
    there = [n for n in sample_names() if (directory / n).exists()]
    if there and not force:
        raise ConflictError(
            f"{directory} already has {', '.join(there)}; pick an empty directory or add --force to "
            "replace them with the sample files"
        )
    written: list[SampleFile] = []

    def put(name: str, data: bytes, rows: int, purpose: str) -> None:
        atomic_write_bytes(directory / name, data, mode=0o600)
        written.append(SampleFile(name, rows, purpose))

    patients_csv, ids, zips = _patients(patients)
    put("patients.csv", patients_csv, len(ids), "the hospital: ingest, release, rights, DP queries")
    consent_csv, events = _consent(ids)
    put("consent.csv", consent_csv, events, "veil consent import (research consent, some withdrawn)")
    put("regions.csv", _regions(zips), len(zips), "veil table add: public ZIP -> region lookup")
    steps: list[tuple[str, Callable[[], bytes], int, str]] = [
        ("tickets.jsonl", lambda: _tickets(200), 200, "veil pii detect/mask: support tickets"),
        ("customers.csv", lambda: _customers(300), 300, "veil pii scan: a ';'-separated CRM export"),
    ]
    for name, make, rows, purpose in steps:
        put(name, make(), rows, purpose)
    adult, parts, rows = _adult()
    put("adult.csv", adult, rows, "private ML: UCI Adult census data (CC BY 4.0)")
    for site, part in zip(SITES, parts, strict=True):
        put(f"adult-{site}.csv", part, part.count(b"\n") - 1, f"veil federated: the rows of {site}")
    return written
