"""The words around a name that only people take, read by
:mod:`~veil.pii.recognizers.person_context` (a capitalised word beside one is a name unless it is
an ordinary word, a place or a word the text writes in lower case):

* **PERSON_VERBS** — verbs after a name: "Trivo lives on ...", "Okafor, 34, said", "Yorick
  grinned", and the writer as its companion, "Marisha and I" (a regex alternation);
* **ADDRESSING_WORDS** — words before a name, said to or done to a person: "thanks to ...",
  "bumped into ...", "kissed ...", "cast as ...", "you and ..." (regexes for
  :func:`~veil.pii.recognizers.common.words`);
* **OWNED_BY_PEOPLE** — what only a person has, after a name and "'s": "Yorick's eyes",
  "Ysolde's mother" (a regex alternation).
"""

from __future__ import annotations

from veil.pii.recognizers.common import wordset

__all__ = ["ADDRESSING_WORDS", "OWNED_BY_PEOPLE", "PERSON_VERBS"]

PERSON_VERBS = (
    r"said|says|told|tells|asked|asks|explained|explains|added|adds|replied|replies|answered|wrote|writes"
    r"|testified|stated|claimed|argued|admitted|recalled|recalls|insisted|confirmed|denied|complained"
    r"|smiled|laughed|nodded|shrugged|sighed|whispered|shouted|cried|lives|lived|resides|resided|grew\s+up"
    r"|was\s+born|is\s+married|got\s+married|married|died|passed\s+away|studied|graduated|retired"
    r"|began\s+writing|started\s+writing|had\s+given|has\s+given|reports|reported|noted|mentioned|announced"
    r"|sent\s+(?:me|us|you|him|her|them)|emailed|phoned|texted|approved|signed|joined|visited|arrived"
    # what is done to a person in a life's story: "Tarvin was re-elected", "Odrasek was knighted"
    r"|was\s+(?:re-?elected|knighted|sworn\s+in|bapti[sz]ed|ordained|crowned|educated|arrested|sentenced)"
    r"|had\s+written|has\s+written|resigned|wept"
    # a life's work, as biographies tell it: "Varnow starred in", "Quenby enrolled at", "Tarvin was
    # nominated", "Ilsa toured Europe"
    r"|starred|co-starred|enrolled|toured|was\s+(?:named|nominated|appointed|sent|elected|promoted|exiled)"
    r"|began\s+(?:filming|recording|touring|studying)|dismisses|dismissed|suffered"
    # what only a body does, as fiction tells it: "Yorick grinned", "Ondine frowned"
    r"|grinned|frowned|glanced|stared|winced|hesitated|gasped|murmured|muttered|exclaimed|yelled|screamed"
    r"|giggled|chuckled|sobbed|wept|blushed|winked|blinked|knelt|grimaced|scowled|snorted|sneered|groaned"
    r"|pouted|squinted|flinched|gulped|stammered|stuttered|mumbled|whimpered|yawned"
    # the writer's companion, named before the writer: "Marisha and I went", "Tobin and me"
    r"|and[ \t]+(?:I|me|myself)"
    # what a comment says of a person it talks about, in the present: "Tobin laughs at everything",
    # "Desta is so cute", "Tobin is a good dude", "Marisha looks so tired"
    r"|laughs|smiles|giggles|blushes|winks"
    r"|is[ \t]+(?:so[ \t]+|very[ \t]+|really[ \t]+|such[ \t]+)?(?:cute|handsome|gorgeous|adorable|pregnant"
    r"|obsessed|hilarious|sexy|talented|humble)"
    r"|is[ \t]+(?:a|such[ \t]+a)[ \t]+(?:(?:good|nice|great|sweet|cool|real|funny)[ \t]+)?"
    r"(?:guy|dude|girl|boy|man|woman|gentleman|lady|sweetheart)"
    r"|looks[ \t]+(?:so[ \t]+|very[ \t]+|really[ \t]+)?"
    r"(?:sad|happy|tired|cute|handsome|gorgeous|pretty|old|young)"
)

# Words said to or of people only, before a name of any origin ("thanks to Thandiwe Nkosi", "I
# bumped into Haruto Sato"): regexes for common.words, any case.
ADDRESSING_WORDS = [
    *wordset("congrats congratulations thanks kudos ask asked tell told met invite invited cc email emailed"),
    *wordset("ping pinged remind reminded introduce introduced hug hugged"),
    # taking leave of one, praising one: "Bye Capwin!", "well done Tanner", "shout out to Ilse"
    *wordset("bye goodbye"),
    r"well[ \t]+done",
    r"good[ \t]+job",
    r"shout[ \t]?out[ \t]+to",
    # what is done only to a person: "she kissed Yorick", "he married Ysolde Brandt"
    *wordset("kissed married divorced befriended slapped comforted consoled scolded"),
    # people as the object of a verb of news: "Wikinews interviews Ozrin Belmor", "was replaced by ..."
    *wordset("interview interviews interviewed interviewing thanked congratulated"),
    r"replaced[ \t]+by",
    # a part played: "cast as Dean Forester", "starred as Ilsabet Morrow", "portrayed Tamsin"
    *(rf"{verb}[ \t]+as" for verb in wordset("cast starred starring stars appeared appearing guest-starred")),
    *wordset("portrayed portraying portrays"),
    r"played[ \t]+the[ \t]+role[ \t]+of",
    r"succeeded[ \t]+by",
    *wordset("defeating defeated"),
    r"thank[ \t]+you",
    r"bumped[ \t]+into",
    # the companion of the writer or of the one addressed: "you and Desta looked great", "me and Tobin"
    r"you[ \t]+and",
    r"me[ \t]+and",
]

# What only a person has, after a name and "'s": "Yorick's eyes", "Ysolde's mother" (an alternation;
# not what a place or a firm has in a figure of speech: "Europe's face", "Europe's voice").
OWNED_BY_PEOPLE = (
    "eyes|lips|cheeks|gaze|frown|mother|father|mum|mom|dad|wife|husband|son|daughter|brother|sister"
    "|grandmother|grandfather|girlfriend|boyfriend|fianc[ée]e?|widow|widower|funeral|grave|birthday"
    "|late\\s+(?:wife|husband|father|mother)"
    # a life and its record, told of people only: "Varnow's death", "Quenby's memoirs"
    "|death|deathbed|birth|childhood|memoirs?|autobiography|obituary|assassination|nephew|niece|cousin"
    "|uncle|aunt|grandson|granddaughter|parents|ex-wife|ex-husband"
    # a life's deeds: "Doss's feats", "Quenby's career"
    "|feats|career"
)
