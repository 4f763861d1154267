"""Words that name a people, a faith or a political movement, not a person.

spaCy's small model tags "Christian", "Roman", "Danish", "Nazi" as NORP (a nationality, religion
or political group) or even PERSON ("a converted Jew"), and several of them are also given
names ("Christian", "Roman"), so that the retyping of NORP spans by the first-name gazetteer
turns "Christian moral life", "before Roman times" or "the Danish island" into persons. A span
made only of these words ("Roman Catholic") names a group: no person.
"""

from __future__ import annotations

from veil.pii.recognizers.common import wordset

__all__ = ["GROUP_WORDS", "names_a_group"]

# Faiths, movements and peoples (singular, plural, adjective); nationalities that are also given
# or family names ("Christian", "Roman", "German", "French") are here because alone, as an NER
# span, they are far more often the adjective; those more often a person's given name alone
# ("Norman", "Dane", "Finn", "Saxon", "Sami", "Jain") are not.
GROUP_WORDS = wordset(
    """
    Christian Christians Christianity Catholic Catholics Protestant Protestants Orthodox Anglican Anglicans
    Baptist Baptists Methodist Methodists Lutheran Lutherans Presbyterian Presbyterians Evangelical
    Evangelicals Mormon Mormons Quaker Quakers Puritan Puritans Calvinist Calvinists Jesuit Jesuits
    Jew Jews Jewish Judaism Muslim Muslims Moslem Islamic Sunni Sunnis Shia Shiite Shiites Hindu Hindus
    Buddhist Buddhists Sikh Sikhs Pagan Pagans Atheist Atheists Zoroastrian Coptic Copts
    Nazi Nazis Fascist Fascists Communist Communists Socialist Socialists Marxist Marxists Bolshevik
    Bolsheviks Republican Republicans Democrat Democrats Tory Tories Labourite Whig Whigs Liberal Liberals
    Roman Romans Greek Greeks Danish Danes Swedish Swede Swedes Norwegian Norwegians Finnish Finns
    Dutch German Germans French English British Irish Scottish Scots Welsh Spanish Portuguese Italian
    Italians Polish Pole Poles Czech Czechs Slovak Slovaks Hungarian Hungarians Romanian Romanians
    Bulgarian Bulgarians Serbian Serbs Croatian Croats Russian Russians Ukrainian Ukrainians Turkish Turk
    Turks Kurdish Kurd Kurds Arab Arabs Arabic Persian Persians Israeli Israelis Palestinian Palestinians
    Egyptian Egyptians Chinese Japanese Korean Koreans Thai Thais Vietnamese Indian Indians Pakistani
    Pakistanis Afghan Afghans Mexican Mexicans American Americans Canadian Canadians Brazilian Brazilians
    Australian Australians African Africans European Europeans Asian Asians Latino Latinos Hispanic
    Viking Vikings Saxons Normans Celtic Celts Gaelic Byzantine Ottoman Ottomans Safavid
    Moriori Maori Rohingya Roma Romani Inuit Aboriginal Yoruba Igbo Zulu Pashtun Tamil Tamils
    """
)


def names_a_group(text: str) -> bool:
    """Every word of ``text`` names a people, a faith or a movement ("Danish", "Roman Catholic")."""
    words = text.split()
    return bool(words) and all(w in GROUP_WORDS for w in words)
