"""Usernames: the handles and login names by which a person is known online.

A handle ("@jane_doe87"), a Reddit name ("u/throwaway_8812") or a login name after its label
("username: jdoe_1987", "Benutzername mkowalski2") points at one person as surely as an e-mail
address: the GDPR counts it among the "online identifiers" of Art. 4(1). None has a checksum, so
each is judged by its shape and its neighbours:

* ``@handle`` - a word of letters, digits and underscores after an ``@`` that no word character
  precedes (that would be an e-mail address). Code uses the same sign: a decorator or an
  annotation stands alone on its line or is called ("@property", "@app.get(...)"), a CSS rule or
  a scoped package follows it ("@media screen", "@types/node"). Those shapes are never reported.
  A handle that is an ordinary English word ("@home", "@lights") or has dots in it
  ("@maria.lopez") is reported only beside a word of the platforms ("tweet", "Instagram",
  "follow", "DM", "handle"...) or where the text is a post by its own signs: another handle that
  is no word, "RT" or "via" right before it, or the handle opens the text (a reply); others are
  reported on their own, at a lower score.
* ``u/name`` - Reddit's way of writing a user; ``r/name`` is a forum, not a person.
* a login name right after its label and an optional ":", "=", "is" or "was" - never an ordinary
  word ("username was changed"), a number (a user *id* is a reference number), a call in code
  ("user = get_user(request)"), the name of a program's account ("root", "admin", "postgres"),
  the first word of a person's name ("User: Maja S Hermansen" is a chat turn), nor one
  capitalised word after "user:", "login:", "handle:" or "nick:".
* a login name where a server's log writes it: OpenSSH's and PAM's auth lines ("Failed password
  for invalid user kmensah from 203.0.113.9", "Accepted publickey for li.wei from ...", "session
  opened for user mkowalski(uid=1001)") and the user field of the Common/Combined Log Format of
  web servers (``203.0.113.9 - mkowalski [03/Nov/2026:10:22:01 +0000] "GET ..."``). The log's own
  words fix the field, so the value needs no label of its own; program accounts ("root", "www")
  and ordinary words ("invalid user support") are still left, and a login of letters alone is
  reported below the name rules, which may read it as the person's given name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.common import terms, words, wordset
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["is_login_name", "username"]

# A handle: 2-30 letters, digits and underscores with at least one letter, optionally with
# dotted parts; not inside an e-mail address, a path, a URL or a longer token.
_HANDLE = re.compile(
    r"@(?<![\w@.+/\\-]@)(?P<h>(?=[\w.]*[^\W\d_])[A-Za-z0-9_]{2,30}(?:\.[A-Za-z0-9_]+){0,3})(?![\w@/-]|\.\w)"
)
# After a decorator or annotation: a call, or the end of its line.
_DECORATOR_END = re.compile(r"[ \t]*(?:\(|\r?\n|$)")
_REDDIT = re.compile(r"u/(?<!\wu/)(?<![\w./]/u/)(?P<h>[A-Za-z0-9_-]{3,20})(?![\w/-])")

# Words of code that follow an @ (annotations, doc tags, CSS rules, chat mentions of everyone).
_CODE_WORDS = wordset(
    """
    keyframes charset supports namespace layer container font-face staticmethod classmethod dataclass
    abstractmethod override deprecated param params return returns throws throw author see since version
    link code todo fixme example type typedef interface implementation end synthesize property protocol
    optional required selector encode autoreleasepool try catch finally everyone here channel all media
    import page pytest functools cached_property contextmanager wraps overload final
    """
)

_LOGIN_LABELS = terms(
    "username|usernames|user name|user-name|login name|login id|logon name|screen name|screenname|nickname"
    "|gamertag|gamer tag|account name|benutzername|nom d'utilisateur|nombre de usuario|gebruikersnaam"
    "|nome utente|nazwa użytkownika|login|handle|nick|user"
)
# Labels that are verbs or common nouns too ("login failed", "handle the error", "user data"):
# their value must follow a ":", "=", "is" or "was".
_WEAK_LABELS = wordset("login handle nick user")
_LABEL_WORDS = [r"[ \t]+".join(map(re.escape, label.split())) for label in _LOGIN_LABELS]
_LOGIN = re.compile(
    rf"{words(_LABEL_WORDS, any_case=True)}(?![\w-])"
    r"(?P<sep>[ \t]*[:=][ \t]*|[ \t]+(?i:is|was)[ \t]+|[ \t]+)"
    r"(?P<v>@?(?=[\w.-]*[^\W\d_])[A-Za-z0-9][A-Za-z0-9_.-]{1,31})(?![\w@/-]|\.\w)"
)
# After a login name, a capitalised word or an initial: the login was a person's given name
_NAME_GOES_ON = re.compile(r"[ \t]+[A-Z]")
# One capitalised word of letters: a chat speaker after "User:", not a login
_WORD_IN_CAPITAL = re.compile(r"[A-Z][a-z]+")
# Accounts of programs and placeholder names, which name no one.
_SERVICE_ACCOUNTS = wordset(
    """
    root admin administrator test tester user guest oracle postgres mysql ubuntu debian centos fedora ftp
    www nginx apache git gitlab jenkins deploy docker daemon nobody sys mail proxy redis elastic kafka
    demo default anonymous unknown none null changeme example
    """
)


# The user of an OpenSSH or PAM log line: after the line's fixed words, before " from", " port",
# "(uid=" or " by".
_AUTH_LOG = re.compile(
    r"(?:(?:Failed|Accepted|failed|accepted) "
    r"(?:password|publickey|keyboard-interactive(?:/pam)?|none|hostbased) for (?:invalid user )?"
    r"|[Ii]nvalid user |session (?:opened|closed) for user |"
    r"Disconnected from (?:invalid |authenticating )?user "
    r"|Connection closed by (?:invalid |authenticating )?user )"
    r"(?P<v>[A-Za-z0-9_][A-Za-z0-9_.@-]{0,31})(?= from | port |\(uid=| by |[ \t]*$)",
    re.MULTILINE,
)
# The user field of the Common Log Format: host, identd field, user, then the bracketed time.
_ACCESS_LOG = re.compile(
    r"^[ \t]*[0-9A-Za-z][0-9A-Za-z.:_-]{0,62} [^\s\[\]\"]{1,64} (?P<v>[^\s\[\]\"]{1,64}) "
    r"\[\d{1,2}/[A-Z][a-z]{2}/\d{4}:",
    re.MULTILINE,
)


def _log_users(text: str) -> Iterator[tuple[int, int, float]]:
    """Login names in the user fields of auth and access log lines."""
    found: list[re.Match[str]] = []
    if "user " in text or "for " in text:
        found.extend(_AUTH_LOG.finditer(text))
    if "/" in text and "[" in text:
        found.extend(_ACCESS_LOG.finditer(text))
    for match in found:
        value = match.group("v")
        if value != "-" and is_login_name(value):
            # a login of letters alone may be the person's given name ("invalid user marta"): the
            # name rules' reading of it (a person, in their context) wins over the login's
            yield match.start("v"), match.end("v"), 0.6 if value.isalpha() else 0.8


def is_login_name(value: str) -> bool:
    """A plausible login name: not an ordinary word, a number, or a program's account."""
    bare = value.lstrip("@").rstrip(".-")
    return (
        len(bare) >= 2
        and any(c.isalpha() for c in bare)
        and bare.lower() not in _SERVICE_ACCOUNTS
        and not is_ordinary_word(bare)
    )


