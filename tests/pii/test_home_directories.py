"""Account names in the paths of home directories (veil.pii.recognizers.home_directories): stack
traces, logs and shell sessions pasted into tickets and prompts carry them."""

from __future__ import annotations

import pytest

from veil.pii import PiiConfig, PiiEngine
from veil.pii.recognizers.home_directories import is_personal_account


@pytest.fixture(scope="module")
def engine() -> PiiEngine:
    return PiiEngine(PiiConfig(ner=False))


def _accounts(engine: PiiEngine, text: str) -> list[str]:
    return [text[e.start : e.end] for e in engine.detect(text) if e.type == "USERNAME"]


@pytest.mark.parametrize(
    ("text", "account"),
    [
        ('  File "/home/bvasquez/src/billing/run.py", line 88, in charge', "bvasquez"),
        ("error: cannot open /Users/elif.demir/Library/Logs/app.log", "elif.demir"),
        (r"saved to C:\Users\Rosalind.Achterberg\Desktop\draft.docx", "Rosalind.Achterberg"),
        (r'{"cache": "D:\\Users\\kmbeki\\AppData\\Roaming\\tool"}', "kmbeki"),
        ("c:/Documents and Settings/tperera/Application Data", "tperera"),
        ("$ vim ~wojtek/.profile", "wojtek"),
        ("mounted at /export/home/ssaarinen/data", "ssaarinen"),
        ("/home/anjali_r", "anjali_r"),
    ],
)
def test_the_account_in_a_home_directory_is_a_username(engine: PiiEngine, text: str, account: str) -> None:
    assert _accounts(engine, text) == [account]


@pytest.mark.parametrize(
    "text",
    [
        "export PATH=/home/user/.local/bin:$PATH",
        "cp /home/$USER/.ssh/config /tmp/",
        r"C:\Users\Public\Documents and C:\Users\%USERNAME%\AppData and C:\Users\Default",
        "runs as /home/ubuntu on EC2 and /Users/runner/work on CI, /home/ec2-user too",
        "install into ~/bin or /usr/local/bin",
        "each account gets a folder under /home/ on the server",
        "see /var/www/html/index.php and https://example.org/home/about",
        "docs at /Users/<you>/Projects and /home/{username}/src",
    ],
)
def test_shared_accounts_placeholders_and_other_paths_name_nobody(engine: PiiEngine, text: str) -> None:
    assert _accounts(engine, text) == []


def test_personal_accounts_are_told_from_system_ones() -> None:
    assert is_personal_account("mkarlsson") and is_personal_account("Mei.Lin")
    for name in ["root", "Administrator", "user1", "ubuntu", "www-data", "$USER", "%USERNAME%", "{user}"]:
        assert not is_personal_account(name)


def test_a_long_run_of_paths_stays_linear(engine: PiiEngine) -> None:
    import time

    def cpu(n: int) -> float:
        text = ("/home/" * n)[: n * 6]
        started = time.process_time()
        engine.detect(text)
        return time.process_time() - started

    small, large = cpu(20_000), cpu(40_000)
    assert large < 4 * small + 0.5
