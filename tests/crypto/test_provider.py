"""Key providers: the file provider and the environment provider."""

from __future__ import annotations

import base64
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from veil.crypto.envelope import dek_aad
from veil.crypto.provider import EnvKeyProvider, FileKeyProvider, kek_version_of, make_provider
from veil.errors import ConfigError, CryptoError, KeyProviderError
from veil.rights.access import export_subject
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace

AAD = b"veil:test|aad"
SECRET = bytes(range(32))


def b64(key: bytes) -> str:
    return base64.b64encode(key).decode()


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    return tmp_path / "keys" / "kek.json"


# -- file provider ----------------------------------------------------------------------------


def test_file_provider_create_writes_an_owner_only_key_file(key_file: Path) -> None:
    provider = FileKeyProvider.create(key_file)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    raw = json.loads(key_file.read_text())
    assert raw["current"] == provider.current_version()
    assert list(raw["keys"]) == [provider.current_version()]
    kek = base64.b64decode(raw["keys"][provider.current_version()])
    assert len(kek) == 32
    assert kek_version_of(kek) == provider.current_version()
    assert provider.versions() == [provider.current_version()]


def test_file_provider_refuses_to_overwrite(key_file: Path) -> None:
    FileKeyProvider.create(key_file)
    before = key_file.read_bytes()
    with pytest.raises(ConfigError, match="already exists"):
        FileKeyProvider.create(key_file)
    assert key_file.read_bytes() == before


def test_file_provider_wrap_unwrap_round_trip(key_file: Path) -> None:
    provider = FileKeyProvider.create(key_file)
    version, blob = provider.wrap(SECRET, AAD)
    assert version == provider.current_version()
    assert SECRET not in blob
    assert provider.unwrap(version, blob, AAD) == SECRET
    # A fresh provider reading the same file unwraps it too.
    assert FileKeyProvider(key_file).unwrap(version, blob, AAD) == SECRET


def test_bulk_wrapper_and_unwrapper_agree_with_wrap(key_file: Path) -> None:
    provider = FileKeyProvider.create(key_file)
    version, wrap = provider.wrapper()
    unwrap = provider.unwrapper(version)
    blob = wrap(SECRET, AAD)
    assert unwrap(blob, AAD) == SECRET
    assert provider.unwrap(version, blob, AAD) == SECRET
    with pytest.raises(CryptoError):
        unwrap(blob, b"other aad")


def test_wrap_many_agrees_with_wrap_and_uses_fresh_nonces(key_file: Path) -> None:
    provider = FileKeyProvider.create(key_file)
    secrets = [bytes([i]) * 32 for i in range(50)]
    aads = [dek_aad(f"{i:032x}", 1) for i in range(50)]
    version, blobs = provider.wrap_many(secrets, aads)
    assert version == provider.current_version()
    assert [provider.unwrap(version, b, a) for b, a in zip(blobs, aads, strict=True)] == secrets
    assert len({b[:12] for b in blobs}) == 50  # one random nonce per wrap
    with pytest.raises(CryptoError):  # each wrap is bound to its own associated data
        provider.unwrap(version, blobs[0], aads[1])
    assert provider.wrap_many([], []) == (version, [])
    with pytest.raises(ValueError, match="one associated data"):
        provider.wrap_many(secrets, aads[:-1])


def test_wrap_many_goes_through_an_overridden_wrapper(key_file: Path) -> None:
    # A KMS-style provider overrides wrapper(); wrap_many must not reach for a local KEK.
    class Kms(FileKeyProvider):
        calls = 0

        def wrapper(self) -> tuple[str, Callable[[bytes, bytes], bytes]]:
            version, wrap = super().wrapper()

            def counted(secret: bytes, aad: bytes) -> bytes:
                Kms.calls += 1
                return wrap(secret, aad)

            return version, counted

    FileKeyProvider.create(key_file)
    kms = Kms(key_file)
    version, blobs = kms.wrap_many([SECRET, SECRET], [AAD, AAD])
    assert Kms.calls == 2
    assert [kms.unwrap(version, b, AAD) for b in blobs] == [SECRET, SECRET]