def _starts_line(text: str, at: int) -> bool:
    """Only spaces or tabs between the start of the line and ``at`` (looked at backwards over the
    blanks alone, so that many handles on one long line cost no more than the line)."""
    i = at
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    return i == 0 or text[i - 1] in "\r\n"


def _handles(text: str) -> Iterator[tuple[int, int, float]]:
    found: list[tuple[int, int, bool]] = []
    for match in _HANDLE.finditer(text):
        handle = match.group("h")
        at = match.start()
        if _starts_line(text, at) and _DECORATOR_END.match(text, match.end()):
            continue  # a decorator or annotation on its own line, or called
        if text.startswith("(", match.end()) or handle.lower() in _CODE_WORDS:
            continue
        weak = "." in handle or is_ordinary_word(handle) or handle.lower() in _SERVICE_ACCOUNTS
        found.append((at, match.end(), weak))
    strong = [at for at, _, weak in found if not weak]
    for at, end, weak in found:
        # a weak handle needs a platform word nearby (the context boost lifts it over the
        # threshold), or a post's own signs: another handle that is no word ("RT @amy_k @lights is
        # there"), "RT" or "via" right before it, or it opens the post (a reply: "@storm yes")
        posted = (
            any(other != at for other in strong) or _REPOSTED.search(text, max(0, at - 5), at) is not None
        )
        yield at, end, 0.55 if not weak or posted or _opens(text, at) else 0.3


# "RT" or "via" right before a handle: a post shared or credited on a platform.
_REPOSTED = re.compile(r"(?<![\w])(?:RT|rt|via|Via)[ \t]*:?[ \t]*$")


def _opens(text: str, at: int) -> bool:
    """Only blanks and quotation marks before ``at``: the handle opens the text."""
    return text[:at].strip(" \t\"'\u201c") == ""


def _reddit(text: str) -> Iterator[tuple[int, int, float]]:
    for match in _REDDIT.finditer(text):
        start = match.start() - 1 if text[match.start() - 1 : match.start()] == "/" else match.start()
        yield start, match.end(), 0.8


def _logins(text: str) -> Iterator[tuple[int, int, float]]:
    for match in _LOGIN.finditer(text):
        label = text[match.start() : match.start("sep")].lower()
        separated = match.group("sep").strip() != ""
        if label in _WEAK_LABELS and not separated:
            continue
        value = match.group("v")
        if text.startswith("(", match.end("v")):
            continue  # "user = get_user(request)": a call in code, not a login
        if _NAME_GOES_ON.match(text, match.end("v")):
            continue  # "Username: Maja S Hermansen": a person's name, not a login
        if label in _WEAK_LABELS and _WORD_IN_CAPITAL.fullmatch(value):
            continue  # "User: Maja ...", "Login: Monday": a chat speaker's turn or a word, not a login
        if is_login_name(value):
            yield match.start("v"), match.end("v"), 0.8


def _usernames(text: str) -> Iterator[tuple[int, int, float]]:
    if "@" in text:
        yield from _handles(text)
    if "u/" in text:
        yield from _reddit(text)
    yield from _logins(text)
    yield from _log_users(text)


def username() -> Recognizer:
    return Recognizer(
        name="username",
        entity_type=EntityType.USERNAME,
        finder=_usernames,
        context=terms(
            "twitter|tweet|tweets|tweeted|retweet|x.com|instagram|insta|tiktok|mastodon|threads|bluesky"
            "|telegram|discord|github|gitlab|reddit|snapchat|youtube|twitch|linkedin|facebook|handle"
            "|follow|follows|followed|following|dm|dms|mention|mentioned|tag|tagged|reply|replied"
            "|username|account|profile"
        ),
        context_boost=0.35,
    )
