"""Organisations: names with a legal form ("Acme Ltd", "Carsten e.V.", "Prado y Avilés S.A."),
partnership names ("Bradley, Shelton and Brown", "Sobrero, Errigo e Tomei"), and spaCy ORG spans.

spaCy's small model labels many acronyms and form labels as ORG ("SSN", "DOB", "NHS
number", "IBAN"); those are dropped by :func:`is_plausible_org`. NER ORG spans score 0.55,
below names and places, so a span that other recognizers read as a person or a place
goes to them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from veil.pii.data import FIRST_NAMES, LAST_NAMES, known_places, load_list
from veil.pii.entity import EntityType
from veil.pii.recognizer import Pattern, Recognizer
from veil.pii.recognizers.body_heads import ARTEFACT_HEADS, HEADS, is_public_body
from veil.pii.recognizers.common import (
    LOWER,
    NAME_TAIL,
    NAME_WORD,
    STREET_WORDS,
    UPPER,
    terms,
    word_branches,
    words,
    wordset,
)
from veil.pii.recognizers.foreign_bodies import foreign_bodies
from veil.pii.recognizers.legal_forms import NOT_A_PROGRAM_PART, legal_form_pattern, legal_forms
from veil.pii.recognizers.persons import COMMON_CAPITALISED, ORG_SUFFIXES
from veil.pii.recognizers.town_institutions import town_institutions

__all__ = [
    "STANDARD_NAMES",
    "address_block_organization",
    "is_plausible_org",
    "legal_entity",
    "organization_labels",
    "partner_firm",
    "public_body",
    "spacy_organization",
]

_CONNECTOR = r"(?:&|and|of|the|für|und|de|et|y|e|en|van|von|der|den|del|di)"
_ORG_WORD = rf"(?:{NAME_WORD}|[{UPPER}]{{2,}}|{_CONNECTOR})"

# Names of standards and encodings, which spaCy reads as a firm or a place ("many Unicode-related
# issues"): nobody's employer or town.
STANDARD_NAMES = wordset("Unicode ASCII POSIX RFC UTF-8 UTF-16")
_NOT_ORGS = STANDARD_NAMES | wordset(
    """
    SSN DOB D.O.B. IBAN BIC SWIFT IP MAC URL ID PIN CVV CVC VAT NI NINO NHS DNI NIE NIF NIR BSN TIN EIN ZIP
    PO API CPU GPU USB HTTP HTTPS SQL PDF CSV JSON XML HTML VPN SMS OTP 2FA MFA SSO IT HR QA ETA ASAP FYI
    ICU ER GP MRI CT ECG EKG BP HIV COVID MRN EHR EMR OK TODO N/A NA AM PM UTC GMT EST PST CET BST
    Patient Name Email Phone Address Ticket Order Invoice Account Card Visa Mastercard Amex Date DOB Tel
    Mobile SEPA REF INV ORD SKU Customs Immigration Payroll Finance Support Helpdesk Admin Sodium Potassium
    Creatinine Glucose Hemoglobin Haemoglobin Cholesterol Social Security Medicare Medicaid National Insurance
    INFO WARN WARNING ERROR DEBUG TRACE FATAL TRANSFER WITHDRAWAL DEPOSIT DHCPACK DHCPREQUEST DHCPDISCOVER
    """
)


_NOT_ORGS_UPPER = frozenset(w.upper() for w in _NOT_ORGS)


def is_plausible_org(text: str) -> bool:
    """Not an acronym of a form field, a reference code ("REF-XT2201"), a code identifier
    ("auth.login"), a generic word ("Customs", "Sodium") or a lone person's name ("Hutchinson")."""
    value = text.strip()
    if value.upper() in _NOT_ORGS_UPPER or any(c in value for c in "@/\\_=<>|#"):
        return False
    if any(c.isdigit() for c in value) or _CODE_LIKE.search(value):
        return False
    parts = value.split()
    if parts[0].upper() in _NOT_ORGS_UPPER and len(parts) <= 3:
        return False
    if len(parts) > 1 and parts[-1] in ARTEFACT_HEADS:
        return False  # "Oracle Database", "Hypertext Transfer Protocol": a product or a standard
    if _CODE_NAME.search(value):
        return False  # "DataFrame", "DeprecationWarning", "LatexManager": a class in code
    # a lone name: the person recognizers decide
    return not (len(parts) == 1 and (value in load_list(FIRST_NAMES) or value in load_list(LAST_NAMES)))


