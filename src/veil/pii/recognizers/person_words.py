"""Capitalised words and what they say of a name: the lists the person recognizers share.

A capitalised word is often no name: a sentence's first word, a heading, a form's label, a
month, a title (:data:`COMMON_CAPITALISED`, :data:`TITLES`); some given names are also words
("May", "Grace", "Will": :data:`AMBIGUOUS_FIRST_NAMES`) and need a family name beside them; some
family names are words too ("Mr. Price", :data:`LAST_NAMES_ALSO_WORDS`), or street words ("Jane
Hill", :data:`SURNAME_STREET_WORDS`); a firm's word ends a firm's name, not a person's
(:data:`ORG_SUFFIXES`).
"""

from __future__ import annotations

from veil.pii.recognizers.common import wordset

__all__ = [
    "AMBIGUOUS_FIRST_NAMES",
    "COMMON_CAPITALISED",
    "LAST_NAMES_ALSO_WORDS",
    "NOT_NAME_STARTS",
    "ORG_SUFFIXES",
    "ROLE_NOUNS",
    "SURNAME_STREET_WORDS",
    "TITLES",
]

# Capitalised words that are not names (sentence starts, headings, form labels).
COMMON_CAPITALISED = wordset(
    """
    A An The This That These Those It Its We Our You Your They Their He His She Her I Me My Mine Us Them
    And Or But If Of In On At To For With From By As Is Are Was Were Be Been Has Have Had Do Does Did Not No
    Yes Please Thanks Thank Hi Hello Hey Dear Regards Sincerely Best Kind Cheers Yours Team All Everyone There
    Sir Madam Madame Mr Mrs Ms Miss Dr Prof Sir Here When Where What Who Why How Which While After Before
    Today Tomorrow Yesterday Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March
    April May June July August September October November December Street St Road Rd Avenue Ave Lane Drive
    Hospital Clinic Centre Center University College School Institute Bank Inc Ltd Company Corp Group Team
    Support Service Services Department Dept Office Ticket Order Invoice Patient Doctor Nurse Name Date Phone
    Email Address Account Number Card Customer Client User Admin Manager Director President Chairman CEO
    Note Notes Subject Re Fwd Summary Report Update Issue Error Warning Status Total Amount Price Payment
    Visa Mastercard Login Password Account Reference Ref Case File Room Ward Unit Floor Suite Apt Building
    New North South East West Upper Lower Great Little Old Saint Santa San Mount Lake River Park Hill Port
    Christmas Easter God Lord Jesus English French German Spanish Italian American British European Internet
    Google Microsoft Apple Amazon Facebook Windows Linux Python Java Excel Word Chrome Firefox Android
    Will Can Could Should Would Must Might Shall Just Also Then Now Only Still Yet Very Much More Most
    People Persons Users Customers Clients Patients Employees Members Students Items Records Orders Units
    Points Key Keys Next Last Other Many Some Few Several Every Each Any
    Agent Officer Driver Courier Technician Engineer Colleague Assistant Operator Representative Advisor
    Adviser Consultant Specialist Receptionist Cashier Clerk Caller Carer Rx Dx Hx Tx Sx
    """
)

# First names that are ordinary words, months or places: they need a known last name.
AMBIGUOUS_FIRST_NAMES = wordset(
    """
    April August Autumn Summer Winter Spring June May March Amber Angel Aura Aurora Bill Brandy Brook Brooke
    Candy Chase Cherry Cliff Coral Crystal Daisy Dale Dawn Dean Destiny Diamond Don Drew Ebony Eden Edit Eve
    Faith Fay Floor Flora Forum Frank Gala Gene German Georgia Ginger Glen Grace Grant Guy Hardy Harm Harsh
    Hazel Heather Holly Honey Hope Hunter India Iris Ivy Jack Jade Jasmine Jet Job Joy Justice Kelvin Kick
    Lance Liberty Lot Lucky Luna Mar Mare Marine Mark Max Melody Mercy Misty Nova Olive Parker Pastor Patience
    Pat Pearl Peer Penny Pier Puck Rain Ray Rich River Robin Rose Rosemary Ruby Rusty Sandy Savannah Sky
    Skye Sierra Sole Star Storm Sue Sunny Tanner Till Tory Trinidad Urban Violet Will Wolf Art Bob Bud Chip
    Miles Norm Rod Sage Page Lane Taylor Carter Mason Cooper Porter Baker Archer Victor Victoria Florence
    Charlotte Austin Orlando Madison Jackson Lincoln Washington Jordan Sydney Paris Dallas Houston Denver
    Phoenix Milan Regina Adelaide Carolina Virginia Dakota Montana Nevada Savannah Brooklyn Chelsea Asia
    """
)

