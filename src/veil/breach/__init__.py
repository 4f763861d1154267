"""Breach response (GDPR Arts. 33-34): a register of every incident, the 72-hour clock,
an assessment of who and what leaked from Veil's own facts, ENISA severity, draft notices.

* :mod:`veil.breach.leak` — what leaked, as specs (a dataset, the data or key store, a key
  version, a backup file, a release file, an actor's access in a time window);
* :mod:`veil.breach.exposure` — which subjects and which categories each leak exposes, and
  which only sealed under keys that did not leak (Art. 34(3)(a) evidence per subject);
* :mod:`veil.breach.severity` — the ENISA 2013 method, SE = DPC x EI + CB, with its bands;
* :mod:`veil.breach.register` — the register (Art. 33(5)), states, phased updates (33(4)),
  the deadline and the reason for any delay;
* :mod:`veil.breach.notice` — the draft to the supervisory authority (Art. 33(3)(a)-(d)) and
  the plain-language notice to subjects (Art. 34(2)).
"""
