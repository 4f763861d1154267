"""Document templates of the evaluation corpus: data only, rendered by :mod:`.corpus`.

A template is text with ``{field}`` or ``{field:style}`` placeholders (``{{`` and ``}}`` are
literal braces). A field ends in an optional slot number: ``{person}`` and ``{person2}`` are
two people, ``{email2}`` / ``{phone2}`` / ``{dob2}`` belong to ``person2``; the same
placeholder always renders the same value within a document (its style may differ).

Personal fields (each renders one or more gold spans; separators between spans are not gold):

====================  =================================================================
``person``            PERSON; styles ``first``, ``last``, ``last_first`` ("Doe, Jane"),
                      ``upper_last`` ("DOE Jane"); default "Jane Doe"
``email``, ``phone``  EMAIL_ADDRESS, PHONE_NUMBER of the person in the same slot
``dob``, ``date``     DATE_TIME; styles ``iso``, ``numeric``, ``long``, ``abbr``,
                      ``ordinal``, ``numeric_short``; default: one of the first four
``timestamp``         DATE_TIME, a date with its time as one span, later slots later;
                      styles ``iso``, ``log``, ``clf``, ``syslog``, ``nginx``, ``lab``,
                      ``chat``, ``receipt``
``address``           LOCATION x 2: street line, then locality line (postcode, city,
                      state as the locale writes them); style ``block`` puts them on two
                      lines. ``street``, ``locality``, ``city``, ``postcode`` are its parts
``company``           ORGANIZATION
``url``, ``ip``,      URL, IP_ADDRESS (``ip``: v4 or v6), MAC_ADDRESS
``ipv4``, ``ipv6``,
``mac``
``card``, ``iban``    CREDIT_CARD (Luhn-valid), IBAN_CODE (valid); style ``compact``
``national_id``       the locale's national id (US_SSN, UK_NINO, DE_ID, FR_NIR, ES_NIF,
                      IT_FISCAL_CODE; another locale's for nl_NL, en_IN, pt_BR);
                      ``national_id_label`` is its (non-personal) label
``health_id``         the id a health record carries (UK_NHS in en_GB);
                      ``health_id_label`` is its label
====================  =================================================================

Every other field is a non-personal value (order numbers, amounts, clock times, versions...)
generated from :data:`NUMBER_FIELDS` or by name in :mod:`.corpus`; it never makes a gold span.
Labelling rules: a bare clock time or a duration is not personal; a calendar date is, and so
is a time written together with its date (``timestamp``); titles ("Dr.") are not part of a
PERSON span.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

__all__ = [
    "NUMBER_FIELDS",
    "PROJECT_TEMPLATES",
    "DocumentKind",
    "Family",
    "Template",
]

Family = Literal["project", "unseen"]


class DocumentKind(StrEnum):
    CLINICAL_NOTE = "clinical_note"
    SUPPORT_TICKET = "support_ticket"
    EMAIL = "email"
    CHAT = "chat"
    HR_RECORD = "hr_record"
    FINANCE_RECORD = "finance_record"
    SERVER_LOG = "server_log"
    NO_PII = "no_pii"
    # unseen family only
    INSURANCE_CLAIM = "insurance_claim"
    CALL_TRANSCRIPT = "call_transcript"


@dataclass(frozen=True, slots=True)
class Template:
    id: str
    kind: DocumentKind
    text: str


# Non-personal fields: a pattern ('#' digit, '@' capital letter, '%' hex digit, anything else
# literal) or an inclusive integer range. Digit strings that pass a checksum used by an id
# type (Luhn, NHS mod 11, Steuer-IdNr) are drawn again, so none can be mistaken for one.
NUMBER_FIELDS: dict[str, str | tuple[int, int]] = {
    "accession": "LAB-#######",
    "agent_no": (100, 999),
    "asset_no": "IT-A-######",
    "batch_no": "B##-####",
    "bed": (1, 32),
    "bin": "@##-##",
    "build": "##.#.#####.####",
    "bytes": (180, 98_000),
    "case_no": "CS-########",
    "claim_no": "CLM-####-######",
    "coach": "@",
    "container": "@@@U#######",
    "count": (2, 60),
    "creatinine": (45, 180),
    "creditor_id": "@@##ZZZ##########",
    "days": (2, 28),
    "egfr": (25, 120),
    "excess": "#.###",
    "grade": "G#",
    "hash": "%%%%%%%%%%%%",
    "hba1c": (38, 95),
    "hours": (2, 72),
    "invoice_no": "INV-########",
    "issue_no": (1000, 48_000),
    "job_id": "job-%%%%%%%%",
    "latency_ms": (3, 2400),
    "line_no": (12, 1800),
    "lot": "@@####",
    "mem_gb": (2, 512),
    "minutes": (3, 55),
    "months": (12, 120),
    "order_id": (100_000, 9_999_999),
    "order_no": "ORD-###-#######",
    "pallet_no": "PAL-######",
    "percent": (1, 99),
    "pid": (300, 65_000),
    "platform": (1, 14),
    "priority": (1, 4),
    "pulse": (52, 118),
    "qty": (1, 40),
    "reason_code": "##.#",
    "receipt_no": "R-#####/##",
    "ref_no": "REF-@@####",
    "request_id": "%%%%%%%%-%%%%-%%%%",
    "rpm": (800, 15_000),
    "seal_no": "SL######",
    "seat": (1, 80),
    "size_mb": (16, 4096),
    "sku": "###-###-@@@",
    "sodium": (128, 148),
    "spo2": (91, 100),
    "temp": (4, 42),
    "ticket_no": "#######",
    "tracking": "@@#########@@",
    "ward": "##@",
    "weeks": (2, 12),
    "weight": (1, 900),
}

_PROJECT = [
    # -- clinical notes -------------------------------------------------------------------
    Template(
        "p-clinical-soap",
        DocumentKind.CLINICAL_NOTE,
        "Clinical note - {date}\n"
        "Patient: {person} | DOB: {dob} | {health_id_label}: {health_id}\n"
        "Address: {address}\n"
        "Phone: {phone}\n\n"
        "S: {person:first} reports intermittent chest tightness for {days} days, worse on exertion.\n"
        "O: BP {bp}, HR {pulse} bpm, SpO2 {spo2}%. ECG unremarkable.\n"
        "A/P: Start aspirin {dose} mg daily; stress test booked. Review in {weeks} weeks.\n"
        "Dr. {person2}",
    ),
    Template(
        "p-clinical-referral",
        DocumentKind.CLINICAL_NOTE,
        "Referral letter\n\nDear Dr. {person2:last},\n\n"
        "I would be grateful if you could see {person} (born {dob}), who lives at {address}. "
        "{person:first} has had poorly controlled type 2 diabetes since {date}; latest HbA1c "
        "{hba1c} mmol/mol on metformin {dose} mg twice daily. The patient works for {company} and "
        "can be reached on {phone} or at {email}.\n\nKind regards,\nDr. {person3}",
    ),
    Template(
        "p-clinical-handover",
        DocumentKind.CLINICAL_NOTE,
        "Ward {ward} handover, bed {bed}: {person}, {age}y, admitted {date} with community-acquired "
        "pneumonia. {health_id_label} {health_id}. IV co-amoxiclav {dose} mg every 8 hours, day "
        "{days} of 14. Obs stable at {time}. Next of kin: {person2} ({phone2}). Discharge planned "
        "to {city}.",
    ),
    Template(
        "p-clinical-lab",
        DocumentKind.CLINICAL_NOTE,
        "LAB REPORT  Accession {accession}\n"
        "Name: {person:last_first}    DOB: {dob}\n"
        "Requested by: Dr. {person2}    Received: {timestamp:lab}\n"
        "Sodium {sodium} mmol/L    Creatinine {creatinine} umol/L    eGFR {egfr} mL/min\n"
        "Comment: results phoned to the ward at {time} by {person3:first}.",
    ),
    Template(
        "p-clinical-discharge",
        DocumentKind.CLINICAL_NOTE,
        "Discharge summary for {person} ({health_id_label}: {health_id}). Admitted {date}, "
        "discharged {date2}. Diagnosis: acute appendicitis, laparoscopic appendectomy. Follow-up "
        "at the surgical clinic in {weeks} weeks; the patient will call {phone} if the wound "
        "becomes red. GP: Dr. {person2}, {locality2}.",
    ),
    # -- support tickets ------------------------------------------------------------------
    Template(
        "p-support-refund",
        DocumentKind.SUPPORT_TICKET,
        "Ticket #{ticket_no} | Priority: P{priority} | Opened {timestamp:log}\n"
        "From: {person} <{email}>\n"
        "Subject: Charged twice for order {order_no}\n\n"
        "Hello, I was charged {amount} twice for order {order_no}. The card is {card}. Please "
        "refund the duplicate to {iban}. You can call me on {phone}.\nThanks,\n{person:first}",
    ),
    Template(
        "p-support-delivery",
        DocumentKind.SUPPORT_TICKET,
        "Case {case_no}: parcel not delivered\n"
        "Customer: {person}\n"
        "Delivery address: {address}\n"
        "Contact: {phone} / {email}\n"
        "Notes: tracking {tracking} shows delivered at {time} but the customer says nothing "
        "arrived. {qty} items, value {amount}. Agent {person2:first} offered a reship; the "
        "customer prefers a refund.",
    ),
    Template(
        "p-support-lockout",
        DocumentKind.SUPPORT_TICKET,
        "[Support] Account locked - ticket {ticket_no}\n"
        "User {email} reports being locked out after {count} failed logins from {ip}. Identity "
        "verified with date of birth {dob} and postcode {postcode}. Reset link sent; MFA "
        "re-enrolled on the device with MAC {mac}. Handled by {person2}.",
    ),
    Template(
        "p-support-warranty",
        DocumentKind.SUPPORT_TICKET,
        "Hi team,\n\nMy name is {person} and I bought a dishwasher (SKU {sku}) on {date}, invoice "
        "{invoice_no}. It stopped working after {weeks} weeks. Please send an engineer to "
        "{address}. I'm home on weekdays after {time}. My number is {phone}.\n\n{person:first}",
    ),
    # -- emails ---------------------------------------------------------------------------
    Template(
        "p-email-bank-details",
        DocumentKind.EMAIL,
        "From: {person} <{email}>\nTo: {person2} <{email2}>\nDate: {date:long}\n"
        "Subject: New bank details\n\nHi {person2:first},\n\n"
        "Please update my bank details for the next payroll run: IBAN {iban}. My new address "
        "is {address}.\n\nBest regards,\n{person}\n{company}\n{url}",
    ),
    Template(
        "p-email-contract",
        DocumentKind.EMAIL,
        "Subject: Contract for {company2}\n\nDear {person2},\n\n"
        "Thank you for your time yesterday. As discussed, {company} will send the signed "
        "contract to your office at {address2} by {date}. If anything is unclear, call me "
        "directly on {phone} or write to {email}.\n\nKind regards,\n{person}\n"
        "Account Manager, {company}",
    ),
    Template(
        "p-email-signin",
        DocumentKind.EMAIL,
        "Hello {person:first},\n\nWe noticed a new sign-in to your account from IP address "
        "{ipv4} on {date}. If this was you, no action is needed. Otherwise reset your password "
        "at {url} or reply to {email}.\n\n- The security team at {company}",
    ),
    Template(
        "p-email-interview",
        DocumentKind.EMAIL,
        "Dear {person},\n\nThank you for applying to {company}. We would like to invite you to "
        "an interview on {date} at our office, {address2}. Please bring a photo ID; for payroll "
        "we will also need your {national_id_label}. Confirm by replying to {email2} or calling "
        "{phone2}.\n\nSincerely,\n{person2}, Talent Acquisition",
    ),
    # -- chat -----------------------------------------------------------------------------
    Template(
        "p-chat-support",
        DocumentKind.CHAT,
        "[{time}] {person:first}: hi, it's {person} - I changed my phone, new one is {phone}\n"
        "[{time2}] agent_{agent_no}: thanks! can you confirm your date of birth?\n"
        "[{time3}] {person:first}: {dob}\n"
        "[{time4}] agent_{agent_no}: and the email on the account?\n"
        "[{time5}] {person:first}: {email}\n"
        "[{time6}] agent_{agent_no}: all updated, ref {ref_no}",
    ),
    Template(
        "p-chat-party",
        DocumentKind.CHAT,
        "{person:first}: are you coming to {person2:first}'s party on {date}?\n"
        "{person3:first}: yes! what's the address again\n"
        "{person:first}: {address2}, ring the bell for {person2:last}\n"
        "{person3:first}: cool, I'll bring {qty} bottles. call me if plans change {phone3}",
    ),
    Template(
        "p-chat-ops",
        DocumentKind.CHAT,
        "#ops {time} {person}: db replica at {ipv4} is lagging {latency_ms} ms behind\n"
        "#ops {time2} {person2:first}: I'll fail over, v{version} has the fix\n"
        "#ops {time3} {person}: thanks. paging {person3} ({phone3}) if it recurs",
    ),
    Template(
        "p-chat-deposit",
        DocumentKind.CHAT,
        "{timestamp:chat} - {person}: Sent you the deposit, {amount} to {iban}\n"
        "{timestamp2:chat} - {person2}: got it thanks. keys are with the neighbour at {street2}\n"
        "{timestamp3:chat} - {person}: perfect, my flight lands at {time}",
    ),
    # -- HR records -----------------------------------------------------------------------
    Template(
        "p-hr-record",
        DocumentKind.HR_RECORD,
        "EMPLOYEE RECORD\nName: {person}\nDate of birth: {dob}\n"
        "{national_id_label}: {national_id}\nHome address: {address}\nPersonal email: {email}\n"
        "Mobile: {phone}\nEmployer: {company}\nStart date: {date}\n"
        "Grade: {grade}, salary {amount} p.a., {hours} h/week\nLine manager: {person2}\n"
        "Salary account: {iban}",
    ),
    Template(
        "p-hr-leave",
        DocumentKind.HR_RECORD,
        "Leave request {ref_no}\nEmployee {person} requests {days} days of parental leave from "
        "{date} to {date2}. Cover: {person2}. During leave, contact via {email} or {phone}. "
        "Approved by {person3} on {date3}.",
    ),
    Template(
        "p-hr-letter",
        DocumentKind.HR_RECORD,
        "Private and confidential\n\n{person}\n{address:block}\n\n{date:long}\n\n"
        "Dear {person:first},\n\nFollowing our meeting, this letter confirms that your "
        "employment with {company} will end on {date2}. Your final payment of {amount}, "
        "including {days} days of untaken holiday, will be paid into your usual account. Your "
        "{national_id_label} ({national_id}) will appear on the leaving certificate.\n\n"
        "Yours sincerely,\n{person2}\nHR Business Partner",
    ),
    Template(
        "p-hr-onboarding",
        DocumentKind.HR_RECORD,
        "New starter checklist - {company}\n[x] Contract signed ({date})\n"
        "[x] {national_id_label} received: {national_id}\n"
        "[x] Emergency contact: {person2}, {phone2}\n"
        "[ ] Laptop {asset_no} to be shipped to {address}\n[ ] Badge photo for {person}\n"
        "Payroll IBAN: {iban}",
    ),
    # -- finance records ------------------------------------------------------------------
    Template(
        "p-finance-statement",
        DocumentKind.FINANCE_RECORD,
        "ACCOUNT STATEMENT\nAccount holder: {person}\nAddress: {address}\nIBAN: {iban}\n"
        "Statement period: {date} - {date2}\n\n"
        "{date3:iso}  CARD PAYMENT {company}  -{amount}\n"
        "{date4:iso}  TRANSFER FROM {person2}  +{amount2}\n"
        "{date5:iso}  ATM WITHDRAWAL {city2}  -{amount3}\n"
        "Closing balance: {amount4}",
    ),
    Template(
        "p-finance-chargeback",
        DocumentKind.FINANCE_RECORD,
        "Chargeback form\nCardholder: {person}\nCard number: {card}\nTransaction date: {date}\n"
        "Merchant: {company}\nAmount: {amount}\nReason code: {reason_code}\n"
        "Cardholder phone: {phone}\nBilling address: {address}",
    ),
    Template(
        "p-finance-loan",
        DocumentKind.FINANCE_RECORD,
        "Loan application {ref_no}: {person} (DOB {dob}, {national_id_label} {national_id}) "
        "applies for {amount} over {months} months. Employer: {company} since {date}. Net monthly "
        "income {amount2}. Repayments to be debited from {iban}. Co-applicant: {person2}.",
    ),
    Template(
        "p-finance-transfer",
        DocumentKind.FINANCE_RECORD,
        "SEPA credit transfer\nOrdering customer: {company}\nBeneficiary: {person}\n"
        "Beneficiary IBAN: {iban}\nExecution date: {date:iso}\nAmount: {amount}\n"
        "Remittance information: invoice {invoice_no}\nReference: {ref_no}",
    ),
    # -- server logs ----------------------------------------------------------------------
    Template(
        "p-log-app",
        DocumentKind.SERVER_LOG,
        "{timestamp:log} INFO  auth.login success user={email} ip={ip} session={request_id}\n"
        "{timestamp2:log} INFO  http GET /api/v2/orders/{order_id} status=200 latency={latency_ms}ms\n"
        "{timestamp3:log} WARN  auth.login failed user={email2} ip={ip2} attempts={count}\n"
        "{timestamp4:log} INFO  worker pid={pid} job={job_id} finished in {duration}s",
    ),
    Template(
        "p-log-access",
        DocumentKind.SERVER_LOG,
        '{ip} - - [{timestamp:clf}] "GET /account/profile HTTP/1.1" 200 {bytes} "{url}" "Mozilla/5.0"\n'
        '{ip2} - - [{timestamp2:clf}] "POST /api/login HTTP/1.1" 401 {bytes2} "-" "curl/{version}"\n'
        '{ip} - - [{timestamp3:clf}] "GET /static/app.{hash}.js HTTP/1.1" 304 0 "-" "Mozilla/5.0"',
    ),
    Template(
        "p-log-dhcp",
        DocumentKind.SERVER_LOG,
        "{timestamp:syslog} gw01 dhcpd[{pid}]: DHCPREQUEST for {ipv4} from {mac} via eth0\n"
        "{timestamp2:syslog} gw01 dhcpd[{pid}]: DHCPACK on {ipv4} to {mac} ({person:first}-laptop) "
        "via eth0\n"
        "{timestamp3:syslog} gw01 dhcpd[{pid}]: DHCPRELEASE of {ipv4_2} from {mac2} via eth0",
    ),
    Template(
        "p-log-json",
        DocumentKind.SERVER_LOG,
        '{{"ts": "{timestamp:iso}", "level": "error", "msg": "payment declined", '
        '"customer_email": "{email}", "card": "{card:compact}", "amount": {amount_plain}, '
        '"client_ip": "{ipv6}"}}\n'
        '{{"ts": "{timestamp2:iso}", "level": "info", "msg": "retry scheduled", '
        '"order": "{order_no}", "delay_ms": {latency_ms}}}',
    ),
    # -- no personal data, many numbers ---------------------------------------------------
    Template(
        "p-numbers-order",
        DocumentKind.NO_PII,
        "Order {order_no} confirmed.\n{qty} x SKU {sku} @ {amount} = {amount2}\n"
        "{qty2} x SKU {sku2} @ {amount3}\nShipping: {amount4}. Dispatch cut-off {time}; "
        "tracking {tracking}.\nInvoice {invoice_no} will be issued within {days} days.",
    ),
    Template(
        "p-numbers-release",
        DocumentKind.NO_PII,
        "Release {version} (build {build})\n"
        "- Fixed a crash when importing files larger than {size_mb} MB (issue #{issue_no}).\n"
        "- Startup time reduced from {latency_ms} ms to {latency_ms2} ms.\n"
        "- Default timeout is now {duration} s; retries capped at {count}.\n"
        "Upgrade from {version2} is supported; checksum {hash}.",
    ),
    Template(
        "p-numbers-warehouse",
        DocumentKind.NO_PII,
        "Inventory snapshot at {time}: bin {bin} holds {qty} units of {sku}; bin {bin2} holds "
        "{qty2} units of {sku2}. Reorder point {count}. Pallet {pallet_no} weighs {weight} kg. "
        "Pick rate {percent}% over the last {hours} hours.",
    ),
    Template(
        "p-numbers-invoice",
        DocumentKind.NO_PII,
        "Invoice {invoice_no}\nLine 1: {qty} h consulting @ {amount} = {amount2}\n"
        "Line 2: licence renewal {sku} = {amount3}\nVAT {percent}%: {amount4}\n"
        "Total due: {amount5} within {days} days. Quote ref {ref_no} on payment.",
    ),
    Template(
        "p-numbers-metrics",
        DocumentKind.NO_PII,
        "CPU {percent}% | mem {mem_gb} GB | p95 {latency_ms} ms | p99 {latency_ms2} ms | "
        "{count} req/s | uptime {hours} h | version {version} | error rate {percent2}% | "
        "queue depth {qty} | build {build}",
    ),
    Template(
        "p-numbers-shipment",
        DocumentKind.NO_PII,
        "Shipment {tracking}: {qty} parcels, total weight {weight} kg. Departed the hub at {time}, "
        "expected at {time2}. Container {container}, seal {seal_no}. Customs entry {ref_no}, "
        "declared value {amount}.",
    ),
]

PROJECT_TEMPLATES: tuple[Template, ...] = tuple(_PROJECT)