# Street words that are also common surnames ("Jane Hill", "Tom Ford"): not a reason to reject.
SURNAME_STREET_WORDS = wordset(
    "Hill Hills Park Parks Field Fields Ford Green Wells Brook Brooks Lane Mills Mill Rivers River Shore "
    "Dale Glen Grove Forest Summit Banks Lake Cliff Crest Marsh Moore Ridge Vale Wood Woods Street"
)


# Family names that are also capitalised common words: after a title they are names.
LAST_NAMES_ALSO_WORDS = wordset(
    "May March June April August Will Price Young Best Hope Grant Long Little King Rich "
    # family names that are common capitalised words too: "Mr Key", "Lord North", "Mrs Ward"
    "Key Ward More North West Hill Park Lane French English Case"
)


TITLES = wordset(
    "Dr Mr Mrs Ms Mx Miss Prof Professor Sir Dame Rev Revd Reverend Capt Captain Sgt Lt Col Gen Judge "
    "Herr Frau Mme Mlle Sr Sra Srta Dott Dra Mag Ing Lord Lady Baroness Baron Justice Rabbi Imam Bishop "
    "Senator Mayor Chancellor Detective Constable Sergeant "
    # the forms of address of Italian, Dutch, French and Spanish letters and notes, and the ones these
    # languages write in lower case inside a sentence ("il sig. Rossi", "el sr. García", "met mevrouw
    # Jansen"): a capitalised name after them is a person as after "Mr" ("mw", megawatt, and a capital
    # "Madame", "Madame Tussauds", left out)
    "Sig Signor Signora Dottssa Mevrouw Meneer Mevr Dhr Monsieur Mademoiselle Señor Señora Señorita "
    "Doña sr sra srta sig signor signora dott dottssa mevrouw meneer mevr dhr mme mlle madame señor señora"
)

# Words that end an organisation's or a product's name: NER's PERSON or place there is a firm.
ORG_SUFFIXES = wordset(
    """
    AI Labs Lab Technologies Technology Tech Systems Software Solutions Analytics Robotics Networks Capital
    Partners Ventures Holdings Media Group Bank Health Pharma Pharmaceuticals Therapeutics Biotech Bio Foods
    Motors Energy Logistics Digital Cloud Security Studios Games Consulting Insurance Airlines Airways
    Telecom Mobile Data Dynamics Industries Enterprises Foundation Institute University College Academy
    """
)
# First words that make a span a phrase, not a name: determiners and possessives of other languages.
NOT_NAME_STARTS = wordset(
    "Meine Mein Meinen Meiner Ihre Ihr Unser Unsere Deine Dein Der Die Das Ein Eine Mon Ma Mes Notre Nos "
    "Votre Le La Les Un Une Mi Mis Tu Su Sus Nuestra Nuestro El Los Las Il Lo Gli Mijn Onze Uw Het De Een "
    "Minha Meu"
)


# Offices that follow a title or a role word and are no names: "the Judge Advocate", "the Attorney
# General", "Senior Counsel", "the Lord Chancellor", "Mr. President".
ROLE_NOUNS = wordset(
    """
    Advocate Advocates General Generals Counsel Solicitor Solicitors Registrar Registrars Attorney Attorneys
    President Vice-President Secretary Secretaries Commissioner Commissioners Rapporteur Ombudsman Prosecutor
    Procurator Chancellor Speaker Chairman Chairwoman Chair Deputy Minister Ministers Agent Representative
    Adviser Advisers Advisor Clerk Registry Bench Court Panel Chamber Judges Justices Prime Vice Chief
    """
)
