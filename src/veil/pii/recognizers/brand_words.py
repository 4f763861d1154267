"""Brands, apps and voice assistants that posts speak to, thank or mourn as they would a friend:
"Hey Siri, you ...", "thanks Uber for the ride", "rip Vine", "congrats Tesla", "i love heinz".

A social cue before a word, or a "you" after it, makes a person of a word no gazetteer knows
(:mod:`~veil.pii.recognizers.person_address`), and a text without capitals makes a person of a
lower-case given or family name (:mod:`~veil.pii.recognizers.person_lowercase`). A post names a
product or a firm in the same words ("Netflix you never disappoint"), and some brands are names
in the gazetteers too ("Heinz", "Ferrari", "Armani"). These are no person there. Brands that are
also common given names ("Alexa", "Wendy", "Tiffany", "Mercedes") are left out: "happy birthday
Tiffany" greets a person far more often than a shop. Case-blind, whole words. Nor is a brand
alone a person when spaCy's model labels it one ("on Vimeo", :mod:`~veil.pii.recognizers.person_ner`).

Platforms ("Twitter", "Facebook", "Instagram", "YouTube") stay organisations wherever a rule or the
model finds one (``organization_known``, NER's ORG): a platform is a firm, and the one annotated
social corpus that labels platforms is split on them. In btc_dev, 15 of the 29 platform mentions
Veil reports are labelled ORG and 14 are not, with nothing in the text to tell the halves apart
("I posted a new photo to Facebook" is labelled in one tweet and not in another); wnut17_dev
names "youtube" three times, unlabelled. Dropping them would trade as many hits as false
positives on one corpus by one annotator's habit; they name no person, so reporting them costs
utility, not privacy.
"""

from __future__ import annotations

from veil.pii.recognizers.common import wordset

__all__ = ["is_brand"]

_BRANDS = wordset(
    """
    siri cortana bixby google chatgpt
    tesla uber lyft heinz ferrari porsche lamborghini bentley maserati chevrolet chevy renault peugeot
    gucci prada versace armani chanel dior balenciaga guinness smirnoff hennessy heineken budweiser
    nikon samsung nintendo xbox playstation netflix spotify hulu tinder snapchat tumblr reddit vimeo
    twitch discord skype whatsapp instagram insta facebook twitter youtube tiktok pinterest linkedin
    amazon microsoft verizon comcast vodafone ryanair starbucks mcdonalds ikea lego nutella
    """
)


def is_brand(word: str) -> bool:
    """``word`` (one word, any case, a possessive aside) is a brand, an app or a voice assistant."""
    folded = word.lower()
    if folded.endswith(("'s", "\u2019s")):
        folded = folded[:-2]
    return folded in _BRANDS
