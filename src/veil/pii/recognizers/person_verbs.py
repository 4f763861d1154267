"""Verbs that only people do, after a name: "Trivo lives on ...", "Okafor, 34, said", "Yorick
grinned" (a regex alternation, any number of words each). Read by
:mod:`~veil.pii.recognizers.person_context`: a capitalised word before one of them is a name
unless it is an ordinary word, a place or a word the text writes in lower case.
"""

from __future__ import annotations

__all__ = ["PERSON_VERBS"]

PERSON_VERBS = (
    r"said|says|told|tells|asked|asks|explained|explains|added|adds|replied|replies|answered|wrote|writes"
    r"|testified|stated|claimed|argued|admitted|recalled|recalls|insisted|confirmed|denied|complained"
    r"|smiled|laughed|nodded|shrugged|sighed|whispered|shouted|cried|lives|lived|resides|resided|grew\s+up"
    r"|was\s+born|is\s+married|got\s+married|married|died|passed\s+away|studied|graduated|retired"
    r"|began\s+writing|started\s+writing|had\s+given|has\s+given|reports|reported|noted|mentioned|announced"
    r"|sent\s+(?:me|us|you|him|her|them)|emailed|phoned|texted|approved|signed|joined|visited|arrived"
    # what only a body does, as fiction tells it: "Yorick grinned", "Ondine frowned"
    r"|grinned|frowned|glanced|stared|winced|hesitated|gasped|murmured|muttered|exclaimed|yelled|screamed"
    r"|giggled|chuckled|sobbed|wept|blushed|winked|blinked|knelt|grimaced|scowled|snorted|sneered|groaned"
    r"|pouted|squinted|flinched|gulped|stammered|stuttered|mumbled|whimpered|yawned"
)