def test_unwrap_rejects_wrong_aad_and_tampering(key_file: Path) -> None:
    provider = FileKeyProvider.create(key_file)
    version, blob = provider.wrap(SECRET, dek_aad("a" * 32, 1))
    with pytest.raises(CryptoError):
        provider.unwrap(version, blob, dek_aad("b" * 32, 1))
    with pytest.raises(CryptoError):
        provider.unwrap(version, blob, dek_aad("a" * 32, 2))
    tampered = bytearray(blob)
    tampered[-1] ^= 1
    with pytest.raises(CryptoError):
        provider.unwrap(version, bytes(tampered), dek_aad("a" * 32, 1))


def test_unwrap_under_unknown_version_is_a_key_provider_error(key_file: Path) -> None:
    provider = FileKeyProvider.create(key_file)
    _, blob = provider.wrap(SECRET, AAD)
    with pytest.raises(KeyProviderError, match="knope"):
        provider.unwrap("knope", blob, AAD)


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660, 0o666])
def test_file_provider_refuses_a_key_file_others_can_read(key_file: Path, mode: int) -> None:
    FileKeyProvider.create(key_file)
    os.chmod(key_file, mode)
    with pytest.raises(KeyProviderError, match="chmod 600"):
        FileKeyProvider(key_file)
    with pytest.raises(KeyProviderError):
        make_provider("file", key_file.parent)


def test_file_provider_accepts_owner_read_only(key_file: Path) -> None:
    provider = FileKeyProvider.create(key_file)
    os.chmod(key_file, 0o400)
    assert FileKeyProvider(key_file).current_version() == provider.current_version()


def test_missing_key_file_is_a_key_provider_error(key_file: Path) -> None:
    with pytest.raises(KeyProviderError, match="missing"):
        FileKeyProvider(key_file)


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "{}",
        "[]",
        '{"current": "k1"}',
        '{"keys": {}}',
        '{"current": "k1", "keys": []}',
        '{"current": "k1", "keys": {"k1": 5}}',
        '{"current": "k1", "keys": {"k1": "!!!"}}',  # not base64
        '{"current": "k1", "keys": {"k1": "AAAA"}}',  # base64, but not a 32-byte key
        '{"current": "k2", "keys": {"k1": "' + "A" * 43 + '="}}',  # current key absent
    ],
)
def test_damaged_key_file_is_a_key_provider_error(key_file: Path, body: str) -> None:
    key_file.parent.mkdir(parents=True)
    key_file.write_text(body)
    os.chmod(key_file, 0o600)
    with pytest.raises(KeyProviderError, match="not a valid Veil key file"):
        FileKeyProvider(key_file)


def test_generate_adds_a_current_key_and_keeps_the_old(key_file: Path) -> None:
    provider = FileKeyProvider.create(key_file)
    old = provider.current_version()
    old_version, old_blob = provider.wrap(SECRET, AAD)
    new = provider.generate()
    assert new != old
    assert provider.current_version() == new
    assert sorted(provider.versions()) == sorted([old, new])
    # Persisted with both keys, still owner-only.
    reloaded = FileKeyProvider(key_file)
    assert reloaded.current_version() == new
    assert sorted(reloaded.versions()) == sorted([old, new])
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # Old wraps still open; new wraps use the new key.
    assert reloaded.unwrap(old_version, old_blob, AAD) == SECRET
    assert provider.wrap(SECRET, AAD)[0] == new


def test_retire_destroys_every_other_key(key_file: Path) -> None:
    provider = FileKeyProvider.create(key_file)
    old = provider.current_version()
    _, old_blob = provider.wrap(SECRET, AAD)
    new = provider.generate()
    provider.retire(new)
    assert provider.versions() == [new]
    raw = json.loads(key_file.read_text())
    assert raw == {"current": new, "keys": {new: raw["keys"][new]}}
    with pytest.raises(KeyProviderError):
        provider.unwrap(old, old_blob, AAD)
    with pytest.raises(KeyProviderError):
        FileKeyProvider(key_file).unwrap(old, old_blob, AAD)


