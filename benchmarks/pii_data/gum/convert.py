"""Turn GUM (the Georgetown University Multilayer corpus) into the ``gum_dev`` and ``gum_heldout``
corpora: ``../gum_dev/documents.json`` (GUM's ``train`` split) and ``../gum_heldout/documents.json``
(GUM's ``dev`` and ``test`` splits), genres whose text licence allows redistribution only.

Each document's text is rebuilt exactly from GUM's ``dep/*.conllu`` tokens: GUM records
``SpaceAfter=No`` in the MISC column and the conversion checks every sentence against its
``# text =`` line. Sentences of a paragraph (``# newpar``) are joined by one space, paragraphs
by a blank line.

Gold labels are GUM's entity mentions (the ``Entity=`` MISC annotation, CorefUD bracket notation)
of type person, place and organization that are NAMES: a mention is gold when its syntactic head
(the token of the mention whose dependency head lies outside it) is a proper noun (UPOS
``PROPN``), and the gold span is the run of proper nouns around that head
(:func:`name_run`): leading determiners, possessives, adjectives, titles written in lower case,
relative clauses and appositions of the mention are left out; "of", "the", "&"... are kept
between two proper nouns ("University of Portsmouth"). A person's name is its head and the words
joined to it by UD ``flat``/``fixed``/``goeswith`` (:func:`person_name`), without the titles in
front of it ("Mr.", "US President"); a person mention headed by a title word is a role ("the
Prime Minister"), not a name; one headed by a plural proper noun is a group ("Bangladeshis");
in "the physician Yang Buwei" the name right after the descriptor is the name (:func:`_appos_name`).
A gold span lying inside another gold span is dropped (the outer name is the entity, as in
CoNLL: "Portsmouth" in "University of Portsmouth").

Not scored (recorded with their own label so the loader ignores predictions inside them, as
wikigold's MISC): the names of GUM's other named mentions (abstract, event, object, substance,
animal, plant: laws, wars, works, products, pets...), the names of person mentions headed by a
plural proper noun (groups), names with no capital letter, and the other proper-noun runs inside
any mention ("Harrow" in "the Harrow school", "Bangkok" in "Wat Arun, Bangkok"), where they touch
no gold span. Mentions of time and quantity are not names a PII masker is asked for and are
neither gold nor ignored, nor are roles ("the Prime Minister").

Run once from a git directory holding https://github.com/amir-zeldes/gum at the commit the
SOURCE.md files name (nothing here runs at benchmark or test time)::

    python -m benchmarks.pii_data.gum.convert GIT_DIR COMMIT
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.pii_evaluation.gum import GUM_GENRE_LICENCES, GUM_SPLITS

# Genres whose text licence allows redistribution (GUM_GENRE_LICENCES); the others are
# non-commercial (essay, fiction, letter, podcast, whow, reddit) or have no licence stated in
# LICENSE.txt (conversation, speech, textbook, vlog, and GENTLE's test2 genres).
GENRE_LICENCES = GUM_GENRE_LICENCES
SCORED = {"person": "person", "place": "place", "organization": "organization"}
# GUM's other entity types whose named mentions are not scored but not charged either.
UNSCORED_NAMES = frozenset({"abstract", "event", "object", "substance", "animal", "plant"})
ENTITY_TYPES = frozenset({*SCORED, *UNSCORED_NAMES, "time", "quantity"})
# The label of a proper-noun run inside a mention that is not a gold name ("Harrow" in "the Harrow
# school", "Microsoft" in "Microsoft's Internet Explorer" where GUM marks no mention of its own).
NAME_IN_MENTION = "name-in-mention"
# Mention types whose proper nouns are no names a PII masker is asked for ("Monday", "May 2015").
NOT_NAMES = frozenset({"time", "quantity"})
# Tokens kept between two proper nouns of one name ("Bank of the United States", "AT & T"); not
# the possessive "'s" ("New York's Metropolitan Museum" is two names).
_BRIDGES = frozenset(
    {"of", "the", "de", "du", "da", "del", "della", "der", "den", "van", "von", "la", "le", "y", "&"}
    | {"-", "al", "bin", "ibn", "for", "on", "upon", "at"}
)
# Courtesy titles, ranks and offices. GUM tags them as proper nouns when capitalised ("President",
# "Mr.", "Chief Justice"), so they are stripped from the front of a person's name (CoNLL leaves
# them outside the name; an engine that masks "Roberts" in "Mr. Roberts" has masked the name),
# and a person mention headed by one ("the Secretary of State", "Malaysia's Prime Minister") is a
# role, not a name (GUM attaches a title in front of a name to the name, ``nmod:desc``, so a
# name's head is never its title).
TITLE_WORDS = frozenset(
    {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lord", "lady"}
    | {"president", "vice", "secretary", "minister", "prime", "premier", "chancellor", "deputy"}
    | {"general", "major", "colonel", "captain", "lieutenant", "sergeant", "admiral", "commander"}
    | {"chief", "justice", "judge", "king", "queen", "prince", "princess", "emperor", "empress"}
    | {"duke", "duchess", "count", "countess", "baron", "baroness", "earl", "pope", "bishop"}
    | {"archbishop", "cardinal", "father", "reverend", "rev", "rabbi", "imam", "senator", "sen"}
    | {"governor", "gov", "mayor", "representative", "rep", "congressman", "congresswoman"}
    | {"ambassador", "director", "chairman", "chairwoman", "chair", "ceo", "officer", "detective"}
    | {"inspector", "agent", "coach", "spokesman", "spokeswoman", "spokesperson", "attorney", "st"}
    | {"first", "tsar", "tsarina", "tsarevna", "tsarevich", "czar", "sultan", "shah", "emir"}
)
# Titles that only ever stand before a name: "Mr. King" is a name although "King" is a title word.
COURTESY_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame"})
# The label of a person mention headed by a plural proper noun: a group ("Bangladeshis",
# "the Democrats"), which CoNLL would call MISC or ORG, not a person's name.
PERSON_GROUP = "person-group"
# The label of a scored mention whose name has no capital letter (an IPA pronunciation, a slip).
LOWER_CASE_NAME = "lower-case-name"
# Dependency relations joining the words of one name (Universal Dependencies).
_NAME_PARTS = frozenset({"flat", "fixed", "goeswith"})
SPLITS = GUM_SPLITS
OUT = Path(__file__).resolve().parents[1]


@dataclass
class Token:
    form: str
    upos: str
    xpos: str
    deprel: str
    head: int  # index in the sentence (0-based), -1 for the root
    start: int = 0  # character offsets in the document's text
    end: int = 0


def is_name(token: Token) -> bool:
    """A proper noun, or a word GUM tags as part of a name (PTB ``NNP``/``NNPS``: "United" in
    "United Kingdom", "New" in "New York", "National" in "National Gallery")."""
    return token.upos == "PROPN" or token.xpos in ("NNP", "NNPS")


@dataclass
class Mention:
    etype: str
    first: int  # token indices in the sentence, inclusive
    last: int


@dataclass
class Sentence:
    tokens: list[Token] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)


def _git(git_dir: str, *args: str) -> str:
    return subprocess.run(["git", "-C", git_dir, *args], check=True, capture_output=True, text=True).stdout


def splits(splits_md: str) -> dict[str, str]:
    """Document name -> its split (train, dev, test, test2), from GUM's ``splits.md``."""
    out, current = {}, ""
    for line in splits_md.splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
        elif m := re.match(r"\s*\*\s+(\S+)", line):
            out[m.group(1)] = current
    return out


