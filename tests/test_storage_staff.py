import datetime as dt

import pytest

from bot.storage import staff


def test_passwords_are_hashed_with_salt_and_checked() -> None:
    one, two = staff.hash_password("a long password"), staff.hash_password("a long password")
    assert one != two and "a long password" not in one
    assert staff.verify_password("a long password", one)
    assert not staff.verify_password("a long passwore", one)
    assert not staff.verify_password("anything", "not a hash")


def test_accounts_sign_in_and_lock_after_five_wrong_passwords(db) -> None:
    member = staff.create_staff(db, "Sam", "Sam R", "staff", "correct horse battery")
    assert member.username == "sam" and not member.is_admin
    assert staff.authenticate(db, "SAM ", "correct horse battery") == member
    assert staff.authenticate(db, "nobody", "correct horse battery") is None
    for _ in range(5):
        assert staff.authenticate(db, "sam", "wrong") is None
    assert staff.authenticate(db, "sam", "correct horse battery") is None  # locked now
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=6)
    assert staff.authenticate(db, "sam", "correct horse battery", now=later) == member


@pytest.mark.parametrize(
    ("username", "role", "password", "message"),
    [
        ("sam", "staff", "short", "at least 10"),
        ("sam", "boss", "correct horse battery", "staff or admin"),
        ("sa m", "staff", "correct horse battery", "letters, numbers"),
    ],
)
def test_bad_accounts_are_refused_with_a_plain_reason(db, username, role, password, message) -> None:
    with pytest.raises(staff.StaffError, match=message):
        staff.create_staff(db, username, "", role, password)


def test_a_taken_name_is_refused(db) -> None:
    staff.create_staff(db, "sam", "", "staff", "correct horse battery")
    with pytest.raises(staff.StaffError, match="taken"):
        staff.create_staff(db, "SAM", "", "admin", "correct horse battery")


def test_sessions_end_on_sign_out_and_when_the_account_is_turned_off(db) -> None:
    member = staff.create_staff(db, "sam", "Sam", "admin", "correct horse battery")
    token, csrf = staff.start_session(db, member, hours=1)
    assert staff.session_member(db, token) == (member, csrf)
    assert staff.session_member(db, token + "x") is None
    staff.end_session(db, token)
    assert staff.session_member(db, token) is None
    token, _ = staff.start_session(db, member, hours=1)
    staff.disable_staff(db, member.id)
    assert staff.session_member(db, token) is None
    assert staff.authenticate(db, "sam", "correct horse battery") is None
    staff.set_password(db, "sam", "another long one")
    assert staff.authenticate(db, "sam", "another long one") is not None