def test_a_provider_follows_a_key_file_rotated_by_another_process(key_file: Path) -> None:
    """Another process generates and retires KEKs: this one wraps under the new current KEK and
    unwraps what was wrapped under it, without being re-created."""
    mine = FileKeyProvider.create(key_file)
    old = mine.current_version()
    other = FileKeyProvider(key_file)
    new = other.generate()
    assert mine.current_version() == new and sorted(mine.versions()) == sorted([old, new])
    version, blob = other.wrap(SECRET, AAD)
    assert mine.unwrap(version, blob, AAD) == SECRET
    other.retire(new)
    assert mine.versions() == [new]
    assert mine.wrap(SECRET, AAD)[0] == new


def test_a_key_file_made_readable_by_others_is_refused_on_reload(key_file: Path) -> None:
    mine = FileKeyProvider.create(key_file)
    FileKeyProvider(key_file).generate()  # the file changes, so it is read again...
    os.chmod(key_file, 0o644)
    with pytest.raises(KeyProviderError, match="readable by others"):
        mine.current_version()  # ...and its mode is checked again


def test_retire_unknown_version_is_refused_and_keeps_the_file(key_file: Path) -> None:
    provider = FileKeyProvider.create(key_file)
    before = key_file.read_bytes()
    with pytest.raises(KeyProviderError):
        provider.retire("knope")
    assert key_file.read_bytes() == before