def _entity_events(value: str) -> list[tuple[str, str, str]]:
    """The openings and closings of one token's ``Entity=`` value, in order: ("open", eid, etype),
    ("close", eid, ""), an opening closed on the same token gives both."""
    events, i = [], 0
    while i < len(value):
        if value[i] == "(":
            j = i + 1
            while j < len(value) and value[j] not in "()":
                j += 1
            fields = value[i + 1 : j].split("-")
            if "[" in fields[0]:
                raise ValueError(f"discontinuous mention {value!r} not handled")
            events.append(("open", fields[0], fields[1]))
            if j < len(value) and value[j] == ")":
                events.append(("close", fields[0], ""))
                j += 1
            i = j
        else:
            m = re.match(r"(\d+)\)", value[i:])
            if not m:
                raise ValueError(f"cannot read Entity={value!r}")
            events.append(("close", m.group(1), ""))
            i += m.end()
    return events


def parse(conllu: str) -> tuple[dict[str, str], list[list[Sentence]]]:
    """A document's ``# meta::`` fields and its paragraphs of sentences; every token's offsets
    set in the document's text (sentences joined by a space, paragraphs by a blank line)."""
    meta: dict[str, str] = {}
    paragraphs: list[list[Sentence]] = []
    sentence = Sentence()
    open_mentions: dict[str, list[tuple[str, int]]] = {}
    mwt_end, mwt_space = -1, True
    space_after: list[bool] = []
    sentence_text = ""
    text_of_sentence: list[tuple[Sentence, list[bool], str]] = []
    for line in [*conllu.splitlines(), ""]:
        if line.startswith("# meta::"):
            key, _, value = line[8:].partition(" = ")
            meta[key] = value
        elif line.startswith("# newpar") and not line.startswith("# newpar_"):
            paragraphs.append([])
        elif line.startswith("# text = "):
            sentence_text = line[9:]
        elif not line.strip():
            if sentence.tokens:
                if open_mentions and any(open_mentions.values()):
                    raise ValueError("a mention runs past its sentence")
                if not paragraphs:
                    paragraphs.append([])
                paragraphs[-1].append(sentence)
                text_of_sentence.append((sentence, space_after, sentence_text))
            sentence, space_after, open_mentions, mwt_end = Sentence(), [], {}, -1
        elif not line.startswith("#"):
            cols = line.split("\t")
            if "-" in cols[0]:
                mwt_end = int(cols[0].split("-")[1])
                mwt_space = "SpaceAfter=No" not in cols[9]
                continue
            if "." in cols[0]:
                continue  # an empty node
            index = int(cols[0]) - 1
            sentence.tokens.append(Token(cols[1], cols[3], cols[4], cols[7], int(cols[6]) - 1))
            if index + 1 < mwt_end:
                space_after.append(False)
            elif index + 1 == mwt_end:
                space_after.append(mwt_space)
            else:
                space_after.append("SpaceAfter=No" not in cols[9])
            for item in cols[9].split("|"):
                if not item.startswith("Entity="):
                    continue
                for kind, eid, etype in _entity_events(item[7:]):
                    if kind == "open":
                        if etype not in ENTITY_TYPES:
                            raise ValueError(f"unknown GUM entity type {etype!r}")
                        open_mentions.setdefault(eid, []).append((etype, index))
                    else:
                        etype, first = open_mentions[eid].pop()
                        sentence.mentions.append(Mention(etype, first, index))
    for sent, spaces, expected in text_of_sentence:
        if _sentence_text(sent, spaces) != expected:
            raise ValueError(f"sentence text not rebuilt: {expected[:40]!r}")
    paragraphs = [p for p in paragraphs if p]
    _set_offsets(paragraphs, {id(s): sp for s, sp, _ in text_of_sentence})
    return meta, paragraphs


