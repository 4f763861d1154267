"""What the PII engine finds: typed spans of text, as plain data.

An :class:`Entity` carries offsets, never the matched text, so that results can be
logged, counted and sent to the audit log without carrying personal data.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

__all__ = ["IDENTIFIER_TYPES", "Entity", "EntityType"]


class EntityType(StrEnum):
    PERSON = "PERSON"
    EMAIL_ADDRESS = "EMAIL_ADDRESS"
    PHONE_NUMBER = "PHONE_NUMBER"
    CREDIT_CARD = "CREDIT_CARD"
    IBAN_CODE = "IBAN_CODE"
    US_SSN = "US_SSN"
    IP_ADDRESS = "IP_ADDRESS"
    MAC_ADDRESS = "MAC_ADDRESS"
    DATE_TIME = "DATE_TIME"
    LOCATION = "LOCATION"
    URL = "URL"
    ORGANIZATION = "ORGANIZATION"
    UK_NINO = "UK_NINO"
    UK_NHS = "UK_NHS"
    DE_ID = "DE_ID"  # German tax id (Steuer-IdNr) / ID card number
    FR_NIR = "FR_NIR"  # French social security number (INSEE)
    ES_NIF = "ES_NIF"  # Spanish DNI/NIE
    IT_FISCAL_CODE = "IT_FISCAL_CODE"
    KR_RRN = "KR_RRN"  # Korean resident registration number
    FI_PERSONAL_ID = "FI_PERSONAL_ID"  # Finnish henkilötunnus (HETU)
    SG_NRIC = "SG_NRIC"  # Singapore NRIC / FIN
    NL_BSN = "NL_BSN"  # Dutch citizen service number (BSN)
    PL_PESEL = "PL_PESEL"  # Polish PESEL
    SE_PERSONAL_ID = "SE_PERSONAL_ID"  # Swedish personnummer
    DK_CPR = "DK_CPR"  # Danish CPR number
    NO_PERSONAL_ID = "NO_PERSONAL_ID"  # Norwegian fødselsnummer
    BE_NATIONAL_NUMBER = "BE_NATIONAL_NUMBER"  # Belgian national register number
    IE_PPS = "IE_PPS"  # Irish PPS number
    CH_AHV = "CH_AHV"  # Swiss social security number (AHV/AVS)
    CN_RESIDENT_ID = "CN_RESIDENT_ID"  # Chinese resident identity card number
    BR_CPF = "BR_CPF"  # Brazilian CPF
    MX_CURP = "MX_CURP"  # Mexican CURP
    JP_MY_NUMBER = "JP_MY_NUMBER"  # Japanese Individual Number (My Number)
    TR_NATIONAL_ID = "TR_NATIONAL_ID"  # Turkish T.C. Kimlik No
    ZA_ID_NUMBER = "ZA_ID_NUMBER"  # South African identity number
    TH_NATIONAL_ID = "TH_NATIONAL_ID"  # Thai national ID number
    IL_ID_NUMBER = "IL_ID_NUMBER"  # Israeli identity number (teudat zehut)
    MY_NRIC = "MY_NRIC"  # Malaysian NRIC (MyKad)
    IN_AADHAAR = "IN_AADHAAR"
    IN_PAN = "IN_PAN"  # Indian Permanent Account Number
    IN_GSTIN = "IN_GSTIN"  # Indian GST identification number
    IN_VOTER_ID = "IN_VOTER_ID"  # Indian EPIC (electoral photo identity card) number
    US_ITIN = "US_ITIN"
    US_NPI = "US_NPI"  # US National Provider Identifier
    VAT_ID = "VAT_ID"  # EU (and GB, CH, NO) VAT identification numbers
    PASSPORT = "PASSPORT"
    DRIVER_LICENSE = "DRIVER_LICENSE"
    BANK_ROUTING = "BANK_ROUTING"  # US ABA routing transit number
    BANK_ACCOUNT = "BANK_ACCOUNT"
    CRYPTO_WALLET = "CRYPTO_WALLET"
    VEHICLE_PLATE = "VEHICLE_PLATE"
    MEDICAL_RECORD = "MEDICAL_RECORD"  # medical record number (MRN)
    REFERENCE_NUMBER = "REFERENCE_NUMBER"  # a file, case, application, claim, policy, customer ... number
    USERNAME = "USERNAME"  # an online handle or login name (@jane_doe87, u/name, "username: jdoe")


#: The identifier types (numbers and codes that point at one person, account or thing of theirs):
#: a table column that holds them is a direct identifier.
IDENTIFIER_TYPES = frozenset(
    {
        EntityType.CREDIT_CARD,
        EntityType.IBAN_CODE,
        EntityType.US_SSN,
        EntityType.UK_NINO,
        EntityType.UK_NHS,
        EntityType.DE_ID,
        EntityType.FR_NIR,
        EntityType.ES_NIF,
        EntityType.IT_FISCAL_CODE,
        EntityType.KR_RRN,
        EntityType.FI_PERSONAL_ID,
        EntityType.SG_NRIC,
        EntityType.NL_BSN,
        EntityType.PL_PESEL,
        EntityType.SE_PERSONAL_ID,
        EntityType.DK_CPR,
        EntityType.NO_PERSONAL_ID,
        EntityType.BE_NATIONAL_NUMBER,
        EntityType.IE_PPS,
        EntityType.CH_AHV,
        EntityType.CN_RESIDENT_ID,
        EntityType.BR_CPF,
        EntityType.MX_CURP,
        EntityType.JP_MY_NUMBER,
        EntityType.TR_NATIONAL_ID,
        EntityType.ZA_ID_NUMBER,
        EntityType.TH_NATIONAL_ID,
        EntityType.IL_ID_NUMBER,
        EntityType.MY_NRIC,
        EntityType.IN_AADHAAR,
        EntityType.IN_PAN,
        EntityType.IN_GSTIN,
        EntityType.IN_VOTER_ID,
        EntityType.US_ITIN,
        EntityType.US_NPI,
        EntityType.VAT_ID,
        EntityType.PASSPORT,
        EntityType.DRIVER_LICENSE,
        EntityType.BANK_ROUTING,
        EntityType.BANK_ACCOUNT,
        EntityType.CRYPTO_WALLET,
        EntityType.VEHICLE_PLATE,
        EntityType.MEDICAL_RECORD,
        EntityType.REFERENCE_NUMBER,
        EntityType.USERNAME,
    }
)


@dataclass(frozen=True, slots=True, order=True)
class Entity:
    """A detected span ``text[start:end]`` of ``type`` (a string: users add their own types)."""

    start: int
    end: int
    type: str
    score: float
    recognizer: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError("an entity needs 0 <= start < end")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
