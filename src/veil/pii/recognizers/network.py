"""Network identifiers: IPv4 / IPv6 addresses (validated by :mod:`ipaddress`), MAC
addresses and URLs (scheme, ``www.`` or a bare domain under a common TLD; no suffix list
is downloaded).

An address keeps its CIDR prefix ("10.0.0.0/8", "2001:db8::/32") and an IPv6 zone id
("fe80::1%eth0") in its span. A URL stops at a Markdown link's ``](`` ("[x](http://a.b)");
a scheme followed by a bare word ("http://intranet") is not reported: a URL needs a dotted
host name or an IP address.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from veil.pii.entity import EntityType
from veil.pii.recognizer import Pattern, Recognizer
from veil.pii.recognizers.common import first_char, words, wordset

__all__ = ["ip_address", "is_ipv4", "is_ipv6", "is_mac", "is_url", "mac_address", "url"]

_VERSION_WORDS = (
    "version",
    "ver",
    "v",
    "release",
    "build",
    "firmware",
    "fw",
    "sdk",
    "api version",
    "patch",
    "semver",
    "chapter",
    "section",
    "figure",
    "table",
    "step",
)


def is_ipv4(text: str) -> bool:
    try:
        ipaddress.IPv4Address(text)
    except ValueError:  # also rejects leading zeros ("01.02.03.04")
        return False
    return True


def is_ipv6(text: str) -> bool:
    if text.count(":") < 2 or not any(c not in ":." for c in text):
        return False
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


def ip_address() -> Recognizer:
    return Recognizer(
        name="ip_address",
        entity_type=EntityType.IP_ADDRESS,
        patterns=(
            Pattern(
                r"\d(?<![\w.]\d)\d{0,2}\.(?:\d{1,3}\.){2}\d{1,3}(?:/\d{1,2}(?!\d|\.\d))?(?!\.?\d|\w|\.\w)",
                0.6,
                "ipv4",
            ),
            # a hex group (or "::") with a colon early on, then hex, colons and dots; ipaddress decides.
            # Not a slice of an array, "a[::2]", "x[1::3]" (digits and colons alone between an
            # indexed name's brackets), which "::2" and "1::3" also spell; "http://[::1]:80" stays.
            # That test comes after the first character, read back with it (common.py's speed note).
            Pattern(
                r"[0-9A-Fa-f:](?<![\w:.][0-9A-Fa-f:])(?!(?<=[\w)\]]\[[\d:])[\d:]{0,11}\])"
                r"[0-9A-Fa-f]{0,3}:[0-9A-Fa-f:.]{1,42}(?:(?<![.:])|(?<=::))"
                r"(?:%[A-Za-z0-9_-]{1,16})?(?:/\d{1,3})?(?![\w:])",
                0.7,
                "ipv6",
            ),
        ),
        validate=_is_ip,
        context=(
            "ip",
            "ips",
            "ip address",
            "ipv4",
            "ipv6",
            "address",
            "host",
            "server",
            "client",
            "login from",
            "src",
            "dst",
            "source",
            "remote",
            "gateway",
            "dns",
            "proxy",
        ),
        negative_context=_VERSION_WORDS,
        negative_penalty=0.5,
        negative_window_after=0,  # "IP 10.0.0.1 using version 3" is still an address
    )


def _is_ip(text: str) -> bool:
    """An IPv4 / IPv6 address, with a prefix length that fits it and (IPv6) a zone id."""
    address, _, prefix = text.partition("/")
    if prefix and (not prefix.isdigit() or int(prefix) > (128 if ":" in address else 32)):
        return False
    if ":" in address:
        return is_ipv6(address.partition("%")[0])
    return is_ipv4(address)


def is_mac(text: str) -> bool:
    hexdigits = "".join(c for c in text if c not in ":-.")
    return len(hexdigits) == 12 and len(set(hexdigits.lower())) > 1


def mac_address() -> Recognizer:
    return Recognizer(
        name="mac_address",
        entity_type=EntityType.MAC_ADDRESS,
        patterns=(
            Pattern(
                r"[0-9A-Fa-f](?<![\w:-][0-9A-Fa-f])[0-9A-Fa-f]([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}(?![\w:-])",
                0.75,
                "colon",
            ),
            Pattern(
                r"[0-9A-Fa-f](?<![\w.][0-9A-Fa-f])[0-9A-Fa-f]{3}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}(?![\w.])",
                0.5,
                "cisco",
            ),
        ),
        validate=is_mac,
        context=(
            "mac",
            "mac address",
            "hardware address",
            "ethernet",
            "wifi",
            "wi-fi",
            "bssid",
            "device",
            "nic",
        ),
        negative_context=("version", "time", "uuid", "hash"),
    )


_TLDS = (
    "com|org|net|edu|gov|mil|int|info|biz|io|co|ai|app|dev|me|tv|xyz|online|site|tech|store|blog|cloud|"
    "uk|de|fr|es|it|nl|be|ch|at|se|no|dk|fi|ie|pl|pt|cz|gr|hu|ro|ru|ua|eu|us|ca|au|nz|jp|cn|kr|in|br|mx|ar|za|"
    "sg|hk|tw|il|tr|ly|gg|to|sh|ws|cc|ly|fm|gl|is|lu|li|sk|si|hr|ee|lv|lt|bg|rs|news|shop|live|email|page|pro"
)
# URL characters; a "]" that opens a Markdown link target ("](") ends the URL
_URL_CHAR = r"(?:[^\s<>\"'`\]]|\](?!\())"
_URL_TAIL = rf"(?:[/?#]{_URL_CHAR}*[^\s<>\"'`.,;:!?)\]}}])?"
_DOMAIN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
_NOT_IN_HOST = r"[\w.@/-]"
_SCHEME = words(("https", "http", "ftp", "sftp", "wss", "ws"), any_case=True)


_HOST = re.compile(r"(?i)^[a-z][a-z0-9+.-]*://(?:[^@/?#\s]*@)?(\[[^\]]*\]|[^/?#:\s]*)")


def is_url(text: str) -> bool:
    """No empty label, no trailing dash; a URL with a scheme needs a dotted host or an IP literal."""
    if ".." in text or text.endswith("-"):
        return False
    host = _HOST.match(text)
    return host is None or "." in host.group(1) or host.group(1).startswith("[")


# A bare domain is found from its TLD backwards: ".com" is rare, a word start is not.
_TLD_HIT = re.compile(rf"\.(?:{_TLDS})(?![\w@-]|\.\w)")
_LABELS_BEFORE = re.compile(rf"(?<![\w.@/-])(?i:{_DOMAIN})$")
_TAIL = re.compile(_URL_TAIL)


# TLDs that are also English words or attribute names ("user1.email", "self.info", "cfg.app",
# "page.live", "x.is"): one label before such a TLD is an attribute access as often as a host
_WORD_TLDS = wordset(
    """
    email info app dev me tv online site tech store blog cloud news shop live page pro to is it in at no be us
    """
)
# What follows an attribute in code: an assignment, a call, an index, another attribute.
_CODE_AFTER = re.compile(r"[ \t]*(?:[-+*/%|&^]?=(?!=)|\(|\[)|\.[A-Za-z_]")
# What opens a cross-reference to a program's object in reST: a role (":func:`", ":py:meth:`") or
# the "`~" that shortens the shown path. "see :func:`~mpmath.li`", ":mod:`pkg.io`" name a
# function or a module, no host (a real link in reST is written with its scheme, found apart).
_ROLE_BEFORE = re.compile(r"(?::[a-z]+(?::[a-z]+)*:`~?|`~)$")


def _find_domains(text: str) -> Iterator[tuple[int, int, float]]:
    """Bare domains under a common, lower-case TLD ("at home.It was" is a missing space). A bare
    domain must look like a host: one label under a TLD that is also a word ("user1.email") is
    found only beside a URL's context word (score below the threshold without one), and never
    where code follows it ("user1.email = ...", "obj.info()") or a reST role names it as a
    program's object (":func:`~mpmath.li`")."""
    for hit in _TLD_HIT.finditer(text):
        head = _LABELS_BEFORE.search(text, max(0, hit.start() - 120), hit.start() + 1)
        if head is None or _ROLE_BEFORE.search(text, max(0, head.start() - 24), head.start()):
            continue
        tail = _TAIL.match(text, hit.end())
        end = tail.end() if tail else hit.end()
        score = 0.55
        if text[hit.start() + 1 : hit.end()] in _WORD_TLDS and "." not in text[head.start() : hit.start()]:
            if end == hit.end() and _CODE_AFTER.match(text, end):
                continue
            if end == hit.end():
                score = 0.3  # "user1.email": a host only where the text speaks of one
        yield head.start(), end, score


def url() -> Recognizer:
    return Recognizer(
        name="url",
        entity_type=EntityType.URL,
        patterns=(
            Pattern(rf"{_SCHEME}://{_URL_CHAR}*[^\s<>\"'`.,;:!?)\]}}]", 0.8, "scheme"),
            Pattern(
                rf"{first_char('[Ww]', _NOT_IN_HOST)}(?i:ww)\.(?i:{_DOMAIN})[A-Za-z]{{2,24}}\b{_URL_TAIL}",
                0.75,
                "www",
            ),
        ),
        finder=_find_domains,
        validate=is_url,
        context=("url", "link", "website", "site", "web", "visit", "profile", "http", "page", "domain"),
        negative_context=("file", "filename", "script", "module", "package"),
        negative_penalty=0.3,
    )
