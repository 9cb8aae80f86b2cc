"""The conversation core's memory of what it asked, and the one router of short answers (a real database)."""

from bot.contracts import Answer, Awaiting
from bot.conversation.core import awaiting_of
from bot.conversation.replies import Say, content


def test_what_replies_ask_is_the_last_response_among_them() -> None:
    assert awaiting_of([Say("utter_appointment_saved"), Say("utter_offer_reminder")]) == Awaiting.REMINDER_OFFER
    assert awaiting_of([Say("utter_offer_reminder"), Say("utter_menu")]) is None
    assert awaiting_of([Say("utter_checklist_bring"), content("Bring your card.")]) == Awaiting.CHECKLIST_ITEM
    assert awaiting_of([]) is None


def test_a_question_counts_only_for_the_message_right_after_it(runtime) -> None:
    conversation = runtime.conversation("someone")
    conversation.remember([Say("utter_offer_reminder")], "1000.0")
    assert conversation.awaiting("1000.0") == Awaiting.REMINDER_OFFER  # the next message answers it
    assert conversation.awaiting("1001.0") is None  # the chat moved on (a reply Rasa served itself)
    conversation.remember([Say("utter_menu")], "1002.0")
    assert conversation.awaiting("1002.0") is None  # asked nothing


def test_yes_no_and_stop_with_nothing_asked(runtime) -> None:
    conversation = runtime.conversation("someone-else")
    assert [s.response for s in conversation.answer(Answer.YES, None).replies] == ["utter_menu"]
    assert [s.response for s in conversation.answer(Answer.NO, None).replies] == ["utter_anything_else"]
    assert conversation.answer(Answer.KEEP_LIST, None).replies == [Say("utter_questions_kept")]


def test_the_clinic_is_never_none(runtime) -> None:
    from bot.runtime import Runtime
    from bot.settings import Settings

    bare = Runtime(
        Settings(content_dir=runtime.settings.state_dir / "no-content", state_dir=runtime.settings.state_dir)
    )
    assert bare.conversation("x").clinic.emergency_number == "your local emergency number"