def _sentence_text(sentence: Sentence, spaces: list[bool]) -> str:
    return "".join(
        t.form + (" " if sp else "") for t, sp in zip(sentence.tokens, spaces, strict=True)
    ).rstrip()


def _set_offsets(paragraphs: list[list[Sentence]], spaces: dict[int, list[bool]]) -> None:
    position = 0
    for p, paragraph in enumerate(paragraphs):
        if p:
            position += 2  # "\n\n"
        for s, sentence in enumerate(paragraph):
            if s:
                position += 1
            for token, space in zip(sentence.tokens, spaces[id(sentence)], strict=True):
                token.start, token.end = position, position + len(token.form)
                position = token.end + (1 if space else 0)
            position = sentence.tokens[-1].end


def _head(sentence: Sentence, mention: Mention) -> int:
    inside = range(mention.first, mention.last + 1)
    heads = [i for i in inside if sentence.tokens[i].head not in inside]
    return heads[0]


def name_run(sentence: Sentence, mention: Mention, head: int) -> tuple[int, int]:
    """The proper nouns around ``head`` in the mention, with bridging words between two of
    them: first and last token index (inclusive)."""
    tokens = sentence.tokens

    first = last = head
    while True:
        i = first - 1
        while i >= mention.first and not is_name(tokens[i]) and tokens[i].form.lower() in _BRIDGES:
            i -= 1
        if i >= mention.first and is_name(tokens[i]):
            first = i
        else:
            break
    while True:
        i = last + 1
        while i <= mention.last and not is_name(tokens[i]) and tokens[i].form.lower() in _BRIDGES:
            i += 1
        if i <= mention.last and is_name(tokens[i]):
            last = i
        else:
            break
    return first, last


