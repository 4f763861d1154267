"""A person's name where a document's layout puts one.

* **labels** — "Patient: Jane Smith", "Name: Smith, Jane", "Signed, ...": the name after a
  field label (0.85), an addressee's label ("Bill to:", 0.8) or a salutation, "Dear ...",
  "Thanks, ..." (0.7);
* **lines** — a chat speaker ("[15:10] Isis: hi") or a line that is only a name (a signature,
  an address block), when the name starts with a known first name (0.75).
"""

from __future__ import annotations

from veil.pii.entity import EntityType
from veil.pii.recognizer import Pattern, Recognizer
from veil.pii.recognizers.common import terms, words
from veil.pii.recognizers.name_patterns import FIELD_NAME, LEADING_INITIALS, NAME_SEQ, NOT_A_FIRM
from veil.pii.recognizers.name_plausibility import is_plausible_name, starts_with_first_name
from veil.pii.recognizers.person_devices import ASSISTANT_SPOKEN_TO

__all__ = ["person_labels", "person_lines"]


def person_labels() -> Recognizer:
    strong = words(
        terms(
            "patient|patient name|name|full name|first name|last name|surname|given name|family name|client"
            "|customer|employee|contact|contact person|attn|attention|signed|signature|author|written by"
            "|prepared by|reported by|requested by|approved by|assigned to|submitted by|referred by|seen by"
            "|attending|physician|doctor|nurse|surgeon|guardian|parent|mother|father|spouse|next of kin"
            "|emergency contact|witness|applicant|tenant|landlord|recipient|sender|beneficiary|account holder"
            "|cardholder|card holder|policyholder|insured|member|passenger|student|line manager|manager"
            "|employee name|holder|gp|nom|prénom|nombre|apellidos|nome|cognome|vorname|nachname|naam"
            "|directed by|produced by|performed by|narrated by|hosted by|interviewed by|composed by|edited by"
            "|translated by|illustrated by|created by|owner|assignee|caller|other party|third party|claimant"
            "|plaintiff|defendant|respondent|deceased"
        ),
        any_case=True,
    )
    # whom a document is for: the name may be on the next line ("Bill to:\nJane Smith\n12 High St")
    addressee = words(
        terms("bill to|billed to|ship to|shipped to|sold to|deliver to|invoice to|to the attention of"),
        any_case=True,
    )
    signed = words(terms("signed|signed by|yours truly|approved by|reported by|paging"), any_case=True)
    greeting = terms("dear|hi|hello|hey|thanks|thank you|regards|best regards|kind regards|sincerely")
    sign_off = words(("best", "cheers"), any_case=True)  # before a comma or a line break: not "Best Actor"
    salutation = rf"{words(greeting, any_case=True)}[ \t]*,?\s+|{sign_off}(?:,\s*|[ \t]*\r?\n\s*)"
    return Recognizer(
        name="person_label",
        entity_type=EntityType.PERSON,
        patterns=(
            Pattern(
                # also a JSON or quoted field: "customer":"Jane Smith"
                rf"{strong}[\"']?[ \t]*[:=][ \t]*[\"']?(?P<pii>{FIELD_NAME}){NOT_A_FIRM}",
                0.85,
                "field",
            ),
            Pattern(
                rf"{addressee}[ \t]*:[ \t]*(?:\r?\n[ \t]*)?(?P<pii>{FIELD_NAME}){NOT_A_FIRM}",
                0.8,
                "addressee",
            ),
            # the name ends at a word's end: a capital that begins a word in capitals is no name
            # ("THANK YOU WONDERLAND", "Thank you SO much", "hey GT" gave "W", "S", "G")
            Pattern(rf"{signed}[ \t]*,?\s+(?P<pii>{LEADING_INITIALS}{NAME_SEQ})(?![^\W_])", 0.85, "signed"),
            # (not a voice assistant: "hey Siri, set a timer")
            Pattern(
                rf"(?:{salutation})(?!{ASSISTANT_SPOKEN_TO})(?P<pii>{NAME_SEQ})(?![^\W_])", 0.7, "salutation"
            ),
        ),
        validate=is_plausible_name,
    )


def person_lines() -> Recognizer:
    return Recognizer(
        name="person_line",
        entity_type=EntityType.PERSON,
        patterns=(
            # chat and log speakers: "Isis: hi", "[15:10] Isis: ...", "#ops 17:18 Ilona: ..."
            Pattern(
                rf"(?m)^[ \t]*(?:[#@][\w-]+[ \t]+)?(?:\[?\d{{1,2}}:\d{{2}}(?::\d{{2}})?\]?[ \t]+)?"
                rf"(?P<pii>{NAME_SEQ}):[ \t]",
                0.75,
                "speaker",
            ),
            # a line that is only a name: a signature, the first line of an address block
            Pattern(rf"(?m)^[ \t]*(?P<pii>{NAME_SEQ})[ \t]*\r?$", 0.75, "name_line"),
        ),
        validate=starts_with_first_name,
    )
