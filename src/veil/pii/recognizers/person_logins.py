"""Login names in an authentication log: "Invalid user mihael from ...", "Accepted publickey for
ana" (PERSON, 0.7); not the accounts of programs nor the names probes try ("root", "oracle"), nor
common or ordinary words. Read by :class:`~veil.pii.recognizers.person_context.PersonContextFinder`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from veil.pii.recognizers.common import wordset
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["login_names"]

_LOGIN = re.compile(
    r"(?:[Ii]nvalid user|[Ff]ailed password for(?: invalid user)?|Accepted (?:password|publickey) for"
    r"|session opened for user)[ \t]+(?P<name>[^\W\d_]{3,20})(?=[ \t]+from\b|[ \t]*$|[ \t]+by\b|\()",
    re.MULTILINE,
)
# Accounts of programs and the names that probes try, which name no one.
_SERVICE_ACCOUNTS = wordset(
    """
    root admin administrator test tester user guest oracle postgres mysql ubuntu debian centos fedora ftp
    ftpuser www nginx apache httpd git gitlab hadoop jenkins nagios deploy deployer support operator backup
    ansible vagrant docker minecraft tomcat teamspeak steam pi ec2 azureuser daemon nobody sys sync mail
    news uucp proxy postfix dovecot redis elastic elasticsearch kafka zabbix odoo sonar svn demo default
    info webmaster web server service sftp ssh system ubnt usuario sales office shop
    """
)


def login_names(text: str, common: frozenset[str]) -> Iterator[tuple[int, int, float]]:
    """(start, end, 0.7) of each person's login name in ``text``; ``common``: common words, lower case."""
    if "nvalid user" in text or "password for" in text or "publickey for" in text or "for user" in text:
        for match in _LOGIN.finditer(text):
            folded = match.group("name").lower()
            if folded in _SERVICE_ACCOUNTS or folded in common or is_ordinary_word(folded):
                continue
            yield match.start("name"), match.end("name"), 0.7