_CODE_LIKE = re.compile(r"[a-z]\.[a-z]|^[a-z]")

# A word joined from capitalised parts whose last part is a noun of programming: a class or a
# type named in code ("DataFrame", "LazyFrames", "DeprecationWarning", "TextIOWrapper"); a firm
# written that way ends in a word of its own ("ArboUnie", "PayPal").
_CODE_NAME = re.compile(
    r"[a-zA-Z][a-z0-9]*(?:Frame|Warning|Error|Exception|Manager|Handler|Factory|Builder|Wrapper|Adapter"
    r"|Iterator|Buffer|Array|Tensor|Parser|Loader|Reader|Writer|Context|Config|Mixin|Dict|List|Type|Class"
    r"|Object|Stream|Event|Callback|Protocol|Descriptor|Formatter|Renderer|Widget|Dialog|Window|Model"
    r"|Layer|Module|Plugin|Backend|Engine|Session|Request|Response|Client)s?(?![\w'\u2019-])"
)


# Lower-case particles that may start a firm's name: "van Brenen NV", "das Neves S/A".
_LEAD = words(
    ("van", "von", "de", "da", "das", "do", "dos", "di", "du", "der", "den", "della", "del", "la", "le")
)
# Three at most in a row ("van der", "de la", "dos"): an unbounded run was read from each of its
# words again (40 KB of "la la ..." took 5 s).
_PARTICLE = r"(?:van|von|de|da|das|do|dos|di|du|der|den|della|del|la|le|ten|ter|y|e)"
# "Albuquerque Fonseca - ME": Brazilian forms after a dash.
_DASH_FORM = r"[ \t]-[ \t](?:ME|EI|EPP|EIRELI|Ltda)(?![\w&])\.?"
# Not a run of words in capitals before the name ("CARD PAYMENT Promociones Valls S.C.P"), of six
# words at most: unbounded, the lookahead read the rest of the run from each of its words (40 KB of
# "IBAN IBAN ..." took 5.4 s, 1 MB would take an hour).
_NOT_CAPS_RUN = rf"(?![{UPPER}]{{2,}}(?:[ \t][{UPPER}]{{2,}}){{0,5}}[ \t][{UPPER}][{LOWER}])"
# A partnership's tail: "... e Vento e figli", "... and Brown LLP".


def _form_end() -> str:
    """A legal form (Veil's and cleanco's, :mod:`.legal_forms`) and its optional dot; not glued to
    more of a code by a slash, or by a dash or a dot before a capital or a digit ("EURL-1111",
    "NV/T1", "SA.2": a code, not a firm's form; "GmbH-owned" still ends one)."""
    return rf"(?:{legal_form_pattern()})(?![\w&]|[-.][A-Z0-9]|/\w)\.?{NOT_A_PROGRAM_PART}"


def _to_form() -> str:
    form_end = _form_end()
    return rf"(?:,?[ \t]{_ORG_WORD}){{0,5}}(?:[ \t]&?[ \t]?{form_end}(?:[ \t]{form_end})?|{_DASH_FORM})"


