"""Veil's web pages, served by the same FastAPI app as the API (``veil serve``).

* ``/ui`` — the staff dashboard (signed in with an API key or an OIDC token, the API's roles
  and scopes); ``/portal`` — the data subjects' portal (signed in with a one-time code).
* :mod:`veil.web.app` — :func:`~veil.web.app.install_web`, called by
  ``veil.api.app.create_app``; **pages are added by appending a router to**
  :data:`veil.web.app.ROUTERS`.
* :mod:`veil.web.session` — server-side sessions (the ``web_sessions`` table, the
  ``veil_session`` cookie); :mod:`veil.web.deps` — ``staff(scope)``, ``subject_actor()``,
  ``csrf``, ``render``; server-side SVG charts come from :mod:`veil.reports.charts`.
* Templates in ``templates/`` (``base.html``; ``ui/``, ``portal/``), CSS in ``static/``.

Pages call the same library functions as the API and the CLI; this package holds only
the HTTP side of them.
"""
