"""Roles, callings and ranks written before a person's name: "producer Mashuu Samurakami",
"defendant Okonkwo", "grammarian Aelius Donatus", "Colonel Petrov" (a regex alternation of lower-case
words, matched in any case). Read by :mod:`~veil.pii.recognizers.person_context`.
"""

from __future__ import annotations

import re

__all__ = ["ROLES", "ROLE_WORD"]

ROLES = (
    r"producer|director|author|writer|novelist|poet|singer|songwriter|actor|actress|artist|painter"
    r"|journalist|reporter|editor|photographer|designer|architect|composer|musician|guitarist|drummer"
    r"|founder|co-?founder|chairman|chairwoman|chairperson|senator|governor|mayor|minister|officer"
    r"|detective|inspector|constable|sergeant|analyst|engineer|developer|employee|staffer|nurse|physician"
    r"|surgeon|patient|witness|defendant|plaintiff|claimant|appellant|respondent|applicant|suspect"
    r"|victim|lawyer|attorney|counsel|solicitor|barrister|coach|teacher|professor|student|pupil"
    r"|researcher|scientist|economist|historian|spokesman|spokeswoman|spokesperson|colleague|candidate"
    r"|customer|client|caller|tenant|landlord|landlady|guest|neighbou?r|technician|supervisor"
    r"|investigator|prosecutor|interpreter|magistrate|registrar|judge"
    # the trades and callings biographies and news put before a name: "grammarian Aelius Donatus",
    # "Nobel laureate Władysław Reymont", "illustrator Johnnie Christmas", "coauthor Colette Heald"
    r"|laureate|grammarian|illustrator|philosopher|theologian|mathematician|physicist|chemist|biologist"
    r"|linguist|sculptor|cartoonist|comedian|pianist|violinist|cellist|conductor|filmmaker|screenwriter"
    r"|playwright|lyricist|bassist|saxophonist|critic|columnist|commentator|broadcaster|activist"
    r"|campaigner|diplomat|ambassador|envoy|entrepreneur|businessman|businesswoman|philanthropist"
    r"|striker|midfielder|goalkeeper|quarterback|cyclist|referee|priest|pastor|archbishop|bishop"
    r"|co-?author|vlogger|blogger|astronaut|inventor|scholar|lecturer|vocalist|rapper|pope|tsar|tsarina"
    r"|emperor|empress|marquis|marquess|viscount|mademoiselle|madame|monsieur|pilot|paramedic|firefighter"
    # ranks, as judgments name officers: "Colonel Petrov", "Commander Hauta-aho"
    r"|colonel|major|lieutenant|corporal|commander|superintendent|brigadier|admiral|marshal|captain|general"
)
# One role word, in any case ("Professor", "colonel").
ROLE_WORD = re.compile(rf"(?i:{ROLES})")
