"""A real identity provider's key endpoint for the tests: RS256 and ES256 keys served as a
JWKS over HTTP (``http.server`` in a thread), and tokens signed with them.

    with JwksServer() as idp:
        settings = idp.settings()                  # OidcSettings pointing at it
        token = idp.token(groups=["veil-analysts"])  # RS256, valid 5 minutes
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from veil.identity.oidc import OidcSettings

__all__ = ["AUDIENCE", "ISSUER", "JwksServer"]

ISSUER = "https://idp.test/realms/acme"
AUDIENCE = "veil"
ROLE_MAP = (("veil-admins", "admin"), ("privacy-office", "dpo"), ("veil-analysts", "analyst"))


class JwksServer:
    """Serves ``/jwks.json`` with one RSA (kid ``rsa-1``) and one P-256 key (kid ``ec-1``)."""

    def __init__(self) -> None:
        self.rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ec = ec.generate_private_key(ec.SECP256R1())
        rsa_jwk = json.loads(RSAAlgorithm.to_jwk(self.rsa.public_key()))
        ec_jwk = json.loads(ECAlgorithm.to_jwk(self.ec.public_key()))
        self.jwks = {
            "keys": [
                {**rsa_jwk, "kid": "rsa-1", "alg": "RS256", "use": "sig"},
                {**ec_jwk, "kid": "ec-1", "alg": "ES256", "use": "sig"},
            ]
        }
        self.requests = 0
        body = json.dumps(self.jwks).encode()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests += 1
                if self.path != "/jwks.json":
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/jwks.json"

    def settings(self, **overrides: Any) -> OidcSettings:
        base: dict[str, Any] = {
            "issuer": ISSUER,
            "audience": AUDIENCE,
            "jwks_url": self.url,
            "role_map": ROLE_MAP,
            "purposes_claim": "veil_purposes",
            "leeway_seconds": 0,
        }
        return OidcSettings(**{**base, **overrides})

    def claims(self, **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        base = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": "user-42",
            "iat": now,
            "nbf": now,
            "exp": now + 300,
            "groups": ["veil-analysts"],
            "veil_purposes": ["research"],
        }
        return {k: v for k, v in {**base, **overrides}.items() if v is not None}

    def token(self, alg: str = "RS256", kid: str | None = None, **claims: Any) -> str:
        """A token signed by this provider (``alg`` RS256 or ES256); ``None`` drops a claim."""
        key = self.rsa if alg.startswith(("RS", "PS")) else self.ec
        kid = kid or ("rsa-1" if key is self.rsa else "ec-1")
        return jwt.encode(self.claims(**claims), key, algorithm=alg, headers={"kid": kid})

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> JwksServer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
