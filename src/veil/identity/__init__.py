"""Who may call Veil's HTTP API: staff users, API keys, Veil-issued access tokens, OIDC.

The library below the API: ``veil keys`` / ``veil users`` and the service's authentication
call the same functions. Role names live here (:data:`ROLES`); what each role may do (its
scopes) is the API's matrix, ``veil/api/roles.toml``.
"""

from __future__ import annotations

__all__ = ["ROLES"]

#: Every role a key, user or OIDC group can hold, in the order the docs list them.
ROLES = ("admin", "steward", "analyst", "dpo", "auditor", "service", "subject")
