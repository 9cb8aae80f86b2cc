from bot.channels.guard import valid_sender
from bot.channels.sessions import new_session, session_of

KEY = b"k" * 32


def test_a_new_session_is_a_valid_sender_id_and_its_token_opens_it() -> None:
    session, token = new_session(KEY)
    assert valid_sender(session) and len(session) == 24
    assert token.startswith(session + ".")
    assert session_of(KEY, token) == session


def test_sessions_are_not_guessable_from_each_other() -> None:
    assert len({new_session(KEY)[0] for _ in range(200)}) == 200


def test_a_token_made_with_another_key_or_altered_opens_nothing() -> None:
    session, token = new_session(KEY)
    assert session_of(b"other" * 8, token) is None
    other, other_token = new_session(KEY)
    assert session_of(KEY, f"{other}.{token.split('.')[1]}") is None  # someone else's signature
    assert session_of(KEY, token[:-1] + ("A" if token[-1] != "A" else "B")) is None


def test_the_bare_id_or_junk_opens_nothing() -> None:
    session, _ = new_session(KEY)
    for junk in [session, "", None, 42, {"a": 1}, "a.b.c", "x" * 500, "../etc.passwd", f"{session}.", "é.é"]:
        assert session_of(KEY, junk) is None