def legal_entity() -> Recognizer:
    to_form = _to_form()
    partners_tail = rf"(?:[ \t](?:(?:and|&|e|et|y|und|en)[ \t])?{_form_end()})?"
    return Recognizer(
        name="organization_legal_form",
        entity_type=EntityType.ORGANIZATION,
        patterns=(
            # one token of a firm's name is at most 40 characters: unbounded, a run of joined
            # capitalised words ("Aa-Aa-Aa-...") is rescanned from every capital (quadratic).
            # Possessive: what follows starts with a comma or a blank, which the token cannot
            # hold, so giving characters back never matched (the same matches, 17% faster)
            Pattern(
                rf"[{UPPER}](?<!\w[{UPPER}]){_NOT_CAPS_RUN}[\w'\u2019&.-]{{0,40}}+{to_form}",
                0.8,
                "legal_form",
            ),
            # the firm after a comma, when what comes before it is no part of the name: a role
            # in a signature ("Head of People, Horáková Oy"; see _is_firm_name)
            Pattern(
                rf"[{UPPER}](?<=,[ \t][{UPPER}]){_NOT_CAPS_RUN}[\w'\u2019&.-]{{0,40}}+{to_form}",
                0.8,
                "legal_form_after_comma",
            ),
            Pattern(
                rf"{_LEAD}(?:[ \t]{_PARTICLE}){{0,3}}[ \t]{NAME_WORD}{to_form}", 0.8, "particle_legal_form"
            ),
            # "Bradley, Shelton and Brown", "Sobrero, Errigo e Tomei", "Pinamonte, Anguissola e Angiolello"
            Pattern(
                rf"[{UPPER}](?<!\w[{UPPER}]){NAME_TAIL},[ \t]{NAME_WORD},?[ \t](?:and|&|e|y|und|et|en)[ \t]"
                rf"(?:{_PARTICLE}[ \t]){{0,3}}{NAME_WORD}{partners_tail}(?![\w'\u2019-])",
                0.8,
                "partnership",
            ),
            # foundations, associations and royal warrants named first: "Stichting Draaisma"
            Pattern(
                rf"{_ORG_PREFIX}[ \t]+(?:{_PARTICLE}[ \t]+){{0,3}}{NAME_WORD}"
                rf"(?:[ \t](?:{_PARTICLE}[ \t]+){{0,3}}{NAME_WORD}){{0,3}}",
                0.75,
                "prefix",
            ),
        ),
        validate=_is_firm_name,
        context=("company", "employer", "works", "work", "employed", "firm", "client", "vendor", "supplier"),
        context_boost=0.15,
    )


_ORG_PREFIX = words(
    (
        "Stichting",
        "Vereniging",
        "Koninklijke",
        "Fundación",
        "Fundação",
        "Fondazione",
        "Associazione",
        "Asociación",
        "Associação",
        "Cooperativa",
        "Coöperatie",
        # Russian and other post-Soviet forms are written before the name: "OOO Romashka"
        "OOO",
        "ZAO",
        "OAO",
        "PAO",
        # British prisons and young offenders' institutions: "HMP Longmartin", "HMYOI Aylesbury"
        "HMP",
        "HMYOI",
    )
)


def _partner_firm(text: str) -> bool:
    """Two names joined by "&", at least one of them a known family name ("Rackham & van der
    Linden", "Marks & Spencer"): not "Terms & Conditions" or "Health & Safety"."""
    last = load_list(LAST_NAMES)
    names = [w for w in re.findall(rf"[{UPPER}][\w'\u2019-]+", text)]
    return any(w in last for w in names) and not any(w in COMMON_CAPITALISED for w in names)


def partner_firm() -> Recognizer:
    return Recognizer(
        name="organization_partners",
        entity_type=EntityType.ORGANIZATION,
        patterns=(
            Pattern(
                rf"[{UPPER}](?<!\w[{UPPER}])[{LOWER}]{NAME_TAIL}(?:[ \t]{NAME_WORD})?[ \t]&[ \t]"
                rf"(?:{_PARTICLE}[ \t]){{0,3}}[{UPPER}][{LOWER}]{NAME_TAIL}(?![\w&])",
                0.7,
                "ampersand",
            ),
        ),
        validate=_partner_firm,
        context=(
            "company",
            "employer",
            "works",
            "firm",
            "client",
            "vendor",
            "supplier",
            "insured",
            "with",
            "at",
        ),
        context_boost=0.1,
    )


