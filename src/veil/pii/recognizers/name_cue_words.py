"""The words before a name that :mod:`.person_context`'s patterns of roles and initials start
with: "its co-founder, Radek Novotny,", "Mr S.", "the applicant's father, I.P.,"."""

from __future__ import annotations

from veil.pii.recognizers.person_roles import ROLES

__all__ = ["APPOSED_WORDS", "INITIALS_KIN", "INITIALS_WORDS"]

# Relatives and plurals of people before initials set off by a comma: "the applicant's father, I.P.,"
INITIALS_KIN = (
    "father|mother|son|daughter|brother|sister|wife|husband|partner|cousin|uncle|aunt|nephew|niece"
    "|grandfather|grandmother|child|children|witnesses|applicants|officers|victims|suspects|neighbours"
    "|neighbors|friend"
)
# the words before a name set off by commas ("its spokesperson, Jeff Okafor, said")
APPOSED_WORDS = (*ROLES.split("|"), "guide", "ceo", "president", "owner", "host")
# ... and before initials ("Mr S.", "officer M.P.")
INITIALS_WORDS = (*ROLES.split("|"), *INITIALS_KIN.split("|"), "mr", "mrs", "ms", "mx", "miss", "dr", "prof")
