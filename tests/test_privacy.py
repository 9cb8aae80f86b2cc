import os
import stat
from pathlib import Path

from bot.privacy import load_or_create_secret, pseudonym
from bot.settings import Settings


def test_pseudonym_is_stable_and_hides_the_id() -> None:
    a = pseudonym("telegram:123456789", b"k1")
    assert a == pseudonym("telegram:123456789", b"k1")
    assert "123456789" not in a and len(a) == 32
    assert a != pseudonym("telegram:123456789", b"k2")
    assert a != pseudonym("telegram:123456780", b"k1")


def test_secret_is_created_once_and_private(tmp_path: Path) -> None:
    settings = Settings(state_dir=tmp_path)
    first = load_or_create_secret(settings)
    assert first == load_or_create_secret(settings)
    assert len(first) >= 43  # 32 random bytes
    assert (tmp_path / "secret.key").stat().st_mode & 0o077 == 0


def test_the_secret_makes_a_private_state_folder_and_tightens_an_open_one(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        load_or_create_secret(Settings(state_dir=tmp_path / "new"))
        assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o700
        (tmp_path / "open").mkdir(mode=0o755)
        load_or_create_secret(Settings(state_dir=tmp_path / "open"))
        assert stat.S_IMODE((tmp_path / "open").stat().st_mode) == 0o700
    finally:
        os.umask(old)


def test_a_sealed_conversation_id_opens_only_with_the_same_secret() -> None:
    from bot.privacy import seal, unseal

    sealed = seal("telegram-12345", b"secret-one")
    assert "12345" not in sealed and sealed != seal("telegram-12345", b"secret-one")  # random nonce each time
    assert unseal(sealed, b"secret-one") == "telegram-12345"
    assert unseal(sealed, b"secret-two") is None
    assert unseal("not a token", b"secret-one") is None