# A firm's name after a label or a phrase that names one: capitalised words, particles,
# "&", connectors of partnerships, legal forms ("Talleres Figueras y asociados S.L.L.").
# A dot inside a token ("S.A") or after an initial ("S.A."), never a sentence's full stop ("at Orlen.").
_ORG_TOKEN = (
    rf"(?:[{UPPER}](?:[\w'\u2019&/-]|\.(?=\w))*(?:(?<=\b[{UPPER}])\.)?"
    r"|figli|asociados|associados|associati|s\.r\.l\.?|plc)"
)
_ORG_VALUE = (
    rf"(?:{_PARTICLE}[ \t]){{0,3}}{_ORG_TOKEN}"
    rf"(?:(?:,?[ \t]|[ \t][&-][ \t])(?:(?:{_CONNECTOR}|{_PARTICLE})[ \t]){{0,3}}{_ORG_TOKEN}){{0,6}}"
)


def organization_labels() -> Recognizer:
    field = words(
        terms(
            "employer|company|company name|organisation|organization|merchant|vendor|supplier|insurer"
            "|insurance company|bank|firm|ordering customer|creditor|creditor name|business name|trading name"
            "|carrier|airline|practice"
        ),
        any_case=True,
    )
    # "work for" after a negation or a thing as its subject says what software runs on, not who
    # employs someone: "it probably doesn't work for Jython", "this works for Windows"
    work_for = _words_not_after(
        terms("work for|works for|worked for|working for"), _NOT_A_WORKER, any_case=True
    )
    phrase = words(
        terms(
            "work at|works at|worked at|working at|employed by"
            "|employed at|employment with|insured with|insured by|applying to|applied to|a customer of"
            "|authorises|authorizes|on behalf of|a year at|years at|months at|internship at|interned at"
            "|job at|position at|career at|analyst at|engineer at|manager at|director at|partner at"
            "|CEO of|founder of|co-founder of|cofounder of|chairman of|subsidiary of|acquired by"
        ),
        any_case=True,
    )
    return Recognizer(
        name="organization_label",
        entity_type=EntityType.ORGANIZATION,
        patterns=(
            Pattern(rf"{field}[ \t]*:[ \t]*(?P<pii>{_ORG_VALUE})", 0.8, "field"),
            Pattern(rf"{phrase}[ \t]+(?P<pii>{_ORG_VALUE})", 0.75, "phrase"),
            Pattern(rf"{work_for}[ \t]+(?P<pii>{_ORG_VALUE})", 0.75, "work_for"),
            # "Lopez, Santos and Coleman is a design agency", "Korvath was a small bank"
            Pattern(
                rf"(?P<pii>{_BOUNDED_FIRM})[ \t]+(?:is|was)[ \t]+(?:a|an)[ \t]+{_KIND_OF_FIRM}",
                0.9,  # the predicate outweighs a list's reading as people (person_cue: 0.85)
                "predicate",
            ),
        ),
        # "the Kahta court", "the Hilvan prison" (:mod:`.town_institutions`); "Instituto Gonzaga",
        # "Universidade da Coruña" (:mod:`.foreign_bodies`)
        finder=_institutions,
        validate=_org_not_person,
    )


def _institutions(text: str) -> Iterator[tuple[int, int, float]]:
    """Institutions named with a lower-case head or head first in another language."""
    yield from town_institutions(text)
    yield from foreign_bodies(text)


_NOT_A_WORKER = (
    r"\w",
    "n't[ \t]",
    "n\u2019t[ \t]",
    *(rf"\b{w}[ \t]" for w in ("not", "never", "it", "It", "this", "This", "that", "which", "also", "only")),
)


def _words_not_after(
    alternatives: tuple[str, ...], not_after: tuple[str, ...], *, any_case: bool = False
) -> str:
    """:func:`.common.words` not preceded by any of the regexes ``not_after`` (fixed widths).

    Speed: ``re`` scans for a pattern's first character class, but tries a pattern that starts
    with a look-behind at every position (18.9 ms per 100k characters for "work for" after
    twelve of them, 0.5 ms this way). So each look-behind is checked after the first letter,
    that letter added to its end: ``(?<!not[ \t])w`` is ``w(?<!not[ \t]w)``.
    """
    branches = word_branches(alternatives, any_case=any_case)
    return (
        "(?:"
        + "|".join(
            head + "".join(f"(?<!{b}{head})" for b in not_after) + f"(?:{body})"
            for head, body in branches.items()
        )
        + ")"
    )