def test_repr_of_providers_hides_keys(key_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    provider = FileKeyProvider.create(key_file)
    kek = base64.b64decode(json.loads(key_file.read_text())["keys"][provider.current_version()])
    assert kek.hex() not in repr(provider)
    assert b64(kek) not in repr(provider)
    env_key = os.urandom(32)
    monkeypatch.setenv("VEIL_KEK", b64(env_key))
    env = EnvKeyProvider()
    assert b64(env_key) not in repr(env) and env_key.hex() not in repr(env)
    assert env.current_version() in repr(env)


# -- environment provider ---------------------------------------------------------------------


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.delenv("VEIL_KEK", raising=False)
    monkeypatch.delenv("VEIL_KEK_PREVIOUS", raising=False)
    return monkeypatch


def test_env_provider_uses_veil_kek(clean_env: pytest.MonkeyPatch) -> None:
    kek = os.urandom(32)
    clean_env.setenv("VEIL_KEK", b64(kek))
    provider = EnvKeyProvider()
    assert provider.current_version() == kek_version_of(kek)
    assert provider.versions() == [kek_version_of(kek)]
    version, blob = provider.wrap(SECRET, AAD)
    assert provider.unwrap(version, blob, AAD) == SECRET
    assert not provider.can_generate
    assert isinstance(make_provider("env", Path("/nonexistent")), EnvKeyProvider)


def test_env_provider_with_previous_unwraps_both(clean_env: pytest.MonkeyPatch) -> None:
    old, new = os.urandom(32), os.urandom(32)
    clean_env.setenv("VEIL_KEK", b64(old))
    old_version, old_blob = EnvKeyProvider().wrap(SECRET, AAD)
    clean_env.setenv("VEIL_KEK", b64(new))
    clean_env.setenv("VEIL_KEK_PREVIOUS", b64(old))
    provider = EnvKeyProvider()
    assert provider.current_version() == kek_version_of(new)
    assert sorted(provider.versions()) == sorted([kek_version_of(old), kek_version_of(new)])
    assert provider.unwrap(old_version, old_blob, AAD) == SECRET
    assert provider.wrap(SECRET, AAD)[0] == kek_version_of(new)
    # Without the previous key, the old wrap cannot be opened.
    clean_env.delenv("VEIL_KEK_PREVIOUS")
    with pytest.raises(KeyProviderError, match="VEIL_KEK_PREVIOUS"):
        EnvKeyProvider().unwrap(old_version, old_blob, AAD)


def test_env_provider_needs_veil_kek(clean_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(KeyProviderError, match=r"\$VEIL_KEK is not set"):
        EnvKeyProvider()
    clean_env.setenv("VEIL_KEK", "")
    with pytest.raises(KeyProviderError, match="not set"):
        EnvKeyProvider()


@pytest.mark.parametrize("var", ["VEIL_KEK", "VEIL_KEK_PREVIOUS"])
@pytest.mark.parametrize("value", ["not base64!!", "abc", "@@@@", b64(b"\x00" * 32) + "="])
def test_env_provider_rejects_bad_base64(clean_env: pytest.MonkeyPatch, var: str, value: str) -> None:
    clean_env.setenv("VEIL_KEK", b64(os.urandom(32)))
    clean_env.setenv(var, value)
    with pytest.raises(KeyProviderError, match=rf"\${var} is not valid base64") as info:
        EnvKeyProvider()
    assert value not in info.value.message


@pytest.mark.parametrize("var", ["VEIL_KEK", "VEIL_KEK_PREVIOUS"])
@pytest.mark.parametrize("size", [1, 16, 31, 33, 64])
def test_env_provider_rejects_wrong_length(clean_env: pytest.MonkeyPatch, var: str, size: int) -> None:
    clean_env.setenv("VEIL_KEK", b64(os.urandom(32)))
    clean_env.setenv(var, b64(os.urandom(size)))
    with pytest.raises(KeyProviderError, match=rf"\${var} must hold 32 bytes"):
        EnvKeyProvider()


def test_env_provider_cannot_generate(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("VEIL_KEK", b64(os.urandom(32)))
    with pytest.raises(KeyProviderError, match="VEIL_KEK_PREVIOUS"):
        EnvKeyProvider().generate()


def test_rotation_with_the_env_provider(
    tmp_path: Path, clean_env: pytest.MonkeyPatch, patients_csv: Path
) -> None:
    old, new = os.urandom(32), os.urandom(32)
    clean_env.setenv("VEIL_KEK", b64(old))
    root = tmp_path / "envws"
    with Workspace.init(root, key_provider="env") as ws:
        assert not (root / "keys" / "kek.json").exists()  # nothing on disk
        Ingestor(ws).run(patients_csv, "patients", "patient_id")
        before = export_subject(ws, "P0000007")
        n = ws.keystore.count()
        assert ws.keystore.kek_versions_in_use() == {kek_version_of(old): n}
        pseudonym = ws.pseudonymize("P0000007")

    # The new KEK alone cannot read keys wrapped under the old one.
    clean_env.setenv("VEIL_KEK", b64(new))
    with Workspace.open(root) as ws, pytest.raises(KeyProviderError):
        ws.keystore.get(pseudonym)

    clean_env.setenv("VEIL_KEK_PREVIOUS", b64(old))
    with Workspace.open(root) as ws:
        result = ws.keystore.rotate()
        assert result.new_version == kek_version_of(new)
        assert result.rewrapped == n
        assert result.retired == [kek_version_of(old)]
        assert ws.keystore.kek_versions_in_use() == {kek_version_of(new): n}

    # After rotation the old key is no longer needed.
    clean_env.delenv("VEIL_KEK_PREVIOUS")
    with Workspace.open(root) as ws:
        assert ws.pseudonymize("P0000007") == pseudonym
        after = export_subject(ws, "P0000007")
        assert after.datasets == before.datasets
        assert after.subject == "P0000007"
        # A second rotation with the same key has nothing to re-wrap.
        assert ws.keystore.rotate().rewrapped == 0

    # The old key alone no longer works.
    clean_env.setenv("VEIL_KEK", b64(old))
    with Workspace.open(root) as ws, pytest.raises(KeyProviderError):
        ws.keystore.get(pseudonym)


def test_make_provider_by_name(tmp_path: Path) -> None:
    FileKeyProvider.create(tmp_path / "kek.json")
    assert isinstance(make_provider("file", tmp_path), FileKeyProvider)


@pytest.mark.parametrize("name", ["kms", "", "FILE", "vault"])
def test_make_provider_unknown_name(tmp_path: Path, name: str) -> None:
    with pytest.raises(ConfigError, match="unknown key provider") as info:
        make_provider(name, tmp_path)
    assert "env" in info.value.message and "file" in info.value.message
