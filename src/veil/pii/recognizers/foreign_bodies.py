"""Institutions named in a Romance or Germanic language, head noun first: "Universidade Federal de
Santa Catarina", "Università di Bologna", "Instituto Gonzaga", "Laboratorio de Bases de Datos",
"Conservatoire de Paris", "Fondazione Prada".

English names an institution by a head noun after its name or before "of" ("Durham University",
"University of Oxford": :mod:`.body_heads`); French, Spanish, Portuguese, Italian and German
put the head first and join the rest with their own particles ("de", "da", "di", "für"), and the
small English NER model reads such a name as a person, a place or nothing. Such a head then one
to six capitalised words or particles, ending on a capitalised word or an acronym, is an
organisation. The heads are foreign words an English text does not use for anything else.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from veil.pii.recognizers.common import NAME_WORD, UPPER, words

__all__ = ["FOREIGN_HEADS", "foreign_bodies"]

FOREIGN_HEADS = (
    # universities and schools
    "Universidad",
    "Universidade",
    "Università",
    "Université",
    "Universität",
    "Universiteit",
    "Universitat",
    "Uniwersytet",
    "Univerzita",
    "Instituto",
    "Istituto",
    "Conservatoire",
    "Conservatorio",
    "Escuela",
    "Escola",
    "École",
    "Scuola",
    "Hochschule",
    "Fachhochschule",
    "Politecnico",
    "Colegio",
    "Liceo",
    "Lycée",
    # research, culture, health
    "Laboratorio",
    "Laboratoire",
    "Centro",
    "Museo",
    "Musée",
    "Museu",
    "Biblioteca",
    "Bibliothèque",
    "Hôpital",
    "Ospedale",
    "Klinikum",
    "Fundación",
    "Fundação",
    "Fondazione",
    "Fondation",
    "Stiftung",
    "Akademie",
    "Accademia",
    # government, parties, unions, firms
    "Ministerio",
    "Ministério",
    "Ministère",
    "Ministero",
    "Ayuntamiento",
    "Prefeitura",
    "Partido",
    "Partito",
    "Movimento",
    "Movimiento",
    "Sindicato",
    "Confederación",
    "Federación",
    "Federazione",
    "Asociación",
    "Associação",
    "Associazione",
    "Banco",
    "Banca",
)
# The particles that join the words of such a name ("de Santa Catarina", "della Svizzera
# italiana", "für Musik"); the articles that follow them ("da Coruña", "de la Plata", "del Prado").
_PARTICLE = (
    r"(?:de|da|do|das|dos|del|della|delle|dello|degli|dei|di|des|du|für|der|die|y|e|et|i"
    r"|la|le|las|los|lo|el|a|para|per|en|zu|am|im)"
)
# A capitalised word or an acronym of the name ("Federal", "Santa", "CITIC", "UNAM").
_PART = rf"(?:{NAME_WORD}|[{UPPER}]{{2,8}})"
_FOREIGN_BODY = re.compile(
    rf"{words(FOREIGN_HEADS)}"
    rf"(?:[ \t]+(?:{_PARTICLE}[ \t]+|[dl]['\u2019](?=[{UPPER}]))*{_PART}){{1,6}}(?![\w'\u2019-])"
)
# above the NER's person or place that the words draw ("Santa Catarina", "Gonzaga": 0.85)
_SCORE = 0.88


def foreign_bodies(text: str) -> Iterator[tuple[int, int, float]]:
    """Spans of institutions named head first in a Romance or Germanic language (see the module
    docstring)."""
    for match in _FOREIGN_BODY.finditer(text):
        yield match.start(), match.end(), _SCORE
