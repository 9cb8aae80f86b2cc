import datetime as dt

import pytest

from bot.handoff.desk import Desk, find_phone, is_open, medical_question
from bot.handoff.transcript import activity, transcript
from bot.privacy import unseal
from bot.storage import handoff as store

SECRET = b"k" * 32


def desk(db, library, settings, hours="always") -> Desk:
    return Desk(db, library, settings.with_changes(handoff_hours=hours), SECRET, "patient-1")


def events(*pairs):
    out = [{"event": "session_started"}]
    for kind, text, *intent in pairs:
        event = {"event": kind, "text": text, "timestamp": 1_700_000_000}
        if intent:
            event["parse_data"] = {"intent": {"name": intent[0]}, "entities": []}
        out.append(event)
    return out


def test_opening_hours_decide_unless_the_settings_say_otherwise(library, settings) -> None:
    tuesday_noon = dt.datetime(2026, 11, 24, 17, 0, tzinfo=dt.UTC)  # 12:00 in New York
    sunday = dt.datetime(2026, 11, 22, 17, 0, tzinfo=dt.UTC)
    assert is_open(settings, library.clinic, tuesday_noon)
    assert not is_open(settings, library.clinic, sunday)
    assert is_open(settings.with_changes(handoff_hours="always"), library.clinic, sunday)
    assert not is_open(settings.with_changes(handoff_hours="never"), library.clinic, tuesday_noon)


def test_a_request_opens_a_ticket_with_the_chat_and_what_they_were_doing(db, library, settings) -> None:
    history = events(
        ("user", "tell me about asthma", "learn_topic"),
        ("bot", "Let's learn about Asthma."),
        ("user", "talk to a person", "request_human"),
    )
    replies = desk(db, library, settings).start("asked", "rest-123", "rest", history, None)
    assert [r.response for r in replies] == ["", "utter_handoff_how_to_leave"]
    assert "will reply here soon" in replies[0].text
    ticket = store.open_ticket_for(db, "patient-1")
    assert ticket is not None and ticket.activity == "Learning about a health topic"
    assert unseal(ticket.conversation, SECRET) == "rest-123"  # kept encrypted, for the replies
    texts = [line.text for line in store.lines(db, ticket.id)]
    assert texts[:2] == ["tell me about asthma", "Let's learn about Asthma."]


def test_out_of_hours_the_patient_can_leave_a_message_and_a_number(db, library, settings) -> None:
    d = desk(db, library, settings, hours="never")
    replies = d.start("asked", "rest-1", "rest", events(), None)
    assert "not open right now" in replies[0].text and replies[1].response == "utter_handoff_leave_message"
    ticket = store.open_ticket_for(db, "patient-1")
    assert ticket is not None and ticket.out_of_hours
    said, ended = d.relay("please call me on +1 555 0199 after 5pm", "out_of_scope", None)
    assert [s.response for s in said] == ["utter_handoff_contact_saved"] and not ended
    ticket = store.get_ticket(db, ticket.id)
    assert ticket is not None and unseal(ticket.contact or "", SECRET) == "please call me on +1 555 0199 after 5pm"


def test_while_a_person_has_the_chat_the_assistant_is_quiet(db, library, settings) -> None:
    d = desk(db, library, settings)
    d.start("asked", "rest-1", "rest", events(), None)
    ticket = store.open_ticket_for(db, "patient-1")
    assert [s.response for s in d.relay("hello?", "greet", None)[0]] == ["utter_handoff_noted"]
    from bot.storage import staff

    sam = staff.create_staff(db, "sam", "Sam", "staff", "correct horse battery")
    store.claim(db, ticket.id, sam.id)
    assert d.relay("are you there", "greet", None) == ([], False)
    assert d.relay("stop", "lesson_stop", None) == ([], False)  # "stop" goes to the person once claimed
    store.add_line(db, ticket.id, "staff", "Yes, I am here.", name="Sam", delivered=False)
    [line] = d.staff_lines()
    assert (line.text, line.staff) == ("Sam (clinic team): Yes, I am here.", "Sam")  # marked, not guessed
    assert d.staff_lines() == []


def test_danger_during_a_hand_off_gets_guidance_and_raises_the_ticket(db, library, settings) -> None:
    d = desk(db, library, settings)
    d.start("asked", "rest-1", "rest", events(), None)
    said, ended = d.relay("i took too many pills", "emergency", "emergency")
    # The guidance itself is a response Rasa serves at once (a rule); the desk tells the patient the team knows.
    assert [s.response for s in said] == ["utter_emergency_team_told"] and not ended
    assert store.open_ticket_for(db, "patient-1").priority == "urgent"


def test_stop_while_waiting_cancels_and_a_closed_ticket_brings_the_assistant_back(db, library, settings) -> None:
    d = desk(db, library, settings)
    d.start("asked", "rest-1", "rest", events(), None)
    said, ended = d.relay("stop", "lesson_stop", None)
    assert ended and said[0].response == "utter_handoff_cancelled"
    said, ended = d.relay("hello?", "greet", None)
    assert ended and said[0].response == "utter_handoff_back"


