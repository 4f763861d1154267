"""NER organisation spans named by capitalised ordinary words that still name a body.

:mod:`veil.pii.ner_spans` drops a span made only of ordinary words: most are titles and terms
("Guilty Pleasures", "Natural Language Processing"). An organisation's name is often made of
ordinary words too ("American Civil Liberties Union", "Creative Commons", "Straits Times"); what
tells it from a title is its shape. :func:`names_a_body` says whether the words of a span that
spaCy typed ORG take one of the shapes titles and terms seldom take:

* a body's head then "of" or "for" ("Union of Rationalist Atheists", "Department of Education");
* three words or more ending in the head of a kind of body ("Film Critics Guild", "New People
  Party"; two, "Search Party", "Tea Society", are common nouns);
* a news outlet or a publisher ("ABC News", "Time Magazine");
* a federal court of appeals by its number ("the Second Circuit");
* three words or more ending in an institution's head (:data:`INSTITUTION_HEADS`: "Khalsa
  Hockey Club", "Electrical Engineering Department"), or two ending in a head that software and
  everyday prose seldom write after one word ("Rudd Government", "Creative Commons", "Straits
  Times"; not "Help Center", "Tagged Union"; a kind of body only as a public body: "Labour Party",
  not "Search Party"), with no small word inside but "and" (a part or a text of a body: "Rules
  of Court", "Delegate of the Commission", "Law on Public Prosecution") and not opened by an
  ordinal or a rank (a body's section or chamber: "Fifth Section", "Grand Chamber").

None of these shapes holds where an ordinary word in capitals stands among words in Title Case
("SUPER Shop SUPER Service"): that is a review's or an advert's emphasis, not a name's style.

The caller asks only of spans NER typed ORG and only outside technical prose, where "Worker
Service", "Tagged Union" and "Event Loop Group" are a program's parts.

One ordinary word typed ORG ("Labour", "Frontiers", "the Independent") names a body by its
context, not its shape (:func:`acts_as_a_named_body`): inside a sentence, not at its start, it
owns something or reports ("Apple's assistant", "the Independent reported") or acts or is
joined as a body (:func:`~veil.pii.organization_cues.acts_as_a_body`: "Labour leader",
"Frontiers journals"), and the text never writes it in lower case (the caller's test: "the
harvest fair ... Harvest officials" is the word). A head of a body alone ("the Court", "the
Church", "the Council") stays out: annotators mark such a mention in news and not in judgments,
where it is the forum itself.
"""

from __future__ import annotations

import itertools
import re

from veil.pii.organization_cues import acts_as_a_body
from veil.pii.recognizers.body_heads import HEADS, KIND_HEADS, STRONG_HEADS, is_public_body
from veil.pii.recognizers.common import LEGAL_FORMS, wordset
from veil.pii.text_clues import content_words
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["INSTITUTION_HEADS", "acts_as_a_named_body", "names_a_body"]

# an acronym or a word in capitals up to eight letters ("ABC", "LA")
_ACRONYM = re.compile(r"[A-Z]{2,8}")

# Last words of the names of news outlets and publishers: "ABC News", "LA Weekly", "DC Comics".
_OUTLET_HEADS = wordset(
    "News Weekly Magazine Times Herald Gazette Tribune Chronicle Telegraph Post Press Journal Daily Comics"
    " Broadcasting Records Pictures Publishing"
)
# Heads that only a periodical's name ends in, never a title's or a term's: "Time Magazine",
# "Saudi Gazette", "Harbour Tribune" are outlets even when every other word is ordinary.
_PERIODICAL_HEADS = wordset("Magazine Gazette Tribune Herald Chronicle")
# A federal court of appeals named by its number: "the Second Circuit", "the D.C. Circuit".
_COURT_OF_APPEALS = re.compile(
    r"(?:First|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|Ninth|Tenth|Eleventh|Federal|D\.C\.)"
    r"[ \t]+Circuit"
)

#: Last words that make capitalised words an institution's name: the heads of public bodies
#: (:data:`~veil.pii.recognizers.body_heads.HEADS`: "Council", "Union", "Times", "Club"), legal
#: forms ("Ltd", "GmbH") and the heads of clubs, schools, branches, alliances and services.
INSTITUTION_HEADS = (
    HEADS
    # "Group" ends firms' names but common nouns too: "Working Group", "Focus Group", "Study Group"
    | (frozenset(LEGAL_FORMS) - {"Group"})
    | wordset(
        """
        Club Clubs School Schools Department Departments Branch Government Services Union Unions Council
        Circle Commons Network Alliance Coalition Corporation Company Holdings Industries Airlines
        Airways Studios
        """
    )
)
# Heads that end a name of two ordinary words: an outlet's, a government's, a school's, a club's, a
# firm's. The other weak heads are words of software and everyday prose after one word ("Help
# Center", "Tagged Union", "Certificate Authority", "Web Services") and need two words before them.
_TWO_WORD_HEADS = (
    STRONG_HEADS
    | (frozenset(LEGAL_FORMS) - {"Group"})
    | wordset(
        """
        Times Herald Gazette Tribune Chronicle Telegraph Government Commons School Schools Club Clubs
        Department Alliance Coalition Corporation Company Airlines Airways Studios Holdings Industries
        """
    )
)
# The only small words a headed name holds: "Film and Television Guild", "Arts & Crafts Council"
_JOINS = frozenset({"and", "&"})
# First words that make a headed phrase a body's part or rank, not its name: "Fifth Section",
# "Grand Chamber", "Second Division".
_RANKS = wordset("Grand First Second Third Fourth Fifth Sixth Seventh Eighth Ninth Tenth")