def is_title(token: Token) -> bool:
    return token.form.lower().rstrip(".") in TITLE_WORDS


def is_role(sentence: Sentence, first: int, head: int) -> bool:
    """A person mention headed by a title word is a role ("the Prime Minister"), unless a
    courtesy title stands before it in the name ("Mr. King")."""
    tokens = sentence.tokens
    courtesy = any(tokens[i].form.lower().rstrip(".") in COURTESY_TITLES for i in range(first, head))
    return is_title(tokens[head]) and not courtesy


def person_name(sentence: Sentence, mention: Mention, head: int) -> tuple[int, int]:
    """A person's name in a mention: its head and the words joined to it as parts of one name
    (UD ``flat``, ``fixed``, ``goeswith``: "Donald Trump", "Peter the Great"), first and last
    token. Titles and descriptions in front ("U.S. President", "Mr.", "YouTuber", ``nmod:desc``)
    and what follows the name ("of the Labour Party") are not the name."""
    tokens = sentence.tokens
    name = {head}
    grown = True
    while grown:
        grown = False
        for i in range(mention.first, mention.last + 1):
            if i not in name and tokens[i].head in name and tokens[i].deprel.split(":")[0] in _NAME_PARTS:
                name.add(i)
                grown = True
    first, last = min(name), max(name)
    # GUM's trees sometimes join a title to the name by ``flat`` ("US President Barack Obama"):
    # the name starts after the last title word before its last word.
    titles = [i for i in range(first, last) if is_title(tokens[i])]
    return (titles[-1] + 1 if titles else first), last


def _appos_name(sentence: Sentence, mention: Mention, head: int) -> int:
    """The head of the name in a person mention "descriptor Name" ("magician David Gish",
    "fellow YouTuber Julien Solomita", "the physician Yang Buwei"): GUM's trees make the name an
    apposition of the descriptor (now and then a ``flat`` part of a common noun); with no comma
    between them, the name is the person's name. Otherwise ``head`` itself."""
    tokens = sentence.tokens
    following = head + 1
    if (
        following <= mention.last
        and tokens[following].head == head
        and is_name(tokens[following])
        and (
            tokens[following].deprel == "appos"
            or (tokens[following].deprel == "flat" and not is_name(tokens[head]))
        )
    ):
        return following
    return head


def _runs(sentence: Sentence, mention: Mention) -> list[tuple[int, int]]:
    """Maximal proper-noun runs (bridges allowed) inside a mention."""
    runs: list[tuple[int, int]] = []
    i = mention.first
    while i <= mention.last:
        if is_name(sentence.tokens[i]) and not any(a <= i <= b for a, b in runs):
            runs.append(name_run(sentence, mention, i))
        i += 1
    return runs


