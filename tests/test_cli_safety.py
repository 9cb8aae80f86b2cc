import datetime as dt

from bot.cli import SAFETY_REVIEW_HINT, main
from bot.storage import handoff as store
from bot.storage.db import Database


def _database(tmp_path, monkeypatch) -> Database:
    monkeypatch.setenv("PLAINHEALTH_STATE_DIR", str(tmp_path))
    db = Database(f"sqlite:///{tmp_path / 'plainhealth.db'}")
    db.migrate()
    return db


def test_safety_review_with_nothing_marked_says_so(tmp_path, monkeypatch, capsys) -> None:
    db = _database(tmp_path, monkeypatch)
    store.open_ticket(db, "p1", "", "rest", "emergency", "", False)  # open, but nobody marked it
    db.dispose()
    assert main(["safety", "review"]) == 0
    out = capsys.readouterr().out
    assert "No tickets are marked yet" in out and SAFETY_REVIEW_HINT not in out


def test_safety_review_lists_marked_tickets_newest_first_with_the_patients_words(tmp_path, monkeypatch, capsys) -> None:
    db = _database(tmp_path, monkeypatch)
    now = dt.datetime.now(dt.UTC)
    older, _ = store.open_ticket(
        db,
        "p1",
        "",
        "rest",
        "medical_advice",
        "",
        False,
        [(now, "patient", "my chest feels tight"), (now, "bot", "A nurse can help.")],
    )
    store.add_line(db, older.id, "patient", "it spreads to my arm\nand jaw")
    newer, _ = store.open_ticket(db, "p2", "", "rest", "emergency", "", False, [(now, "patient", "I'm dying to eat")])
    store.mark_safety_review(db, older.id, "missed_emergency", "sam")
    store.mark_safety_review(db, newer.id, "not_emergency", "kim")
    db.dispose()

    assert main(["safety", "review"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("Not an emergency"))
    second = next(i for i, line in enumerate(lines) if line.startswith("Missed emergency"))
    assert first < second  # the latest mark first
    assert f"ticket {newer.id}" in lines[first] and "Emergency" in lines[first] and "by kim" in lines[first]
    assert f"ticket {older.id}" in lines[second] and "Medical question" in lines[second] and "by sam" in lines[second]
    assert lines[first + 1] == "    I'm dying to eat"
    assert lines[second + 1 : second + 4] == ["    my chest feels tight", "    it spreads to my arm", "    and jaw"]
    assert "A nurse can help." not in out  # only the patient's words
    assert lines[-1] == SAFETY_REVIEW_HINT