def names_a_body(words: list[str]) -> bool:
    """The words of a NER ORG span name a body by their shape (see the module's docstring)."""
    return not _emphasised(words) and (
        _body_of_words(words)
        or _outlet(words)
        or _COURT_OF_APPEALS.fullmatch(" ".join(words)) is not None
        or _headed(words)
    )


def _emphasised(words: list[str]) -> bool:
    """An ordinary word of four letters or more written in capitals beside words in Title Case:
    emphasis in a review's or an advert's heading ("SUPER Shop SUPER Service", "BEST Pizza
    Place"), no name's style (a name in capitals is written so whole: "UNITED WAY")."""
    shouted = [w for w in words if len(w) >= 4 and w.isupper() and w.isalpha()]
    return (
        bool(shouted)
        and any(w[:1].isupper() and not w.isupper() for w in words)
        and any(is_ordinary_word(w) for w in shouted)
    )


def _capitalised(words: list[str]) -> list[str] | None:
    """The content words, if every one is capitalised and no word holds a comma ("Department of
    Foreign Affairs, Advisers" lists a role after the name, "the Court of the arrest" is no name)."""
    content = content_words(words)
    if not all(w[:1].isupper() for w in content) or any("," in w for w in words):
        return None
    return content


def _body_of_words(words: list[str]) -> bool:
    """A body's head then "of" or "for" ("Union of Rationalist Atheists", "Centre for Social
    Evolution"), or three words or more ending in the head of a kind of body that
    :func:`is_public_body` accepts ("Film Critics Guild"; two, "Search Party", are common nouns)."""
    content = _capitalised(words)
    if content is None:
        return False
    for head, joint in itertools.pairwise(words):
        if joint in {"of", "for"} and (head in HEADS or head in KIND_HEADS):
            return True
    return len(content) >= 3 and words[-1] in KIND_HEADS and is_public_body(" ".join(words))


def _outlet(words: list[str]) -> bool:
    """A news outlet or publisher: an outlet's head after an acronym or a word that is no ordinary
    word ("ABC News", "LA Weekly"; "Entertainment Weekly" keeps out: all ordinary, it may be a
    title), or a periodical's head after capitalised words ("Time Magazine")."""
    content = content_words(words)
    if len(content) < 2 or content[-1] not in _OUTLET_HEADS:
        return False
    if content[-1] in _PERIODICAL_HEADS and all(w[:1].isupper() for w in content):
        return True
    return any(_ACRONYM.fullmatch(w) or not is_ordinary_word(w) for w in content[:-1])


def _headed(words: list[str]) -> bool:
    """Two capitalised words or more ending in an institution's head (:data:`INSTITUTION_HEADS`),
    no small word inside but "and" ("Rules of Court", "Law on Public Prosecution" are texts), not
    opened by a rank (:data:`_RANKS`)."""
    content = _capitalised(words)
    if content is None or len(content) < 2 or any(w.islower() and w not in _JOINS for w in words):
        return False  # a body's part or text: "Rules of Court", "Law on Public Prosecution"
    head = content[-1].rstrip(".")
    if head not in INSTITUTION_HEADS or content[0] in _RANKS:
        return False
    if len(content) > 2:
        return True
    # two words ending in a kind of body are often a common noun ("Search Party", "Tea Society"):
    # the public bodies' test decides ("Labour Party", "Royal Society")
    return head in _TWO_WORD_HEADS or (head in KIND_HEADS and is_public_body(" ".join(words)))


# What a body does right after its name, or its possessive: "Apple's assistant", "the Independent
# reported", "Slate wrote"
_REPORTS = re.compile(
    r"(?:'s|\u2019s)(?!\w)|[ \t]+(?:reported|reports|wrote|writes|announced|announces|said|says|claimed"
    r"|claims|denied|denies|noted|quoted|stated|published)(?![\w-])"
)
# What may stand between a sentence's end and the word: spaces, quotes, an opening bracket
_OPENERS = " \t\"'(\u201c\u2018"


def acts_as_a_named_body(word: str, text: str, start: int, end: int) -> bool:
    """The capitalised ordinary word ``text[start:end]`` typed ORG names a body by its context
    (see the module's docstring). The caller asks it outside technical prose only."""
    if not word[:1].isupper() or word in HEADS:
        return False
    before = start - 1
    while before >= 0 and text[before] in _OPENERS:
        before -= 1
    if before < 0 or text[before] in ".!?:\n":
        return False  # a sentence's first word is capitalised whatever it is
    return _REPORTS.match(text, end) is not None or acts_as_a_body(text, start, end)
