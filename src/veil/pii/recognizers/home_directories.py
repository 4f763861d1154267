"""Account names inside the paths of home directories.

Stack traces, build logs, crash reports, shell sessions and configuration pasted into a ticket or
an LLM prompt carry the path of the user's home directory, and with it the login name the
operating system gave them, which is most often their own name: ``/home/tkowalczyk/app/main.py``,
``/Users/hannelore.schmidt/Library/...``, ``C:\\Users\\Hannelore.Schmidt\\Documents\\cv.docx``,
``~ngozi/.bashrc``. The name is an online identifier of one person (GDPR Art. 4(1)) and often a
person's name outright; the rest of the path is not personal and stays.

The folders whose next part is an account name: ``/home/``, ``/Users/`` (macOS), ``/export/home/``
and ``/var/mail/`` (Unix), ``/u/`` and ``/usr/home/`` (BSD and some universities), Windows'
``X:\\Users\\`` and ``X:\\Documents and Settings\\`` with either slash (and the doubled backslash
a JSON or Python string writes), and the tilde form ``~name/``. The part is reported as a
USERNAME unless it is one of the accounts every machine has or a placeholder of documentation
(``/home/user``, ``C:\\Users\\Public``, ``/Users/<you>``, ``$USER``, ``%USERNAME%``,
``{username}``), which name nobody.
"""

from __future__ import annotations

from veil.pii.entity import EntityType
from veil.pii.recognizer import Pattern, Recognizer
from veil.pii.recognizers.common import wordset

__all__ = ["home_directory", "is_personal_account"]

# one part of a path: no slash, no space (a Windows name with spaces is rare and the end of the
# part could not be told from prose), 2-64 characters, at least one letter
_PART = r"(?P<pii>(?=[^\s/\\\"'<>|:*?]*[^\W\d_])[^\s/\\\"'<>|:*?]{2,64})"
_SLASH = r"(?:/|\\{1,2})"
_UNIX = rf"(?<![\w.~-])/(?:home|Users|export/home|var/mail|usr/home|u){_SLASH}{_PART}(?=[/\\\s\"',;:)\]]|$)"
_WINDOWS = rf"(?<![\w])[A-Za-z]:{_SLASH}(?:Users|Documents and Settings){_SLASH}{_PART}(?=[/\\\s\"',;:)\]]|$)"
_TILDE = rf"(?<![\w~/\\])~{_PART}(?=/)"

#: accounts every system has, service accounts and the placeholders of documentation
_NOBODY = wordset(
    """
    user users username usr me you your yourname your_name your-name yourusername name myname
    myuser someone somebody foo bar baz example test tester testuser demo guest nobody anonymous
    root admin administrator default public shared all everyone local system localsystem
    localservice networkservice defaultapppool ubuntu debian centos fedora ec2-user azureuser
    admin1 runner runneradmin vagrant www-data www jenkins gitlab-runner git build builder
    buildbot travis circleci docker app deploy deployer service postgres mysql oracle
    """
)


def is_personal_account(part: str) -> bool:
    """``part`` (the folder after ``/home/``) names an account of a person: not one every
    system has, not a placeholder (``<you>``, ``$USER``, ``%USERNAME%``, ``{user}``)."""
    if part[0] in "<$%{[(" or part[-1] in ">}])%":
        return False
    return part.lower() not in _NOBODY and part.lower().rstrip("0123456789") not in _NOBODY


def home_directory() -> Recognizer:
    return Recognizer(
        name="home_directory",
        entity_type=EntityType.USERNAME,
        patterns=(
            Pattern(_UNIX, 0.8, "unix_home"),
            Pattern(_WINDOWS, 0.8, "windows_profile"),
            Pattern(_TILDE, 0.7, "tilde_home"),
        ),
        validate=is_personal_account,
    )