# A firm's name read without a label before it: every token bounded (40 characters, six tokens),
# or a run of joined capitalised words ("Aa'Aa'Aa'...") is rescanned from every capital (quadratic).
# Tokens possessive: what follows one starts with a comma or a blank, which it cannot hold (the same
# matches; 1.8 -> 1.0 ms per 100k characters).
_BOUNDED_FIRM = (
    rf"[{UPPER}](?<![\w'\u2019-][{UPPER}])[\w'\u2019&-]{{0,40}}+"
    rf"(?:(?:,?[ \t]+(?:(?:and|&|of|the|y|e|et|und)[ \t]+)?)[{UPPER}][\w'\u2019&-]{{0,40}}+){{0,5}}"
)
# "a (small|leading|design) agency": up to three words, then a noun only organisations are
_KIND_OF_FIRM = (
    r"(?:[\w-]{1,20}[ \t]+){0,3}(?:company|firm|agency|startup|start-up|bank|manufacturer|retailer|charity"
    r"|non-?profit|consultancy|corporation|conglomerate|publisher|broker|brokerage|insurer|carrier|airline"
    r"|chain|franchise|law firm|studio|label|cooperative|co-op|subsidiary|supplier|vendor|distributor)"
    r"(?![\w-])"
)


def _org_not_person(text: str) -> bool:
    """A plausible organisation that does not read as a person's name ("Jane Smith"), unless a
    legal form says it is a firm."""
    value = text.rstrip(".")
    if (
        not value
        or value.lower() in _NOT_EMPLOYERS
        or not is_plausible_org(value)
        or all(w in COMMON_CAPITALISED for w in value.split())
    ):
        return False
    parts = value.split()
    if any(p.rstrip(".") in legal_forms() for p in parts[1:]):
        return True
    first_names = load_list(FIRST_NAMES)
    return not (parts[0] in first_names and parts[0] not in load_list(LAST_NAMES))


_NOT_EMPLOYERS = frozenset(
    {"self-employed", "self employed", "unemployed", "retired", "none", "n/a", "freelance"}
)


# Words that are no firm's name before a legal form: determiners, and the pronouns, conjunctions
# and adverbs that open a sentence ("Then Co is empty": a type named Co, not a firm)
_FILLER = frozenset(
    {"The", "A", "An", "Our", "Your", "This", "That", "Their", "My", "And", "Of", "Then", "When", "If", "But"}
    | {"So", "Now", "Also", "Here", "There", "These", "Those", "Its", "It", "We", "They", "He", "She", "I"}
    | {"Once", "While", "After", "Before", "Since", "Thus", "Hence", "Or", "Each", "Every", "Both", "Why"}
)


def _is_firm_name(text: str) -> bool:
    """A name with a legal form, or a partnership of family names: "Bradley, Shelton and Brown"
    (known family names, not all of them first names). A list of first names or of unknown words
    ("Svetlana, Diego and Fatima", "Oluwaseun, Haruki and Beatriz") is a list of people, not a firm."""
    if not _has_real_name(text):
        return False
    if "," in text and _ROLE_BEFORE_COMMA.match(text):
        return False  # "Head of People, Horáková Oy": a role, then the firm (found after the comma)
    if "," not in text or any(w.rstrip(".,") in legal_forms() for w in text.split()[1:]):
        return True
    names = [w for w in re.findall(rf"[{UPPER}][\w'\u2019-]*", text)]
    last, first = load_list(LAST_NAMES), load_list(FIRST_NAMES)
    return all(w in last for w in names) and not all(w in first for w in names)


# A role or a phrase with a lower-case connector before the first comma: no part of a firm's name.
_ROLE_BEFORE_COMMA = re.compile(
    r"[^,]*?(?:\b(?:of|for|at|in)\b|^(?:Head|Chief|Director|Manager|Officer|President|Vice|VP|CEO|CFO|CTO|COO"
    r"|Founder|Owner|Lead|Senior|Junior|Team|Sales|Account)\b)[^,]*,"
)