def labels(paragraphs: list[list[Sentence]]) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
    """Gold spans (start, end, GUM type) and ignored spans (start, end, label) of a document."""
    candidates: list[tuple[int, int, int, str]] = []  # (mention length, start, end, type)
    unscored: list[tuple[int, int, str]] = []
    for paragraph in paragraphs:
        for sentence in paragraph:
            toks = sentence.tokens
            dates = {i for m in sentence.mentions if m.etype in NOT_NAMES for i in range(m.first, m.last + 1)}
            for m in sentence.mentions:
                head = _head(sentence, m)
                if m.etype == "person":
                    head = _appos_name(sentence, m, head)
                named = is_name(toks[head])
                if m.etype in SCORED and named:
                    a, b = name_run(sentence, m, head)
                    if m.etype == "person" and toks[head].xpos == "NNPS":
                        unscored.append((toks[a].start, toks[b].end, PERSON_GROUP))
                        continue
                    if m.etype == "person" and is_role(sentence, a, head):
                        continue  # a role ("the Prime Minister") is not a name: neither gold nor ignored
                    if m.etype == "person":
                        a, b = person_name(sentence, m, head)
                    if not any(ch.isupper() for t in toks[a : b + 1] for ch in t.form):
                        # no capital letter: a tagging slip ("critic") or a pronunciation in IPA
                        unscored.append((toks[a].start, toks[b].end, LOWER_CASE_NAME))
                        continue
                    candidates.append((m.last - m.first, toks[a].start, toks[b].end, m.etype))
                elif m.etype in UNSCORED_NAMES and named:
                    a, b = name_run(sentence, m, head)
                    unscored.append((toks[a].start, toks[b].end, m.etype))
                if m.etype not in NOT_NAMES:
                    unscored.extend(
                        (toks[a].start, toks[b].end, NAME_IN_MENTION)
                        for a, b in _runs(sentence, m)
                        if any(is_name(t) and not is_title(t) for t in toks[a : b + 1])
                        and any(ch.isupper() for t in toks[a : b + 1] for ch in t.form)
                        and not dates.intersection(range(a, b + 1))  # "the September issue"
                    )
    by_span: dict[tuple[int, int], str] = {}
    for _length, start, end, etype in sorted(candidates):
        by_span.setdefault((start, end), etype)  # the innermost mention's type for one span
    gold: list[tuple[int, int, str]] = []
    for (start, end), etype in sorted(by_span.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
        if any(s <= start and end <= e for s, e, _ in gold):
            continue  # inside a longer name (or crossing one it started in): the outer name is the entity
        if any(start < e and s < end for s, e, _ in gold):
            continue
        gold.append((start, end, etype))
    ignored: dict[tuple[int, int], str] = {}
    # one label a span: GUM's type of a named mention before the generic NAME_IN_MENTION
    for start, end, label in sorted(unscored, key=lambda u: (u[0], u[1], u[2] == NAME_IN_MENTION, u[2])):
        if any(start < e and s < end for s, e, _ in gold) or (start, end) in ignored:
            continue
        ignored[(start, end)] = label
    return gold, [(s, e, label) for (s, e), label in sorted(ignored.items())]


def document(name: str, split: str, conllu: str) -> dict[str, Any]:
    meta, paragraphs = parse(conllu)
    text = "\n\n".join(
        " ".join(_sentence_text_from_offsets(s) for s in paragraph) for paragraph in paragraphs
    )
    gold, ignored = labels(paragraphs)
    for paragraph in paragraphs:
        for sentence in paragraph:
            for t in sentence.tokens:
                if text[t.start : t.end] != t.form:
                    raise ValueError(f"{name}: token offsets do not match the text")
    genre = meta["genre"]
    return {
        "doc": name,
        "genre": genre,
        "split": split,
        "licence": GENRE_LICENCES[genre],
        "source_url": meta.get("sourceURL", ""),
        "text": text,
        "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "entities": [
            {"start": s, "end": e, "label": lab, "text": text[s:e]} for s, e, lab in [*gold, *ignored]
        ],
    }


def _sentence_text_from_offsets(sentence: Sentence) -> str:
    base = sentence.tokens[0].start
    chars = [" "] * (sentence.tokens[-1].end - base)
    for t in sentence.tokens:
        chars[t.start - base : t.end - base] = list(t.form)
    return "".join(chars)


def main(git_dir: str, commit: str) -> None:
    split_of = splits(_git(git_dir, "show", f"{commit}:splits.md"))
    names = sorted(
        Path(p).stem
        for p in _git(git_dir, "ls-tree", "--name-only", commit, "dep/").split()
        if p.endswith(".conllu")
    )
    corpora: dict[str, list[dict[str, Any]]] = {name: [] for name in SPLITS}
    sources: dict[str, list[str]] = {name: [] for name in SPLITS}
    for name in names:
        genre = name.split("_")[1]
        if not name.startswith("GUM_") or genre not in GENRE_LICENCES:
            continue
        for corpus, wanted in SPLITS.items():
            if split_of[name] in wanted:
                conllu = _git(git_dir, "show", f"{commit}:dep/{name}.conllu")
                record = document(name, split_of[name], conllu)
                corpora[corpus].append(record)
                digest = hashlib.sha256(conllu.encode("utf-8")).hexdigest()
                sources[corpus].append(
                    "\t".join(
                        (
                            f"dep/{name}.conllu",
                            digest,
                            split_of[name],
                            genre,
                            record["licence"],
                            record["source_url"],
                        )
                    )
                )
    for corpus, records in corpora.items():
        path = OUT / corpus / "documents.json"
        path.write_text(json.dumps(records, ensure_ascii=False, indent=0) + "\n", "utf-8")
        header = "file\tsha256\tsplit\tgenre\tlicence\tsource_url\n"
        (OUT / corpus / "sources.tsv").write_text(header + "\n".join(sources[corpus]) + "\n", "utf-8")
        print(f"{path}: {len(records)} documents")


if __name__ == "__main__":
    main(*sys.argv[1:3])
