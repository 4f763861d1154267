"""VAT and tax numbers written without their country prefix, after their national label.

``tax_ids.vat_id`` finds a VAT number that carries its country code (``DE136695976``). Inside
one country the code is usually left out and the label says which number it is: an Italian
invoice reads "Partita IVA 01333550323", a Polish one "NIP 123-456-32-18", a Belgian one
"BTW 0403.170.701". Such a number is found only after one of these labels
(:class:`~veil.pii.recognizers.labelled.LabelledValue`) and only when its country's check
digits hold (python-stdnum). A label does not always say which country's rule applies ("TVA"
is French and Belgian, "BTW" Belgian and Dutch), so a value passes when the check of any
country below accepts it: the label is what makes it a tax number, the check keeps dates,
amounts and phone numbers that follow a label out (one label scan per text, not one per country).

===========  ===============================================  ==============================
country      labels                                           check (python-stdnum)
===========  ===============================================  ==============================
Italy        partita IVA, P.IVA                               ``it.iva`` (Luhn)
Poland       NIP                                              ``pl.nip`` (weights mod 11)
Portugal     NIF, NIPC, contribuinte                          ``pt.nif`` (mod 11)
Belgium      BTW, TVA, ondernemingsnummer, n° d'entreprise    ``be.vat`` (mod 97)
Germany      USt-IdNr., USt-ID                                ``de.vat`` (ISO 7064 mod 11,10)
Netherlands  btw-nummer, btw-id, omzetbelastingnummer         ``nl.btw`` (mod 11 or mod 97)
Czechia      DIČ                                              ``cz.dic``
Denmark      CVR, SE-nr                                       ``dk.cvr`` (mod 11)
Finland      Y-tunnus, ALV-numero                             ``fi.ytunnus`` (mod 11)
Croatia      OIB                                              ``hr.oib`` (ISO 7064 mod 11,10)
Greece       ΑΦΜ, AFM                                         ``gr.vat`` (mod 11)
===========  ===============================================  ==============================
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from stdnum.be import vat as be_vat
from stdnum.cz import dic as cz_dic
from stdnum.de import vat as de_vat
from stdnum.dk import cvr as dk_cvr
from stdnum.fi import ytunnus as fi_ytunnus
from stdnum.gr import vat as gr_vat
from stdnum.hr import oib as hr_oib
from stdnum.it import iva as it_iva
from stdnum.nl import btw as nl_btw
from stdnum.pl import nip as pl_nip
from stdnum.pt import nif as pt_nif

from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.labelled import LabelledValue

__all__ = ["NATIONAL_VAT_LABELS", "is_national_vat_number", "national_vat_number"]

Check = Callable[[str], bool]

# label -> the checks of the countries that use it (documentation and tests; the finder tries all)
NATIONAL_VAT_LABELS: dict[str, tuple[Check, ...]] = {
    "partita iva": (it_iva.is_valid,),
    "p.iva": (it_iva.is_valid,),
    "p. iva": (it_iva.is_valid,),
    "nip": (pl_nip.is_valid,),
    "nif": (pt_nif.is_valid,),
    "nipc": (pt_nif.is_valid,),
    "contribuinte": (pt_nif.is_valid,),
    "btw": (be_vat.is_valid, nl_btw.is_valid),
    "btw-nummer": (be_vat.is_valid, nl_btw.is_valid),
    "btw-id": (nl_btw.is_valid,),
    "omzetbelastingnummer": (nl_btw.is_valid,),
    "tva": (be_vat.is_valid,),
    "ondernemingsnummer": (be_vat.is_valid,),
    "n° d'entreprise": (be_vat.is_valid,),
    "ust-idnr": (de_vat.is_valid,),
    "ust-id": (de_vat.is_valid,),
    "ust.-id": (de_vat.is_valid,),
    "dič": (cz_dic.is_valid,),
    "cvr": (dk_cvr.is_valid,),
    "cvr-nr": (dk_cvr.is_valid,),
    "se-nr": (dk_cvr.is_valid,),
    "y-tunnus": (fi_ytunnus.is_valid,),
    "alv-numero": (fi_ytunnus.is_valid,),
    "oib": (hr_oib.is_valid,),
    "αφμ": (gr_vat.is_valid,),
    "afm": (gr_vat.is_valid,),
}
_CHECKS: tuple[Check, ...] = tuple(
    dict.fromkeys(c for checks in NATIONAL_VAT_LABELS.values() for c in checks)
)

# 8 to 12 digits, in groups joined by one space, dot or dash ("0403.170.701", "123-456-32-18",
# "1572860-0"), with the Dutch "B01" tail
_VALUE = r"\d(?:[ .-]?\d){7,11}(?:B\d\d)?"


def is_national_vat_number(text: str) -> bool:
    """Whether one of the labelled countries' check digits accept ``text``."""
    return any(check(text) for check in _CHECKS)


_LABELLED = LabelledValue(
    tuple(NATIONAL_VAT_LABELS), _VALUE, score=0.8, reach=32, validate=is_national_vat_number
)
# Every value holds eight digits in a row (one separator between two at most): a text without
# such a run is not scanned for the labels, which start with common letters and cost the most.
_EIGHT_DIGITS = re.compile(r"\d(?:[ .-]?\d){7}")


def _national_vat_numbers(text: str) -> Iterator[tuple[int, int, float]]:
    if _EIGHT_DIGITS.search(text):
        yield from _LABELLED(text)


def national_vat_number() -> Recognizer:
    return Recognizer(name="vat_national", entity_type=EntityType.VAT_ID, finder=_national_vat_numbers)
