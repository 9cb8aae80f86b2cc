from trackers import make_tracker

from actions.education import ActionSaveFeedback
from bot.storage.feedback import feedback_for


def test_feedback_is_saved_with_a_pseudonym_and_thanked(runtime, dispatcher) -> None:
    tracker = make_tracker("too many big words", "give_feedback", sender_id="telegram-42", slots={"topic": "asthma"})
    assert ActionSaveFeedback().run(dispatcher, tracker, {}) == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_feedback_thanks"]
    rows = feedback_for(runtime.db, runtime.patient_id("telegram-42"))
    assert [(r.text, r.module_id) for r in rows] == [("too many big words", "asthma")]
    assert feedback_for(runtime.db, "telegram-42") == []  # never stored under the raw id
