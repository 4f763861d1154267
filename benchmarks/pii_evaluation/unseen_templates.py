"""Templates of the ``unseen`` family: written apart from the project templates and the recognizers.

Fields are those of :mod:`.templates` plus the family's own (:mod:`.unseen`). The texts cover
kinds of writing the project templates do not: lists of first names, possessives after titled
names, whole postal addresses over several lines (unit lines, military addresses, a postcode
after the country), many identifier kinds after their printed labels, month-day dates,
weekdays and bare years, lowercase names in chat, internationalised e-mail domains, bare
domains, network ranges and bracketed IPv6 hosts. Labelling rules are the same as the
project family's; an address is one LOCATION span over all its lines, a courtesy title and
a possessive ``'s`` are outside the PERSON span, and identifier labels are not personal.
"""

from __future__ import annotations

from benchmarks.pii_evaluation.templates import DocumentKind, Template

__all__ = ["UNSEEN_TEMPLATES"]

_K = DocumentKind

_UNSEEN = [
    # -- clinical ---------------------------------------------------------------------------
    Template(
        "v-clinical-intake",
        _K.CLINICAL_NOTE,
        "Intake form, outpatient physiotherapy\nName: {person:upper_last}\n{idn_label:mrn}: {idn:mrn}\n"
        "Home:\n{postal:suite}\nReferred on {when:monthday} by {title2} {person2}'s practice after a fall "
        "while cycling. Pain 6/10 at rest. Plan: {count} sessions, review with {person:first}'s "
        "daughter present.",
    ),
    Template(
        "v-clinical-family-history",
        _K.CLINICAL_NOTE,
        "Family history taken from {person} ({age}). Siblings: {names}. Mother treated for "
        "hypertension in {when:year}. Prescribing doctor {title2} {person2}; {idn_label2:us_npi} "
        "{idn2:us_npi}. Next appointment {date:ordinal}.",
    ),
    Template(
        "v-clinical-vaccination-card",
        _K.CLINICAL_NOTE,
        "VACCINATION CARD\n{person:last_first}\nborn {dob:numeric_short}\n{idn_label}: {idn}\n"
        "dose {count}: {date:abbr}, lot {lot}\nclinic: {town}",
    ),
    # -- support ----------------------------------------------------------------------------
    Template(
        "v-support-address-change",
        _K.SUPPORT_TICKET,
        "Request {ref_no}: please change the shipping address on my subscription to\n\n{postal}\n\n"
        "from {when:monthday} onwards. The old one was {postal2:line}. Contact: {idn_email} or "
        "{phone}. Regards, {person}",
    ),
    Template(
        "v-support-card-dispute",
        _K.SUPPORT_TICKET,
        "Dispute opened by {title} {person}. {person:last}'s card {rare_card} was charged {amount} "
        "twice at {company} on {when:weekday}. Customer asks for the refund to go to "
        "{any_iban} instead.",
    ),
    Template(
        "v-support-network",
        _K.SUPPORT_TICKET,
        "Ticket {ticket_no}: customer {person:first} cannot reach {site} or {site2} from the "
        "office range {netblock}. Traceroute stops at {ipv4}. Their admin {person2} reports the "
        "same from {ip_url}.",
    ),
    # -- e-mail -----------------------------------------------------------------------------
    Template(
        "v-email-team-outing",
        _K.EMAIL,
        "Hi all,\n\n{names} have signed up for the boat trip on {when:weekday}. {names2:2} are still "
        "undecided. Meeting point is the harbour in {town}; bring your {idn_label:passport} "
        "just in case.\n\nCheers,\n{person:first}",
    ),
    Template(
        "v-email-landlord",
        _K.EMAIL,
        "Dear {title} {person:last},\n\nThe rent for the flat at\n{postal:block}\nwill be paid "
        "on the {when:monthday} from my account {any_iban}. {title2} {person2}'s deposit "
        "was returned on {date}.\n\nBest,\n{person3}\n{phone3}",
    ),
    Template(
        "v-email-visa",
        _K.EMAIL,
        "Subject: visa appointment for {person}\n\nThe consulate confirmed {date:long}. Please "
        "bring the {idn_label:passport} {idn:passport}, the residence card and a printed "
        "confirmation. Send copies to {email2}.\n- {person2:first}",
    ),
    # -- chat -------------------------------------------------------------------------------
    Template(
        "v-chat-lowercase",
        _K.CHAT,
        "{person:lower}: did anyone see my keys\n{person2:lower}: {person3:lower} had them at "
        "lunch i think\n{person:lower}: ugh. {person3:first} pls bring them to {postal2:line}\n"
        "{person3:lower}: ok after {time}",
    ),
    Template(
        "v-chat-carpool",
        _K.CHAT,
        "{timestamp:chat} {person}: carpool tomorrow? my car is the grey one, {idn_label:plate} "
        "{idn:plate}\n{timestamp2:chat} {person2}: yes, {names:3} and me. pick us up at "
        "{postal2:line} at 7. new phone, my {idn_label2:username} is {idn2:username} now",
    ),
    # -- HR ---------------------------------------------------------------------------------
    Template(
        "v-hr-onboarding-ids",
        _K.HR_RECORD,
        "ONBOARDING - {company}\nEmployee: {person}\n{idn_label}: {idn}\n"
        "{idn_label2:de_id_card}: {idn2:de_id_card}\n"
        "Start: {when:monthday}\nPostal address:\n{postal:country_last}\nEmergency contact: "
        "{title2} {person2}, {phone2}",
    ),
    Template(
        "v-hr-reference-letter",
        _K.HR_RECORD,
        "To whom it may concern,\n\n{title} {person} worked in our {town} office from "
        "{when:year} until {date:long}. {person:first}'s team ({names}) shipped three releases. "
        "Questions: {email2}.\n\n{person2}\nHead of People, {company}",
    ),
    Template(
        "v-hr-payroll-row",
        _K.HR_RECORD,
        "employee;tax_id;account;routing\n{person:last_first};{idn:us_itin};{idn2:bank_account};"
        "{idn3:us_routing}\n{person2:last_first};{idn4:us_itin};{idn5:bank_account};{idn3:us_routing}",
    ),
    Template(
        "v-hr-eu-payroll",
        _K.HR_RECORD,
        "Payroll, European offices ({company})\n{person:last_first} - {idn_label:nl_bsn}: {idn:nl_bsn}\n"
        "{person2:last_first} - {idn_label2:pl_pesel} {idn2:pl_pesel}\n{person3:last_first} - "
        "{idn_label3:se_pnr} {idn3:se_pnr}; {idn_label4:dk_cpr} {idn4:dk_cpr} (previous employer)\n"
        "New starters: {idn_label5:no_fnr} {idn5:no_fnr}, {idn_label6:be_nn} {idn6:be_nn}, "
        "{idn_label7:ie_pps} {idn7:ie_pps}, {idn_label8:ch_ahv} {idn8:ch_ahv}",
    ),
    Template(
        "v-hr-world-registry",
        _K.HR_RECORD,
        "Global mobility register ({company})\n{person:last_first} - {idn_label:cn_ric}: {idn:cn_ric}\n"
        "{person2:last_first} - {idn_label2:br_cpf} {idn2:br_cpf}; {idn_label3:mx_curp} {idn3:mx_curp}\n"
        "{person3:last_first} - {idn_label4:jp_my_number} {idn4:jp_my_number}, {idn_label5:tr_kimlik} "
        "{idn5:tr_kimlik}\nTransfers: {idn_label6:za_id} {idn6:za_id}, {idn_label7:th_pin} {idn7:th_pin}, "
        "{idn_label8:il_id} {idn8:il_id}, {idn_label9:my_nric} {idn9:my_nric}",
    ),
    # -- finance ----------------------------------------------------------------------------
    Template(
        "v-finance-invoice",
        _K.FINANCE_RECORD,
        "INVOICE {invoice_no}\n{company}\n{postal:suite}\n{idn_label:vat}: {idn:vat}\n\nBill to:\n"
        "{person}\n{postal2:block}\n\nDue {when:monthday}. Pay to {any_iban}.",
    ),
    Template(
        "v-finance-crypto",
        _K.FINANCE_RECORD,
        "Withdrawal {ref_no}: {amount} sent from the exchange to {idn_label:bitcoin} {idn:bitcoin} "
        "for {person} ({idn_email}). Verified with {idn_label2:in_pan} {idn2:in_pan} on {when:weekday}.",
    ),
    Template(
        "v-finance-kyc-india",
        _K.FINANCE_RECORD,
        "KYC checklist for {person}\n- {idn_label:in_aadhaar}: {idn:in_aadhaar}\n"
        "- {idn_label2:in_epic}: {idn2:in_epic}\n- {idn_label3:in_gstin}: {idn3:in_gstin}\n"
        "- mailing address: {postal:line}",
    ),
    # -- logs -------------------------------------------------------------------------------
    Template(
        "v-log-firewall",
        _K.SERVER_LOG,
        "{timestamp:syslog} fw01 kernel: DROP in=eth1 src={netblock} dst={ipv4} proto=TCP dpt=22 mac={mac}\n"
        "{timestamp2:syslog} fw01 sshd[{pid}]: Invalid user {person:lower} from {ipv6}",
    ),
    Template(
        "v-log-webhook",
        _K.SERVER_LOG,
        'POST /hooks/payments 200 {latency_ms}ms body={{"customer":"{person}","email":"{idn_email}",'
        '"card":"{rare_card}","ip":"{ip}"}} ua="curl/{version}" at {timestamp:iso}',
    ),
    # -- no personal data --------------------------------------------------------------------
    Template(
        "v-numbers-inventory",
        _K.NO_PII,
        "Inventory count {count}: bin {bin} holds {qty} units of part {sku}; pallet {pallet_no} "
        "weighs {weight} kg. Container {container} sealed with {seal_no}. Restock threshold "
        "{percent}%.",
    ),
    Template(
        "v-numbers-benchmark",
        _K.NO_PII,
        "Run {job_id}: {count} workers, {mem_gb} GB each, median latency {latency_ms} ms, "
        "p99 {latency_ms2} ms, {size_mb} MB written. Hash {hash}. Regression of {percent}% "
        "against build {build}.",
    ),
    Template(
        "v-numbers-recipe",
        _K.NO_PII,
        "Recipe card {ref_no}, batch {batch_no}. "
        "Proof the dough at {temp} C for {minutes} minutes; rest {minutes2} minutes. Serves {qty}. "
        "Step {count}: fold in {weight} g of flour, then {qty2} eggs.",
    ),
    # -- insurance --------------------------------------------------------------------------
    Template(
        "v-insurance-home",
        _K.INSURANCE_CLAIM,
        "HOME CLAIM {claim_no}\nInsured: {person}\nRisk address:\n{postal:suite}\nLoss: water "
        "damage discovered {when:monthday}, reported by neighbours {names:2}.\n"
        "{idn_label}: {idn}\nSettle to {any_iban}",
    ),
    Template(
        "v-insurance-vehicle",
        _K.INSURANCE_CLAIM,
        "Collision report: {title} {person}'s van ({idn_label:plate} {idn:plate}) was hit near "
        "{town2} on {when:weekday}. Driver's {idn_label2:driver_license} {idn2:driver_license}. "
        "Other party: {person2}, {postal2:military}.",
    ),
    # -- calls ------------------------------------------------------------------------------
    Template(
        "v-call-bank",
        _K.CALL_TRANSCRIPT,
        "AGENT: Who do I have on the line?\nCALLER: {person:first} {person:last}, calling about "
        "my late father's account.\nAGENT: Sorry for your loss. His {idn_label}?\nCALLER: "
        "{idn}.\nAGENT: And the address we have on file?\nCALLER: {postal:block}\n"
        "AGENT: Thank you, {title} {person:last}.",
    ),
    Template(
        "v-call-clinic",
        _K.CALL_TRANSCRIPT,
        "RECEPTION: Clinic, good morning.\nCALLER: Hi, it's {person:first}, {names:2}'s mum. "
        "Can we move Thursday to {when:monthday}?\nRECEPTION: Of course. Is {phone} still the "
        "best number?\nCALLER: Yes. And send the letter to {idn_email} please.",
    ),
]

UNSEEN_TEMPLATES: tuple[Template, ...] = tuple(_UNSEEN)
