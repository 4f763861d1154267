"""People's names: spaCy NER, plus rules that do not rest on the small model (one module each).

* **titles** — "Dr. Jane Smith", "Mrs O'Neil", "Herr Müller", "Mr KOWALSKI": the name after it (0.85);
* **labels** — "Patient: Jane Smith", "Name: Smith, Jane", "Signed, ...": the name after a
  field label (0.85) or a salutation, "Dear ...", "Thanks, ..." (0.7);
* **lines** — a chat speaker ("[15:10] Isis: hi") or a line that is only a name (a
  signature, an address block), when the name starts with a known first name (0.75);
* **gazetteer** — a known first name followed by a known last name (0.8, above a place
  gazetteer match of the first name: "Sofia Lima"), by another
  capitalised word (0.6), "Smith, Jane" (0.65); first names that are also ordinary words
  ("May", "Grace", "Will") need a known last name (0.6); a known first name alone needs
  context ("by Megha", "George reports", 0.65);
* **NER** — spaCy PERSON spans (0.85) that look like names (letters, a capital, no digits,
  not a street or a company).

The post-processor **person_coreference** then marks further mentions of a found name, and
of its words ("Isis Mendonça" ... "Isis:"; a given name that is also a word too, "Marine
Renard" ... "Marine has"), in the same text (PERSON, 0.6), and the given names joined to a
found one ("Tomasz and Rose", :mod:`~veil.pii.recognizers.person_conjuncts`, 0.75); off with
``PiiConfig.coreference = false`` or by disabling it by name. Lower-case names ("john smith")
are only found by NER, which rarely finds them.

Modules: :mod:`.person_words` (the word lists), :mod:`.name_patterns` (the regex shapes of a
name), :mod:`.name_plausibility` (the validators), :mod:`.person_titles`, :mod:`.person_labels`
(labels and lines), :mod:`.person_gazetteer`, :mod:`.first_names`, :mod:`.person_ner`,
:mod:`.person_coreference`; this module gathers their public names.
"""

from __future__ import annotations

from veil.pii.recognizers.first_names import FirstNameFinder, person_first_name
from veil.pii.recognizers.name_plausibility import (
    is_plausible_name,
    is_plausible_ner_person,
    is_plausible_titled_name,
    starts_with_first_name,
)
from veil.pii.recognizers.person_coreference import COREFERENCE, find_other_mentions, person_coreference
from veil.pii.recognizers.person_devices import DeviceNameFinder, person_device
from veil.pii.recognizers.person_gazetteer import NameFinder, person_gazetteer
from veil.pii.recognizers.person_labels import person_labels, person_lines
from veil.pii.recognizers.person_ner import spacy_person
from veil.pii.recognizers.person_titles import person_titles
from veil.pii.recognizers.person_words import AMBIGUOUS_FIRST_NAMES, COMMON_CAPITALISED, ORG_SUFFIXES

__all__ = [
    "AMBIGUOUS_FIRST_NAMES",
    "COMMON_CAPITALISED",
    "COREFERENCE",
    "ORG_SUFFIXES",
    "DeviceNameFinder",
    "FirstNameFinder",
    "NameFinder",
    "find_other_mentions",
    "is_plausible_name",
    "is_plausible_ner_person",
    "is_plausible_titled_name",
    "person_coreference",
    "person_device",
    "person_first_name",
    "person_gazetteer",
    "person_labels",
    "person_lines",
    "person_titles",
    "spacy_person",
    "starts_with_first_name",
]
