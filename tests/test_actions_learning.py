"""Each lesson action, called as Rasa calls it: run() with a Tracker built from events."""

from trackers import asked_before, make_tracker

from actions.education import ActionSaveFeedback
from actions.learning import (
    ActionAffirm,
    ActionChoose,
    ActionContinueLesson,
    ActionDefineTerm,
    ActionLessonNext,
    ActionLessonSimpler,
    ActionLessonStop,
    ActionStartLesson,
)
from bot.storage.feedback import feedback_for
from bot.storage.learning import answers_for, get_progress, unmet_requests

SENDER = "telegram-777"


def responses(dispatcher) -> list[str]:
    return [m.get("response") or "text" for m in dispatcher.messages]


def run(action, dispatcher, text, intent, entities=None, events=None) -> list[str]:
    dispatcher.messages.clear()
    tracker = make_tracker(text, intent, entities=entities, events=events, sender_id=SENDER)
    assert action.run(dispatcher, tracker, {}) == []
    return responses(dispatcher)


def test_start_uses_the_topic_entity_and_stores_progress_under_a_pseudonym(runtime, dispatcher) -> None:
    said = run(ActionStartLesson(), dispatcher, "what is copd", "learn_topic", [{"entity": "topic", "value": "copd"}])
    assert said == ["utter_lesson_start", "utter_lesson_part"]
    assert dispatcher.messages[1]["part"] == 1
    patient = runtime.patient_id(SENDER)
    assert get_progress(runtime.db, patient, "copd") is not None
    assert get_progress(runtime.db, SENDER, "copd") is None


def test_module_button_and_next_simpler_stop_continue(runtime, dispatcher) -> None:
    run(ActionStartLesson(), dispatcher, "/learn_topic", "learn_topic", [{"entity": "module", "value": "asthma"}])
    assert run(ActionLessonNext(), dispatcher, "next", "lesson_next") == ["utter_lesson_part"]
    assert dispatcher.messages[0]["part"] == 2
    # Part 2 is in a section with a plainer version ("### Simpler"), so that is what "simpler" shows.
    assert run(ActionLessonSimpler(), dispatcher, "simpler", "lesson_simpler") == ["utter_lesson_simpler_part"]
    assert dispatcher.messages[0]["lesson_text"].startswith("**")
    assert run(ActionLessonStop(), dispatcher, "stop", "lesson_stop") == ["utter_lesson_stopped"]
    assert run(ActionContinueLesson(), dispatcher, "continue my lesson", "continue_lesson") == [
        "utter_lesson_welcome_back",
        "utter_lesson_part",
    ]


def test_teach_back_button_answer_is_stored(runtime, dispatcher) -> None:
    run(ActionStartLesson(), dispatcher, "asthma", "learn_topic", [{"entity": "topic", "value": "asthma"}])
    while run(ActionLessonNext(), dispatcher, "next", "lesson_next") == ["utter_lesson_part"]:
        pass
    assert responses(dispatcher) == ["utter_lesson_teach_back_intro", "text"]
    assert [b["title"] for b in dispatcher.messages[1]["buttons"]] == ["The rescue one", "The daily one"]
    said = run(ActionChoose(), dispatcher, '/choose{"choice": "1"}', "choose", [{"entity": "choice", "value": "1"}])
    assert said[:2] == ["utter_teach_back_right", "text"]
    assert [a.correct for a in answers_for(runtime.db, runtime.patient_id(SENDER))] == [True]


def test_define_term_with_and_without_a_word(runtime, dispatcher) -> None:
    said = run(
        ActionDefineTerm(), dispatcher, "what does benign mean", "define_term", [{"entity": "term", "value": "benign"}]
    )
    assert said == ["utter_term_definition"] and dispatcher.messages[0]["term"] == "benign"
    assert run(ActionDefineTerm(), dispatcher, "what does a word mean", "define_term") == ["utter_term_ask"]
    assert run(ActionDefineTerm(), dispatcher, "what does zorbular mean", "define_term") == ["utter_term_unknown"]
    assert [r.text for r in unmet_requests(runtime.db, "term")] == ["zorbular"]


def test_yes_after_back_to_lesson_resumes_and_otherwise_shows_the_menu(runtime, dispatcher) -> None:
    run(ActionStartLesson(), dispatcher, "asthma", "learn_topic", [{"entity": "topic", "value": "asthma"}])
    offered = asked_before(runtime, "utter_back_to_lesson", SENDER, "what does mucus mean", "define_term")
    assert run(ActionAffirm(), dispatcher, "yes", "affirm", events=offered) == ["utter_lesson_part"]
    assert dispatcher.messages[0]["part"] == 1
    assert run(ActionAffirm(), dispatcher, "yes", "affirm") == ["utter_menu"]


def test_free_text_feedback_is_filed_under_the_current_module_and_section(runtime, dispatcher) -> None:
    run(ActionStartLesson(), dispatcher, "asthma", "learn_topic", [{"entity": "topic", "value": "asthma"}])
    dispatcher.messages.clear()
    ActionSaveFeedback().run(dispatcher, make_tracker("too many big words", "give_feedback", sender_id=SENDER), {})
    rows = feedback_for(runtime.db, runtime.patient_id(SENDER))
    assert [(r.module_id, r.section, r.text) for r in rows] == [("asthma", "What is asthma?", "too many big words")]
