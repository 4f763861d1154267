"""Veil as a service: the HTTP API (``veil serve``), an interface layer like the CLI.

:func:`veil.api.app.create_app` builds the FastAPI app over a workspace; routes call the
same library functions as the CLI; :mod:`veil.api.security` authenticates callers and checks
each route's one scope against the role matrix (``roles.toml``). Nothing imports this
package but the CLI's ``veil serve``.
"""
