"""The built-in recognizers and post-processors, one small module per family.

================  ==========================================================================
module            recognizers (entity types)
================  ==========================================================================
contact           email (EMAIL_ADDRESS), phone_number (PHONE_NUMBER, via ``phonenumbers``)
finance           credit_card (CREDIT_CARD, Luhn), iban (IBAN_CODE, mod-97)
national_ids      us_ssn, uk_nino, uk_nhs, de_id, fr_nir, es_nif, it_fiscal_code
citizen_ids       kr_rrn, kr_rrn_unchecked, fi_personal_id, sg_nric, in_aadhaar, in_voter_id
european_ids      nl_bsn, pl_pesel, se_personal_id, dk_cpr, no_personal_id, be_national_number, ie_pps,
                  ch_ahv
tax_ids           vat_id (VAT_ID), in_pan, in_gstin, us_itin
travel_documents  passport (PASSPORT), driver_license (DRIVER_LICENSE): after their label (a UK
                  licence number also bare, when its encoded birth date is real)
vat_numbers       national_vat_number (VAT_ID): without the country prefix, after a national label
bank_accounts     bank_routing (BANK_ROUTING, ABA check digit), bank_account (after its label)
health_ids        us_npi (US_NPI, Luhn), medical_record (MEDICAL_RECORD, after its label)
references        reference_number (REFERENCE_NUMBER: case, file, claim, customer ... no., after its label;
                  ``court_files`` court file numbers by their shape, "(I C 1234/05)" after a court)
identity_documents  any_passport (PASSPORT), any_identity_card (REFERENCE_NUMBER): numbers of no
                  known country format after their label, below the country recognizers' scores
world_ids         cn_resident_id, br_cpf, mx_curp, jp_my_number, tr_national_id, za_id_number,
                  th_national_id, il_id_number, my_nric (python-stdnum checks; most after their label)
usernames         username (USERNAME: @handles, u/name, login names after their label)
home_directories  home_directory (USERNAME: the account in /home/name, /Users/name, C:\\Users\\name, ~name/)
crypto_wallets    crypto_wallet (CRYPTO_WALLET: base58check, bech32/bech32m, EIP-55)
vehicle_plates    vehicle_plate (VEHICLE_PLATE, after its label)
network           ip_address (v4 + v6), mac_address, url
dates             date_time (regex), spacy_date (NER DATE, filtered)
penalty_terms     (no recognizer) the length of a sentence or detention ("six years' imprisonment"),
                  read by date_time
penalty_phrases   (no recognizer) penalty terms not anchored on a penal noun ("a 12 year sentence"),
                  read by date_time
locations         street_address, street_de_nl, town_with_postcode, postcode, place_gazetteer, spacy_location;
                  post-processor address_tail (LOCATION after a street address)
place_lowercase   place_lowercase (LOCATION: a known place in a text that capitalises no name,
                  "back to korea")
kind_places       spacy_place_of_words (LOCATION: an NER ORG of ordinary words ending in a place's
                  kind, "the Royal Palace"; read by ``veil.pii.ner_places``)
name_repeats      post-processors place_repeats, body_repeats (further mentions of a found place or
                  organisation, written the same way)
body_lists        post-processor body_lists (ORGANIZATION: the other names of a comma list that holds a
                  found organisation and no person or place)
addresses         address_block (LOCATION: a whole postal address, its lines joined into one span);
                  ``address_parts`` the kind of one part, ``address_lines`` the line kinds and join rules
country_codes     (no recognizer) countries as abbreviations ("UK", "U.S."), read by place_gazetteer
place_kinds       (no recognizer) places named by their kind ("Hudson River", "Fort Lee"), read by
                  place_gazetteer
place_appositions (no recognizer) places beside a lower-case word of their kind ("the city of
                  Halvar", "Tarsk county", "the Battle of Kelmor"), a dateline's place ("KELMORE
                  (AP) -"), an epithet's place ("Velric of Tarsomb"); read by place_gazetteer
place_spellings   (no recognizer) the GeoNames towns as English spells them, without diacritics or
                  an Arabic article ("Tikrit", "Fallujah"); read by place_gazetteer
persons           (no recognizer) gathers the public names of the person modules below
person_titles     person_title (PERSON: the name after a title, "Dr. Jane Smith", "Mr KOWALSKI")
person_labels     person_label (after a field label, an addressee's label or a salutation), person_line
                  (a chat speaker, a line that is only a name)
person_gazetteer  person_gazetteer (PERSON: a known first name and a family name)
first_names       person_first_name (PERSON: a known first name alone, weak without context)
person_address    (no recognizer) a given name spoken to or after a social cue ("shoutout to Derek"),
                  read by person_first_name
brand_words       (no recognizer) brands, apps and voice assistants ("thanks Uber", "Hey Siri"): no
                  person spoken to, read by person_address and person_lowercase
role_words        (no recognizer) a role, office or relative standing alone ("Dad", "Taoiseach"): no
                  NER person
chat_words        (no recognizer) laughter, stretched words and chat slang ("Hahaha", "Plz"): no
                  name and no place, read by the validators
person_ner        spacy_person (NER PERSON, filtered)
person_words      (no recognizer) capitalised words that are no names, given names that are words,
                  titles, firms' last words
name_patterns     (no recognizer) the regex shapes of a name (particles, initials, "Smith, Jane")
name_plausibility  (no recognizer) the validators: is_plausible_name, is_plausible_ner_person...
people_words      (no recognizer) words that name a people, a faith or a movement ("Danish", "Roman
                  Catholic"): no person, read by the validators and person_first_name
name_columns      (no recognizer) names one to a line ending in a comma (a court's bench), read by
                  person_cues
person_pronouns   (no recognizer) a name a pronoun of persons refers to ("Tarvin, who ...", "Velmont
                  herself"), read by person_cues
mail_senders      mail_sender (PERSON: an e-mail's sender as a header or thread writes them, "Dana Pell@ORG
                  08/16/2000", '"Pell, Dana" <dp@...>', initials "dp Dana Pell", a sign-off at the very end)
lower_case_passages  (no recognizer) the sentences of a text written without capitalising names, read
                  by person_lowercase and place_lowercase
person_coreference  post-processor person_coreference (further mentions of a found name, and
                  the other conjuncts of a found name: ``person_conjuncts``)
person_devices    person_device (PERSON: a first name in a device's host name, "Johns-iPhone"); a
                  voice assistant spoken to ("Alexa, play ...") is no person
venue_names       (no recognizer) a titled name that ends in a venue's or prize's head ("the Colonel
                  X Arms"): no person, read by person_context, person_titles, the gazetteers, ner_spans
name_insertions   (no recognizer) a nickname or former name inside a name ('Tarla "Tee" Varnow'),
                  read by person_context and person_coreference
word_given_names  (no recognizer) a given name that is also a word beside a word of people ("Hope
                  Mills called"), read by person_context
person_conjuncts  (no recognizer) conjuncts: "Bill and Rose", read by person_coreference
person_mentions   (no recognizer) whole-word occurrences of a found name, read by person_coreference
name_suffixes     (no recognizer) a number or "Jr." after a name ("Louis XIV"), read by person_coreference
name_shapes       person_initials (PERSON: "Given X. Family" in either case)
person_citations  person_citation (PERSON: the authors of a name-and-year citation, "Quarmby (1998)")
person_context    person_context (PERSON: a name-shaped word beside a verb, role or age of people);
                  its cues: ``person_verbs`` (verbs, possessions and acts only people have),
                  ``person_roles`` (callings and ranks before a name), ``person_logins`` (login
                  names in an authentication log), ``person_lowercase`` (names in a text with no
                  capital at all)
name_cue_words    (no recognizer) the words person_context's role and initial patterns start with
email_names       person_email_name (PERSON: a capitalised word an e-mail address's local part spells)
organizations     organization_legal_form, organization_partners, organization_label,
                  spacy_organization (NER ORG, filtered); ``body_heads`` the head nouns of
                  institutions' names
foreign_bodies    (no recognizer) institutions named head first in another language ("Universidade
                  Federal de ..."), read by organization_label
known_organizations  organization_known (ORGANIZATION: bodies known the world over, "NATO", and
                  acronyms a text defines for a body, ``acronym_definitions``: "the Computing
                  Research Association (CRA)")
legal_bodies      legal_body (ORGANIZATION: bodies a judgment names by its own cues: an outlawed
                  organisation's acronym and its later mentions, a court's native name in brackets,
                  garrisons and prisons of a kind, firms of solicitors)
body_cues         (no recognizer) the cue phrases that name a body ("membership of the", "namely",
                  a political body's heads), read by organization_cues and legal_bodies
eponyms           (no recognizer) a name modifying a head noun of science names a method ("the
                  Cholesky decomposition", "Laplace's equation"): no NER name, asked by ner_spans
handle_names      post-processor handle_names (PERSON: a word of a post that spells part of a handle
                  found in it names the handle's owner, "@DeclanHarmon ... Declan")
town_institutions  (no recognizer) a town and a lower-case head ("the Kahta court", "the Hilvan
                  prison"), and a proper name before a lower-case union, party, dynasty or newspaper
                  ("the Qelvar dynasty": the name alone), read by organizations
sports_teams      organization_team (ORGANIZATION: a known town and a nickname, "Leeds United")
columns           column_location, column_person, column_organization, column_passport,
                  column_driver_license, column_bank_account, column_vehicle_plate, column_medical_record,
                  column_reference_number, column_phone_number, column_username, column_bank_routing,
                  column_us_npi, column_us_ssn, column_in_aadhaar (cells under a naming header);
                  key_<type> for the same types (a JSON/YAML/XML/key=value field's value under a key
                  that names its kind: "phoneNumber", <AccountNumber>, policy_no=)
id_fields         field_<type> for 17 personal-number types (a number of any country under a generic
                  key, "ssn", "national_id", "personalId", typed by the first national check it passes);
                  record_fields(): the key/value parser shared with columns' key_<type>
script_places     script_place (LOCATION: towns of data/script_places.txt in Cyrillic, Greek, Han, Hangul,
                  Arabic, Hebrew, Devanagari, Thai, each read the way its script is written)
script_names      person_script_names (PERSON in Cyrillic, Greek, Han, kana, Hangul, Arabic, Hebrew,
                  Devanagari, Thai: names of data/script_names.txt by shape and by the language's cues)
software_names    (no recognizer) words a text names as software or a language by their context
                  ("languages like Pascal", "Opacus's `max_grad_norm`"), read by ner_spans, first_names
labelled          (no recognizer) LabelledValue: the finder of values that need their label
word_leads        (no recognizer) where a text may hold one of some words, from one scan of its
                  lower-case view: the engine's lead table, person_context, labelled (speed only)
cap_tokens        (no recognizer) the capitalised words of a text, found once for the name finders
                  (speed only)
cue_lines         (no recognizer) a one-line pattern looked for only in the lines holding its cue (speed only)
================  ==========================================================================

:func:`~veil.pii.recognizers.builtin.builtin_recognizers` and
:func:`~veil.pii.recognizers.builtin.builtin_post_processors` list them explicitly; importing
a module registers nothing.
:data:`~veil.pii.recognizers.builtin.VALIDATORS` names the checksum hooks that configuration
files may attach to their own patterns (``validate: luhn``).
"""
