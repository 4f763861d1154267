"""A generated hospital dataset: realistic, entirely fake patients (Faker, seeded).

Each patient has a name, email, phone, SSN, date of birth, ZIP code, sex, a
diagnosis and a free-text clinical note that mentions their name and other
identifiers, as real notes do. Emails and SSNs are unique per patient so tests
can search for them byte by byte.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from faker import Faker

__all__ = ["COLUMNS", "Patient", "generate_patients", "write_csv"]

COLUMNS = [
    "patient_id",
    "name",
    "email",
    "phone",
    "ssn",
    "date_of_birth",
    "zip",
    "sex",
    "diagnosis",
    "admission_date",
    "length_of_stay",
    "notes",
]

DIAGNOSES = [
    ("E11.9", "Type 2 diabetes mellitus"),
    ("I10", "Essential hypertension"),
    ("J45.909", "Asthma"),
    ("F32.9", "Major depressive disorder"),
    ("M54.5", "Low back pain"),
    ("J18.9", "Pneumonia"),
    ("N39.0", "Urinary tract infection"),
    ("I48.91", "Atrial fibrillation"),
    ("K21.9", "Gastro-oesophageal reflux disease"),
    ("C50.919", "Breast cancer"),
    ("B20", "HIV disease"),
    ("O80", "Pregnancy, normal delivery"),
    ("G43.909", "Migraine"),
    ("E66.9", "Obesity"),
    ("F41.1", "Generalised anxiety disorder"),
]
NOTE_TEMPLATES = [
    "{name} (DOB {dob}) presented with symptoms consistent with {diag}. Patient reachable at {phone}. "
    "Started on standard therapy; follow-up in {weeks} weeks.",
    "Seen today: {name}, {age}-year-old {sex_word}. History of {diag}. Discussed medication adherence; "
    "patient asked that results be emailed to {email}.",
    "Admission note for {name}. Chief complaint related to {diag}. Vitals stable. "
    "Insurance verified with SSN {ssn}. Plan: observe {days} days.",
    "Telephone consult with {name} regarding {diag}. Reports improvement since last visit. "
    "Lives in ZIP {zip}. Continue current plan.",
]


@dataclass(frozen=True, slots=True)
class Patient:
    patient_id: str
    name: str
    email: str
    phone: str
    ssn: str
    date_of_birth: str
    zip: str
    sex: str
    diagnosis: str
    admission_date: str
    length_of_stay: int
    notes: str

    def row(self) -> list[str | int]:
        return [getattr(self, c) for c in COLUMNS]


def _ssn(i: int, rng: random.Random) -> str:
    # Valid-looking, unique per index: area 100-665 (never 000/666/9xx), group 01-99.
    area = 100 + (i // 9999) % 566
    serial = 1 + i % 9999
    group = rng.randint(1, 99)
    return f"{area:03d}-{group:02d}-{serial:04d}"


def generate_patients(n: int, seed: int = 7, locale: str = "en_US") -> Iterator[Patient]:
    """Yield ``n`` fake patients, deterministic for a seed."""
    fake = Faker(locale)
    fake.seed_instance(seed)
    rng = random.Random(seed)  # noqa: S311 - reproducible fake data, not security
    today = date(2026, 1, 1)
    first_names = [fake.first_name() for _ in range(400)]
    last_names = [fake.last_name() for _ in range(600)]
    zips = [fake.zipcode() for _ in range(300)]
    domains = ["example.com", "mail.example.org", "example.net", "inbox.example.co.uk"]
    for i in range(n):
        first, last = rng.choice(first_names), rng.choice(last_names)
        name = f"{first} {last}"
        email = f"{first}.{last}.{i}@{rng.choice(domains)}".lower()
        phone = f"+1-{rng.randint(201, 989)}-{rng.randint(200, 999)}-{rng.randint(0, 9999):04d}"
        dob = today - timedelta(days=rng.randint(18 * 365, 92 * 365))
        code, diag = rng.choice(DIAGNOSES)
        zip_ = rng.choice(zips)
        sex = rng.choice(["F", "M"])
        admission = today - timedelta(days=rng.randint(0, 3 * 365))
        stay = max(1, int(rng.expovariate(1 / 4)))
        ssn = _ssn(i, rng)
        note = rng.choice(NOTE_TEMPLATES).format(
            name=name,
            dob=dob.isoformat(),
            diag=diag,
            phone=phone,
            weeks=rng.randint(1, 12),
            age=(today - dob).days // 365,
            sex_word="woman" if sex == "F" else "man",
            email=email,
            ssn=ssn,
            days=rng.randint(1, 5),
            zip=zip_,
        )
        yield Patient(
            patient_id=f"P{i + 1:07d}",
            name=name,
            email=email,
            phone=phone,
            ssn=ssn,
            date_of_birth=dob.isoformat(),
            zip=zip_,
            sex=sex,
            diagnosis=f"{code} {diag}",
            admission_date=admission.isoformat(),
            length_of_stay=stay,
            notes=note,
        )


def write_csv(path: Path, n: int, seed: int = 7) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for patient in generate_patients(n, seed):
            writer.writerow(patient.row())
    return path
