"""Words of online chat that are never a person's name: laughter, stretched emphasis, slang.

Comments, tweets and chat lines capitalise freely ("Plz Subscribe", "Hahaha", "LMAO", "Sooooo
good"), and spaCy's small model types such words as a person, a place or a firm. Two kinds of
word name no one:

* **laughter and stretched words** (:func:`is_laughter`) - a unit of one to three letters said
  over and over ("hahaha", "KEKEKEKE", "lololol", "Nooooo", "aaaaaa"): a run of at least three
  repeats that covers most of the word. A name repeats no syllable three times ("Hannah",
  "Lulu", "Nanna" do not);
* **stretched words** (:func:`is_stretched`) - a letter written three times or more in a row
  after the word's first letter ("Brilll", "Yesss", "Sooo"): English spells no word and no name
  so ("Aaaqil" opens with its run, so it stays a name); not in capitals (an acronym may triple a
  letter) nor in a handle's camel case ("iDubbbz");
* **chat slang** (:func:`is_chat_word`) - the abbreviations, interjections and calls to action of
  social media ("lol", "omg", "plz", "subscribe", "upvote"), in any case; given names that are
  also chat words ("Ty", "Bo") are left out of the list;
* **a dropped final g** (:func:`is_dropped_g`) - a lower-case word that ends in "in" where English
  writes "ing", the way chat spells speech ("sayin", "doin", "goin", "nothin", "lovin"): no English
  word itself ("cabin", "begin"), and either its "-ing" form is English or its stem is an English
  word ("do", "come", "get"); a word a name list knows needs both ("sayin"; "martin", "darin" stay).

The validators of NER's persons read them (:mod:`.name_plausibility`); the lower-case name rule
(:mod:`.person_lowercase`) skips them.
"""

from __future__ import annotations

import re
from functools import cache

from veil.pii.data import COMMON_WORDS, ENGLISH_WORDS, FIRST_NAMES, LAST_NAMES, load_list, load_words
from veil.pii.recognizers.common import wordset

__all__ = ["CHAT_WORDS", "has_chat_word", "is_chat_word", "is_dropped_g", "is_laughter", "is_stretched"]

# Abbreviations, interjections and calls to action of social media, lower case. Not "ty" (a
# given name: "Ty"), "jo", "bo", "al", "em", "kay" and the like, nor words that are also
# ordinary nouns of names ("rose", "will").
CHAT_WORDS = wordset(
    """
    lol lols lolz lool loool lmao lmfao lmaoo rofl roflmao omg omfg omgg wtf wth smh smdh tbh tbf imo
    imho idk idc ikr btw fyi brb afk ttyl gtg g2g thx thnx thanx tysm tyvm plz pls plzz plss pleasee
    bruh bruv xd xdd xoxo ily ilysm jk ngl irl nvm ofc fml af asf istg frfr fr icymi iirc afaik
    haha hahah hehe hihi huehue kek keke lul kappa pog poggers yolo swag yass yasss woot ayy ayyy
    eww ew ewww ugh ughh meh hmm hmmm aww awww awe yay welp oof yikes wow woah whoa omw smfh
    ya yep yup nope nah bro bruh fam guys yall homie bestie bae dawg cmon gonna wanna gotta lemme dunno
    imma aint youre theyre didnt dont doesnt isnt wasnt shouldnt wouldnt couldnt havent hasnt hadnt
    werent cuz coz lmk wyd hbu ahh uh umm anytime whenever whoever unless everytime
    yea yeah yeahh yeh duh derp chur nigga niggas srsly periodt
    subscribe subscribed subscribers subscriber unsubscribe unsubscribed upvote upvoted upvotes downvote
    downvoted downvotes retweet retweets retweeted repost reposted hashtag hashtags
    """
)

# A unit of one to three letters repeated three times or more: "haha|ha", "kekeke", "ooo".
_REPEATS = re.compile(r"([^\W\d_]{1,3}?)\1{2,}")


def is_laughter(word: str) -> bool:
    """``word`` (letters only, five or more) is mostly a run of one unit of one to three letters
    said at least three times: laughter or a stretched word ("Hahaha", "KEKEKEKKEKE", "Sooooo")."""
    if len(word) < 5 or not word.isalpha():
        return False
    folded = word.lower()
    longest = max((m.end() - m.start() for m in _REPEATS.finditer(folded)), default=0)
    return longest * 5 >= len(folded) * 3  # the run covers three fifths of the word or more


# A letter three times or more in a row after the first letter: "Brilll", "Yesss".
_STRETCH = re.compile(r"(?<=[^\W\d_])([^\W\d_])\1{2,}")


def is_stretched(word: str) -> bool:
    """``word`` (letters only) writes one letter three times or more in a row after its first
    letter: a word stretched for emphasis ("Brilll", "Sooo", "Nooo"), never a name."""
    # written as a word, not in capitals (an acronym may triple a letter) nor in a handle's camel
    # case ("iDubbbz"); a word shouted and stretched ("NOOOOO") is laughter's shape already
    return word.isalpha() and word[1:].islower() and _STRETCH.search(word) is not None


def is_dropped_g(word: str) -> bool:
    """``word`` (lower-case letters) is an "-ing" word written without its g, as chat spells speech
    ("sayin", "doin", "nothin"; see the module's docstring)."""
    if len(word) < 4 or not word.endswith("in") or not word.isalpha() or not word.islower():
        return False
    english = _english()
    if word in english:
        return False  # "cabin", "begin", "robin": a word as it is
    stem = word[:-2]
    if word in _lower_names():
        # "martin", "justin", "darin": names, though "mart" and "daring" are words; "sayin" is
        # "saying" (its stem a word too)
        return word + "g" in english and stem in english
    if word + "g" in english:
        return True  # "nothing", "loving"
    doubled = len(stem) > 2 and stem[-1] == stem[-2]
    return stem in english or stem + "e" in english or (doubled and stem[:-1] in english)


@cache
def _english() -> frozenset[str]:
    return load_list(ENGLISH_WORDS) | load_list(COMMON_WORDS)


@cache
def _lower_names() -> frozenset[str]:
    return frozenset(name.lower() for name in load_words(FIRST_NAMES) | load_words(LAST_NAMES))


def is_chat_word(word: str) -> bool:
    """``word`` (edge punctuation ignored) is chat slang, laughter, a stretched word or a word
    with its final g dropped: no name."""
    bare = word.strip(".,!?'\u2019\"*_:;()-")
    return bare.lower() in CHAT_WORDS or is_laughter(bare) or is_stretched(bare) or is_dropped_g(bare)


def has_chat_word(text: str) -> bool:
    """A word of ``text`` is chat slang or laughter ("Plz Subscribe", "Hahaha Bill")."""
    return any(is_chat_word(w) for w in text.split())