def _has_real_name(text: str) -> bool:
    words = text.split()
    return len(words) >= 2 and any(w not in _FILLER for w in words[:-1])


def spacy_organization() -> Recognizer:
    return Recognizer(
        name="spacy_organization",
        entity_type=EntityType.ORGANIZATION,
        ner_labels=("ORG",),
        ner_score=0.55,
        validate=is_plausible_org,
        context=("company", "employer", "works", "work", "employed", "at", "firm", "bank", "insurer"),
        context_boost=0.1,
        # a secret or a product is no organisation: "my password is Bluefinch", "a ThinkPad"
        negative_context=(
            "password",
            "passwort",
            "passphrase",
            "passcode",
            "pwd",
            "pw",
            "username",
            "user name",
            "login",
            "pin",
            "laptop",
            "phone",
            "model",
            "version",
            "app",
            "device",
        ),
        negative_window_after=0,
        window_before=16,
        window_after=8,
    )


# -- public bodies and institutions: named by a head noun ------------------------------------------

# Not a sentence's or a phrase's first word: "The Supreme Court" is matched from "Supreme".
_LEADING = terms(
    "The|A|An|This|That|These|Those|Our|Your|His|Her|Its|Their|My|In|At|For|By|On|To|From|With"
    "|And|Of|If|When|Then|But|Or|See|Use|Each|Every|Some|All|No"
)
# a word of a body's name: a capitalised word, an acronym, or two capitals with full stops (a
# nation's abbreviation, "the U.S. Army", "the U.K. Supreme Court"); _BODY_REST is one less its
# first letter
_BODY_WORD = rf"(?:{NAME_WORD}(?:'s|\u2019s)?|[{UPPER}]{{2,6}}|[{UPPER}]\.[{UPPER}]\.)(?![\w'\u2019-])"
_BODY_REST = rf"(?:{NAME_TAIL}(?:'s|\u2019s)?|[{UPPER}]{{1,5}}|\.[{UPPER}]\.)(?![\w'\u2019-])"
_STREETS_AFTER = (
    r"(?![ \t]+(?:Road|Rd|Street|St|Avenue|Ave|Lane|Drive|Way|Close|Square|Place|Station|Stop|Gardens?)\b)"
    # nor the start of a text's title: "the European Prison Rules", "the Police Act 1996"
    r"(?![ \t]+(?:Act|Acts|Rules|Regulations?|Code|Codes|Reports?|Guidelines|Directive|Statute|Decree|Order"
    r"|Ordinance|Bill|Laws?|Judgments?|Decisions?|Recommendations?|Convention|Treaty|Protocol|Charter"
    r"|Handbook|Manual)\b)"
)
# Nor the subject of a statute's title: "the Law on Public Prosecution", "the Act on Police".
_NOT_A_STATUTE = ("Law on ", "Laws on ", "Act on ", "Code on ")


def public_body() -> Recognizer:
    """Institutions named by a head noun: courts, ministries, police forces, universities,
    hospitals, councils, banks, agencies, associations ("Warsaw Regional Court", "Ministry of
    Justice", "Ankara Bar Association", "University of Tartu"); see :func:`is_public_body`."""
    not_after = (r"[\w'\u2019-]", *_NOT_A_STATUTE)
    branches = word_branches(tuple(HEADS))
    tail = (
        rf"(?:[ \t]+(?:of|for)[ \t]+(?:the[ \t]+)?{_BODY_WORD}"
        rf"(?:[ \t]+(?:(?:and|of|for|&)[ \t]+)?{_BODY_WORD}){{0,3}})"
    )
    return Recognizer(
        name="organization_public_body",
        entity_type=EntityType.ORGANIZATION,
        patterns=(
            # modifiers, the head, maybe "of ...": "European Court of Human Rights"
            # Speed: written to start with its first letter, which ``re`` scans for, and the
            # checks of what is before it after that letter: "(?<!X)(?=[A-Z])(?:W ){0,4}H" as
            # "[A-Z](?<!X[A-Z])(?:W' (?:W ){0,3}H|H')", W' and H' the words less their first
            # letter (the same matches; 4.5 ms per 100k characters before)
            Pattern(
                rf"[{UPPER}]"
                + "".join(f"(?<!{b}[{UPPER}])" for b in not_after)
                + "(?!(?:"
                + "|".join(f"(?<={h})(?:{body})" for h, body in word_branches(_LEADING).items())
                + r")\b)"
                + rf"(?:{_BODY_REST}[ \t]+(?:{_BODY_WORD}[ \t]+){{0,3}}{words(tuple(HEADS))}"
                + "|(?:"
                + "|".join(f"(?<={h})(?:{body})" for h, body in branches.items())
                + "))"
                + rf"(?![\w'\u2019-]){tail}?{_STREETS_AFTER}{NOT_A_PROGRAM_PART}",
                0.9,
                "head_noun",
            ),
            # the head first: "Ministry of Justice", "University of Oxford"
            Pattern(rf"{_words_not_after(tuple(HEADS), not_after)}{tail}{_STREETS_AFTER}", 0.9, "head_of"),
        ),
        validate=is_public_body,
    )


