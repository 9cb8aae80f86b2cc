"""Sending replies: whatever a patient (or staff member) wrote reaches them as written, through Rasa's own
template filling (rasa.core.nlg.interpolator), whatever characters it holds."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml
from rasa.core.nlg.interpolator import interpolate_text
from rasa_sdk.executor import CollectingDispatcher
from trackers import make_tracker

from actions.base import send, template_value
from actions.questions import ActionAddQuestion, ActionShowQuestions
from bot.conversation.replies import Say
from bot.settings import PROJECT_ROOT

SENDER = "telegram-0451"
WORD_JOINER = "\u2060"
TRICKY = [
    "Can I take 0[x] pills?",
    "What is {count}?",
    "Is {0[__class__]} bad?",
    "Why {questions} }{ here?",
    "Does 100% or %s matter?",
    "[0] or 0[ or [x] first?",
]


def responses() -> dict[str, str]:
    """Each domain response's first text, as Rasa would fill it."""
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    return {name: variants[0].get("text", "") for name, variants in domain["responses"].items()}


def rendered(message: dict) -> str:
    """What Rasa sends for one message from the action server: its response filled with the values given."""
    values = {k: v for k, v in message.items() if k not in ("response", "buttons", "text")}
    return interpolate_text(responses()[message["response"]], values)


def visible(text: str) -> str:
    return text.replace(WORD_JOINER, "")


@pytest.mark.parametrize(
    "value",
    [
        "{",
        "}",
        "0[",
        "{0[__class__]}",
        "%s",
        "a {b} c",
        "10[1]",
        "[0]",
        "{}{}",
        "{count} {questions}",
        "%(count)s %d",
        "0" * 5 + "[" * 5,
    ],
)
def test_any_value_fills_a_template_as_written(value: str) -> None:
    dispatcher = CollectingDispatcher()
    send(dispatcher, [Say("utter_questions_list", {"count": 3, "questions": value})])
    text = rendered(dispatcher.messages[0])
    assert visible(text) == f"Your questions (3):\n{value}"
    guarded = value.replace("0[", f"0{WORD_JOINER}[")
    assert text == "Your questions (3):\n" + (WORD_JOINER + guarded if value.startswith("[") else guarded)


@pytest.mark.parametrize("value", ["[x]", "[0] first"])
def test_a_value_that_opens_with_a_bracket_is_safe_after_a_zero(value: str) -> None:
    # "{number}{item}" style neighbours: a value ending in 0 next to one starting with "[".
    text = interpolate_text("{a}{b}", {"a": template_value("10"), "b": template_value(value)})
    assert visible(text) == f"10{value}"


def test_values_that_are_not_text_are_sent_as_they_are() -> None:
    assert template_value(10) == 10 and template_value(None) is None and template_value(2.5) == 2.5


def test_show_my_questions_prints_the_patients_own_words(runtime, dispatcher) -> None:
    for question in TRICKY:
        ActionAddQuestion().run(
            dispatcher, make_tracker(f"add a question: {question}", "add_question", sender_id=SENDER), {}
        )
    added = [rendered(m) for m in dispatcher.messages]
    assert [visible(t) for t in added] == [
        f'Added: "{q}". You have {i} on your list.' for i, q in enumerate(TRICKY, start=1)
    ]
    dispatcher.messages.clear()
    ActionShowQuestions().run(dispatcher, make_tracker("show my questions", "show_questions", sender_id=SENDER), {})
    [message] = dispatcher.messages
    listing = "\n".join(f"{i}. {q}" for i, q in enumerate(TRICKY, start=1))
    assert visible(rendered(message)) == f"Your questions ({len(TRICKY)}):\n{listing}"
    assert rendered(message).startswith(f"Your questions ({len(TRICKY)}):\n1. ")


def test_no_template_puts_a_bracket_right_after_a_placeholder() -> None:
    """`template_value` guards "0[" inside values and at their start; a "[" just after a placeholder in a
    template would join a value ending in 0 to it, so no response may have one."""
    offenders = [name for name, text in responses().items() if "}[" in text]
    assert offenders == []


def test_every_action_sends_values_through_send() -> None:
    """Values reach Rasa's templates only through `send`, so no action can skip `template_value`."""
    offenders = []
    for path in sorted((PROJECT_ROOT / "actions").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "utter_message":
                extra = [k.arg for k in node.keywords if k.arg not in ("response", "buttons", "text")]
                if extra and not _inside_send(tree, node, path):
                    offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


def _inside_send(tree: ast.Module, call: ast.Call, path: Path) -> bool:
    if path.name != "base.py":
        return False
    return any(
        isinstance(f, ast.FunctionDef) and f.name == "send" and f.lineno <= call.lineno <= (f.end_lineno or 0)
        for f in tree.body
    )


@pytest.mark.parametrize(
    ("action", "text", "intent"),
    [
        ("forget", "natural ways to ease pain", "forget_me"),
        ("add", "opioids risks addiction", "add_question"),
        ("reminder", "fasting before blood test", "set_reminder"),
        ("move", "top and bottom number blood pressure meaning", "move_question"),
    ],
)
def test_a_health_question_read_as_a_request_it_has_no_words_of_is_answered(
    runtime, dispatcher, action: str, text: str, intent: str
) -> None:
    """The NLU read these as "delete my data", "add it to my list", "remind me", "move a question": none
    says so, and the content answers each, so the answer comes and nothing is deleted, added or set."""
    from actions.appointments import ActionSetReminder
    from actions.privacy import ActionForgetConfirm
    from actions.questions import ActionMoveQuestion
    from bot.storage import visits

    run = {
        "forget": ActionForgetConfirm,
        "add": ActionAddQuestion,
        "reminder": ActionSetReminder,
        "move": ActionMoveQuestion,
    }[action]()
    run.run(dispatcher, make_tracker(text, intent, sender_id=SENDER), {})
    responses = [m.get("response") for m in dispatcher.messages]
    assert responses and responses[0] in ("utter_answer", "utter_no_medical_advice"), responses
    assert "utter_forget_confirm" not in responses
    assert visits.questions(runtime.db, runtime.patient_id(SENDER)) == []


@pytest.mark.parametrize(
    ("action", "text", "intent", "expected"),
    [
        ("forget", "please erase what i told you about my pain", "forget_me", "utter_forget_confirm"),
        ("add", "add a question: what foods raise cholesterol", "add_question", None),
    ],
)
def test_a_request_with_its_words_goes_ahead_even_when_it_speaks_of_health(
    runtime, dispatcher, action: str, text: str, intent: str, expected: str | None
) -> None:
    from actions.privacy import ActionForgetConfirm
    from bot.storage import visits

    run = {"forget": ActionForgetConfirm, "add": ActionAddQuestion}[action]()
    run.run(dispatcher, make_tracker(text, intent, sender_id=SENDER), {})
    responses = [m.get("response") for m in dispatcher.messages]
    assert "utter_answer" not in responses
    if expected:
        assert responses == [expected]
    else:
        assert visits.questions(runtime.db, runtime.patient_id(SENDER))