def test_the_transcript_keeps_this_session_and_names_buttons() -> None:
    history = [
        {"event": "user", "text": "old"},
        *events(
            ("user", "/request_human", "request_human"), ("bot", "Thank you."), ("user", "x", "EXTERNAL_staff_reply")
        ),
    ]
    lines = transcript(history)
    assert [(s, t) for _, s, t in lines] == [("patient", "Tapped: Talk to a person"), ("bot", "Thank you.")]
    assert activity(history, "appointment_form") == "Telling us about a visit"
    assert activity([], None) == ""


def test_the_latest_medical_question_is_found_for_the_list() -> None:
    history = events(("user", "how much ibuprofen can i take", "medical_advice"), ("user", "/affirm", "medical_advice"))
    assert medical_question(history) == "how much ibuprofen can i take"
    assert medical_question(events(("user", "hi", "greet"))) is None


def test_stop_after_an_emergency_keeps_the_ticket_for_the_team(db, library, settings) -> None:
    d = desk(db, library, settings)
    d.start("crisis", "rest-1", "rest", events(), None)
    said, ended = d.relay("stop", "lesson_stop", None)
    assert ended and said[0].response == "utter_handoff_left_urgent"
    ticket = store.open_ticket_for(db, "patient-1")
    assert ticket is not None and ticket.status == "waiting" and ticket.priority == "urgent"


# Numbers as patients type them, with the number each one holds.
PHONES = [
    ("+1 555 010 0100", "+1 555 010 0100"),
    ("(555) 010-0100", "(555) 010-0100"),
    ("07700 900123", "07700 900123"),
    ("555-0100", "555-0100"),
    ("+44 7700 900123", "+44 7700 900123"),
    ("call me on 0117 496 0000", "0117 496 0000"),
    ("please call me on +1 555 0199 after 5pm", "+1 555 0199"),
    ("my number is 555.010.0100, after 6", "555.010.0100"),
    ("+1-555-010-0100", "+1-555-010-0100"),
    ("ring 020 7946 0000 please", "020 7946 0000"),
    ("its 07700900123", "07700900123"),
    ("+15550100100", "+15550100100"),
    ("mobile: 01 23 45 67 89", "01 23 45 67 89"),
    ("on 12/03/2025 call 555 0100", "555 0100"),
    ("my NHS number is 943 476 5919, call me on 07700 900123", "07700 900123"),
]

# Readings, ranges, dates and times: none of them is a phone number.
NOT_PHONES = [
    "my sugar was 120 - 135",
    "on 12/03/2025",
    "between 9-10",
    "my bp is 140/90",
    "my bp was 140/90 this morning and 135/85 tonight",
    "sugar readings 120 135 140 this week",
    "sugar 120-135-150 after meals",
    "temperature 37.5 38.2 38.9",
    "my glucose was 5.6 and 7.8",
    "the visit is on 12.03.2025",
    "the visit is on 12-03-2025 at 10:30",
    "it was 2025-03-12",
    "12 03 2025",
    "between 9:00 and 17:30",
    "call between 0900-1000",
    "any time 10.30-11.45 or 09.30-10.45",
    "I took it from 2019-2023",
    "I take 500mg twice a day",
    "it costs $1,200,000",
    "my NHS number is 943 476 5919",
    "blood pressure 140 / 90 and pulse 72",
]


@pytest.mark.parametrize(("text", "number"), PHONES)
def test_phone_numbers_as_people_type_them_are_found(text: str, number: str) -> None:
    assert find_phone(text) == number


@pytest.mark.parametrize("text", NOT_PHONES)
def test_readings_ranges_dates_and_times_are_not_phone_numbers(text: str) -> None:
    assert find_phone(text) is None


def contact(db) -> str | None:
    ticket = store.open_ticket_for(db, "patient-1")
    assert ticket is not None
    return unseal(ticket.contact, SECRET) if ticket.contact else None


def test_a_saved_number_is_replaced_only_by_a_clearly_new_number(db, library, settings) -> None:
    d = desk(db, library, settings, hours="never")
    d.start("asked", "rest-1", "rest", events(), None)
    for reading in ("my sugar was 120 - 135", "on 12/03/2025", "between 9-10", "my bp is 140/90"):
        said, _ = d.relay(reading, "out_of_scope", None)
        assert [s.response for s in said] == ["utter_handoff_noted"], reading
    assert contact(db) is None
    said, _ = d.relay("call me on 0117 496 0000 after 5", "out_of_scope", None)
    assert [s.response for s in said] == ["utter_handoff_contact_saved"]
    for other in (
        "my sugar was 120 - 135",
        "my bp is 140/90",
        "the pharmacy said 0117 496 0999 was shut",
        "my NHS number is 943 476 5919",
        "is 555-0100 open on sundays?",
    ):
        said, _ = d.relay(other, "out_of_scope", None)
        assert [s.response for s in said] == ["utter_handoff_noted"], other
        assert contact(db) == "call me on 0117 496 0000 after 5", other
    said, _ = d.relay("my new number is +44 7700 900123", "out_of_scope", None)
    assert [s.response for s in said] == ["utter_handoff_contact_saved"]
    assert contact(db) == "my new number is +44 7700 900123"
    said, _ = d.relay("07700 900999", "out_of_scope", None)  # a number on its own is an answer
    assert [s.response for s in said] == ["utter_handoff_contact_saved"] and contact(db) == "07700 900999"
    lines = [line.text for line in store.lines(db, store.open_ticket_for(db, "patient-1").id)]
    assert "the pharmacy said 0117 496 0999 was shut" in lines  # still passed on to the team