# -- the organisation line of a postal address block ---------------------------------------------

# A reply's quote marks or a list's bullets before each line. Possessive: nothing after it starts
# with one of them, and giving them back one at a time re-ran the firm-line lookahead over the
# rest of the line from each (a line of 10,000 spaces took 1.9 s).
_QUOTE = r"[ \t>?*|]*+"
_NAME_LINE = rf"(?:(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?[ \t]+)?{NAME_WORD}(?:[ \t]+{NAME_WORD}){{1,2}}[ \t]*"
_ORG_LINE_WORD = rf"(?:[{UPPER}][\w'\u2019&.-]{{0,40}}|&|and|of|the|for|de|du|des|der|für)"
# the line that starts an address: a house number, a unit or military mail
_STREET_START = r"(?:\d{1,6}[a-zA-Z]?[ \t,]+\w|(?:PSC|Unit|USNS|USS|USCGC|USNV|PO|P\.O\.)\b)"


def address_block_organization() -> Recognizer:
    """The line between a person's name and the first line of an address is the organisation the
    person is written to at ("Jane Roe\\nKorvath Analytics\\n12 Mill Lane"): the order of an
    envelope's or a letterhead's block. The name may be repeated below it (an attention line)."""
    return Recognizer(
        name="organization_address_block",
        entity_type=EntityType.ORGANIZATION,
        patterns=(
            Pattern(
                # the name line first: the firm-word look-ahead reads a whole line from
                # each line start (9.7 ms per 100k characters of prose before)
                rf"(?m)^{_QUOTE}(?={_NAME_LINE}\n){_not_a_firm_line()}{_NAME_LINE}\n{_QUOTE}"
                rf"(?P<pii>{_ORG_LINE_WORD}(?:[ \t]+{_ORG_LINE_WORD}){{0,5}})[ \t]*\n"
                rf"(?:{_QUOTE}{_NAME_LINE}\n)?{_QUOTE}{_STREET_START}",
                0.7,
                "name_org_street",
            ),
        ),
        validate=_is_block_organization,
    )


def _not_a_firm_line() -> str:
    """The name line above is no firm's ("Kalomir Systems\nKaka Kaka\n1 Fenta Road": then the
    firm comes first and the line below it is the addressee)."""
    firm_words = sorted(ORG_SUFFIXES | HEADS, key=lambda w: (-len(w), w))
    return rf"(?![^\n]*\b(?:{'|'.join(re.escape(w) for w in firm_words)})\b)"


def _is_block_organization(text: str) -> bool:
    """Not a second person (a first name first), a street, a unit or a known place."""
    value = text.strip()
    parts = value.split()
    if not parts or not parts[0][:1].isupper() or not is_plausible_org(value):
        return False
    if value in known_places() or any(p.rstrip(".,") in STREET_WORDS for p in parts):
        return False
    first = load_list(FIRST_NAMES)
    return parts[0] not in first or any(p.rstrip(".") in legal_forms() for p in parts[1:])
