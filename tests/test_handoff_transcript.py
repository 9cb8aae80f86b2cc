"""The transcript staff read: what the patient saw and did, in plain words (issue 22)."""

from __future__ import annotations

from bot.handoff.transcript import channel_name, plain_markdown, shown, tapped, transcript


def bot(text: str, *buttons: tuple[str, str]) -> dict:
    data = {"buttons": [{"title": title, "payload": payload} for title, payload in buttons]} if buttons else {}
    return {"event": "bot", "text": text, "timestamp": 1_700_000_000, "data": data}


def user(text: str, intent: str) -> dict:
    return {"event": "user", "text": text, "timestamp": 1_700_000_001, "parse_data": {"intent": {"name": intent}}}


def test_button_presses_read_as_the_title_the_patient_tapped() -> None:
    lines = transcript(
        [
            {"event": "session_started"},
            bot("Part 1 of 3.", ("Next", "/lesson_next"), ("Say it simpler", "/lesson_simpler")),
            user("/lesson_simpler", "lesson_simpler"),
            bot("Which lesson?", ("Asthma", '/learn_topic{"module": "asthma"}')),
            user('/learn_topic{"module": "asthma"}', "learn_topic"),
            user("/request_human", "request_human"),  # the widget's own button: not offered in a message
        ]
    )
    said = [text for _, sender, text in lines if sender == "patient"]
    assert said == ["Tapped: Say it simpler", "Tapped: Asthma", "Tapped: Talk to a person"]
    assert not any("pressed a button" in text or text.startswith("/") for _, _, text in lines)


def test_the_assistants_lines_lose_their_markdown_marks_and_show_the_buttons_offered() -> None:
    lines = transcript(
        [
            bot(
                "**Call 911 now.** Your *airways* get _narrow_. See [our page](https://clinic.example/a).",
                ("OK", "/affirm"),
            )
        ]
    )
    [(_, sender, text)] = lines
    assert sender == "bot"
    assert text == "Call 911 now. Your airways get narrow. See our page (https://clinic.example/a).\nButtons: OK"
    assert plain_markdown("snake_case_words and 2 * 3 * 4 stay") == "snake_case_words and 2 * 3 * 4 stay"


def test_lines_stored_before_read_the_same_as_new_ones() -> None:
    assert shown("patient", "(pressed a button: lesson next)") == "Tapped: Next"
    assert shown("patient", "(pressed a button: request human)") == "Tapped: Talk to a person"
    assert shown("patient", "/request_human") == "Tapped: Talk to a person"
    assert shown("patient", "/some_new_intent") == "Tapped: Some new intent"
    assert shown("patient", "I typed **this** myself") == "I typed **this** myself"  # the patient's own words
    assert shown("bot", "**Part 2 of 9**") == "Part 2 of 9"
    assert shown("staff", "**as typed**") == "**as typed**"
    assert tapped("/help") == "Tapped: Show me the menu"


def test_channels_have_the_names_staff_know() -> None:
    assert channel_name("socketio") == "Website chat"
    assert channel_name("telegram") == "Telegram"
    assert channel_name("rest") == "Phone app (REST)"
    assert channel_name("") == "Not known"
    assert channel_name("sms_gateway") == "Sms gateway"
