"""Privacy in the chat, as rasa_sdk calls the actions: the note on first contact, OK, "who can see my
chat?", and "delete my data" that asks once and then deletes (a real database)."""

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from trackers import asked_before, make_tracker

from actions.learning import ActionChoose, ActionDeny
from actions.privacy import ActionForgetConfirm, ActionGreet, ActionPrivacy, ActionPrivacyOk
from actions.questions import ActionAddQuestion
from bot.records.consent import consent_of
from bot.storage import visits
from bot.storage.models import ConversationState, ErasureRequest

SENDER = "web-privacy-1"


def said(dispatcher: CollectingDispatcher) -> list[str]:
    return [m.get("response") or "text" for m in dispatcher.messages]


def test_first_contact_gets_the_answer_then_the_note_once(runtime) -> None:
    dispatcher = CollectingDispatcher()
    ActionGreet().run(dispatcher, make_tracker("hello", "greet", sender_id=SENDER), {})
    assert said(dispatcher) == ["utter_greet", "utter_menu", "utter_privacy_note"]
    note = dispatcher.messages[-1]
    assert note["retention_days"] == runtime.settings.retention_days
    assert note["clinic_name"] == runtime.library.profile.name
    dispatcher.messages.clear()
    ActionGreet().run(dispatcher, make_tracker("hi again", "greet", sender_id=SENDER), {})
    assert said(dispatcher) == ["utter_greet", "utter_menu"]  # shown once, even without an OK


def test_ok_is_stored_with_the_version_and_a_changed_note_is_shown_again(runtime) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("/privacy_ok", "privacy_ok", sender_id=SENDER)
    ActionPrivacyOk().run(dispatcher, tracker, {})
    assert said(dispatcher) == ["utter_privacy_thanks", "utter_menu"]
    version, _ = consent_of(runtime.db, runtime.patient_id(SENDER))
    assert version == runtime.privacy_note_version
    dispatcher.messages.clear()
    ActionGreet().run(dispatcher, make_tracker("hello", "greet", sender_id=SENDER), {})
    assert "utter_privacy_note" not in said(dispatcher)
    runtime._note_version = "a-new-note"  # the clinic changed the note's words
    dispatcher.messages.clear()
    ActionGreet().run(dispatcher, make_tracker("hello", "greet", sender_id=SENDER), {})
    assert said(dispatcher)[-1] == "utter_privacy_note"


def test_who_can_see_my_chat_gets_the_whole_note(runtime, dispatcher) -> None:
    ActionPrivacy().run(dispatcher, make_tracker("who can see what i write", "ask_privacy", sender_id=SENDER), {})
    assert said(dispatcher) == ["utter_privacy_more"]
    assert dispatcher.messages[0]["retention_days"] == runtime.settings.retention_days


def test_delete_my_data_asks_once_then_deletes_everything(runtime, dispatcher) -> None:
    ActionAddQuestion().run(
        dispatcher, make_tracker("add a question: can i drive after", "add_question", sender_id=SENDER), {}
    )
    patient = runtime.patient_id(SENDER)
    assert visits.questions(runtime.db, patient)
    dispatcher.messages.clear()
    ActionForgetConfirm().run(dispatcher, make_tracker("delete my data", "forget_me", sender_id=SENDER), {})
    assert said(dispatcher) == ["utter_forget_confirm"]
    assert visits.questions(runtime.db, patient)  # nothing deleted before the yes

    dispatcher.messages.clear()
    pressed = make_tracker(
        "/choose",
        "choose",
        [{"entity": "choice", "value": "forget_data"}],
        sender_id=SENDER,
        events=asked_before(runtime, "utter_forget_confirm", SENDER),
    )
    ActionChoose().run(dispatcher, pressed, {})
    [done] = dispatcher.messages
    assert done["response"] == "utter_forget_done" and "1 question" in done["what"]
    assert done["start_over"] is True  # the widget forgets its copy too
    assert visits.questions(runtime.db, patient) == []
    with runtime.db.session() as session:
        assert session.get(ConversationState, patient) is None  # nothing stored after the deletion
        assert len(list(session.scalars(select(ErasureRequest)))) == 1  # Rasa's copy goes a moment later


def test_no_keeps_everything(runtime, dispatcher) -> None:
    ActionAddQuestion().run(
        dispatcher, make_tracker("add a question: is it catching", "add_question", sender_id=SENDER), {}
    )
    dispatcher.messages.clear()
    tracker = make_tracker("no", "deny", sender_id=SENDER, events=asked_before(runtime, "utter_forget_confirm", SENDER))
    ActionDeny().run(dispatcher, tracker, {})
    assert said(dispatcher) == ["utter_forget_kept"]
    assert visits.questions(runtime.db, runtime.patient_id(SENDER)) == ["Is it catching?"]


def test_an_old_delete_button_pressed_later_asks_again(runtime, dispatcher) -> None:
    ActionAddQuestion().run(
        dispatcher, make_tracker("add a question: will it hurt", "add_question", sender_id=SENDER), {}
    )
    dispatcher.messages.clear()
    pressed = make_tracker("/choose", "choose", [{"entity": "choice", "value": "forget_data"}], sender_id=SENDER)
    ActionChoose().run(dispatcher, pressed, {})
    assert said(dispatcher) == ["utter_forget_confirm"]
    assert visits.questions(runtime.db, runtime.patient_id(SENDER)) == ["Will it hurt?"]
