"""One patient's conversation: the lessons, the visit planner and the hand-off desk, and the one router for
short answers.

What happens when a patient types "yes" (or "no", "done", "stop", or presses a choice button) is decided in
`Conversation.answer`, and only there. The assistant's question is not guessed from the words it sent: when
a reply asks something, `remember` stores an explicit `Awaiting` value with the patient's message it
answered (its ``turn``). The next message is read against that question only if it comes right after it,
so a question the conversation has since moved on from never captures a later "yes".

Actions build a `Conversation` for the sender (`Conversation.for_sender`), call one method, and send what
comes back; Rasa's events that some answers need (a reminder to schedule or cancel) come back as plain
`Effect` values the actions translate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.answers.answerer import ANSWER, PERSONAL, Answerer, Decision
from bot.answers.asking import asks_own_question
from bot.answers.passages import Passage
from bot.appointments.planner import Planner
from bot.appointments.visits import local_today, reminder_time
from bot.content.models import ClinicProfile, Library
from bot.contracts import Answer, Awaiting, ReminderStatus
from bot.conversation.replies import Say, payload
from bot.handoff.desk import Desk, medical_question
from bot.learning.tutor import Tutor
from bot.privacy import pseudonym, seal
from bot.records.consent import consent_of, record_consent
from bot.records.erase import forget, request_erasure
from bot.settings import Settings
from bot.storage import visits as visit_store
from bot.storage.conversation import asked, note_shown, remember_asked, remember_note_shown
from bot.storage.db import Database
from bot.storage.learning import record_unmet

# The replies that ask something, and what a short answer to them means.
ASKS: dict[str, Awaiting] = {
    "utter_lesson_part": Awaiting.LESSON_PART,
    "utter_lesson_simpler": Awaiting.LESSON_PART,
    "utter_lesson_simpler_part": Awaiting.LESSON_PART,
    "utter_lesson_start": Awaiting.LESSON_PART,
    "utter_back_to_lesson": Awaiting.BACK_TO_LESSON,
    "utter_checklist_bring": Awaiting.CHECKLIST_ITEM,
    "utter_checklist_step": Awaiting.CHECKLIST_ITEM,
    "utter_checklist_company": Awaiting.CHECKLIST_ITEM,
    "utter_offer_reminder": Awaiting.REMINDER_OFFER,
    "utter_offer_add_medical_question": Awaiting.ADD_MEDICAL_QUESTION,
    "utter_confirm_clear": Awaiting.CLEAR_LIST,
    "utter_forget_confirm": Awaiting.FORGET_DATA,
}
# Why a patient asked for a person, from what they had just been asked (it tells staff the reason).
HANDOFF_REASONS: dict[Awaiting, str] = {Awaiting.ADD_MEDICAL_QUESTION: "medical_advice"}


class Parts(Protocol):
    """What a conversation needs from the process it runs in (bot/runtime.py `Runtime`)."""

    @property
    def settings(self) -> Settings: ...
    @property
    def db(self) -> Database: ...
    @property
    def library(self) -> Library: ...
    @property
    def secret(self) -> bytes: ...


@dataclass(frozen=True)
class ScheduleReminder:
    name: str
    when: dt.datetime
    reminder_id: int


@dataclass(frozen=True)
class CancelReminder:
    name: str


Effect = ScheduleReminder | CancelReminder


@dataclass
class Outcome:
    """What to send, and what Rasa must do besides (schedule or cancel a reminder)."""

    replies: list[Say]
    effects: list[Effect] = field(default_factory=list)
    # The patient's data was just deleted: nothing more may be stored about them in this turn.
    forgotten: bool = False


def awaiting_of(replies: Iterable[Say]) -> Awaiting | None:
    """What the last response among ``replies`` asks, if anything (content text asks nothing)."""
    last = [say.response for say in replies if say.response]
    return ASKS.get(last[-1]) if last else None


def reminder_name(visit_id: int) -> str:
    return f"appointment_{visit_id}"


class Conversation:
    """One patient, seen from the chat. ``sender`` is the channel's conversation id; everything stored is
    keyed by ``patient``, its pseudonym."""

    def __init__(self, parts: Parts, sender: str, clock: Callable[[], dt.datetime] | None = None) -> None:
        self.settings, self.db, self.library = parts.settings, parts.db, parts.library
        self.secret = parts.secret
        self.sender = sender
        self.patient = pseudonym(sender, self.secret)
        self.clinic: ClinicProfile = self.library.profile
        self.now = (clock or (lambda: dt.datetime.now(dt.UTC)))()
        self.today = local_today(self.clinic.timezone, self.now)
        self.tutor = Tutor(self.library, self.db, self.patient)
        self.planner = Planner(self.library, self.db, self.patient, self.today)
        self.desk = Desk(self.db, self.library, self.settings, self.secret, self.patient, self.now)

    # -- what was asked ------------------------------------------------------------------------------------
    def awaiting(self, previous_turn: str) -> Awaiting | None:
        """What the assistant asked in answer to the patient's previous message, if it asked anything."""
        value, turn = asked(self.db, self.patient)
        if value is None or turn != previous_turn or value not in Awaiting.__members__.values():
            return None
        return Awaiting(value)

    def remember(self, replies: Iterable[Say], turn: str) -> None:
        """Store what these replies (to the message of ``turn``) ask, or that they ask nothing."""
        remember_asked(self.db, self.patient, awaiting_of(replies), turn)

    # -- the one router for short answers -------------------------------------------------------------------
    def answer(
        self,
        answer: Answer | None,
        awaiting: Awaiting | None,
        events: Iterable[dict[str, Any]] = (),
        choice: str | None = None,
    ) -> Outcome:
        """What a short answer means here: to the question asked just before, or on its own.

        ``choice`` is set when the patient pressed a choice button or typed words for one (intent ``choose``):
        when it answers nothing that was asked, it goes to the lesson's teach-back or clarity question.
        """
        planner = self.planner
        # Buttons that say what they answer, whatever was asked last.
        if answer == Answer.DONE:
            return Outcome(planner.tick(True))
        if answer == Answer.LATER:
            return Outcome(planner.tick(False))
        if answer == Answer.REMIND:
            return self._reminder_chosen(True)
        if answer == Answer.NO_REMINDER:
            return self._reminder_chosen(False)
        if answer == Answer.KEEP_LIST:
            return Outcome([Say("utter_questions_kept")])
        if answer == Answer.CLEAR_LIST:
            return Outcome(planner.clear(confirmed=True))
        # Deleting needs the confirmation asked just before: an old "Yes, delete it all" button, pressed later,
        # asks again rather than deleting.
        if awaiting == Awaiting.FORGET_DATA and answer in (Answer.FORGET_DATA, Answer.YES):
            return self.forget()
        if answer == Answer.FORGET_DATA:
            return Outcome(self.confirm_forget())
        if answer == Answer.KEEP_DATA or (awaiting == Awaiting.FORGET_DATA and answer == Answer.NO):
            return Outcome([Say("utter_forget_kept")])
        # A bare yes / no / stop, read against what was asked.
        if awaiting == Awaiting.CHECKLIST_ITEM and answer in (Answer.YES, Answer.NO, Answer.STOP):
            if answer == Answer.STOP:
                return Outcome(planner.stop_checklist())
            return Outcome(planner.tick(answer == Answer.YES))
        if awaiting == Awaiting.REMINDER_OFFER and answer in (Answer.YES, Answer.NO):
            return self._reminder_chosen(answer == Answer.YES)
        if awaiting == Awaiting.ADD_MEDICAL_QUESTION and answer == Answer.YES:
            question = medical_question(events)
            return Outcome(planner.add(question) if question else [Say("utter_ask_question_form_new_question")])
        if awaiting == Awaiting.CLEAR_LIST and answer in (Answer.YES, Answer.NO):
            return Outcome(planner.clear(confirmed=True) if answer == Answer.YES else [Say("utter_questions_kept")])
        if awaiting == Awaiting.BACK_TO_LESSON and answer == Answer.YES:
            return Outcome(self.tutor.resume())
        if awaiting == Awaiting.LESSON_PART and answer == Answer.YES:
            return Outcome(self.tutor.next())
        # Nothing was asked that this answers.
        if choice is not None:
            return Outcome(self.tutor.choose(choice))  # a teach-back or clarity choice, or words for one
        if answer == Answer.YES:
            return Outcome([Say("utter_menu")])
        if answer == Answer.NO:
            return Outcome([Say("utter_anything_else")])
        if answer == Answer.STOP:
            return Outcome(self.tutor.stop())
        return Outcome([Say("utter_menu")])

    def handoff_reason(self, awaiting: Awaiting | None) -> str:
        return HANDOFF_REASONS.get(awaiting, "asked") if awaiting else "asked"

    # -- patients' own questions ------------------------------------------------------------------------------
    def answer_question(self, question: str, answerer: Answerer, decision: Decision | None = None) -> list[Say]:
        """Inform, never advise: a general question gets the passage that answers it; a personal one the kind
        refusal with what the content says in general; one the content does not answer, "I don't know" and
        the offer to put it on the list for the care team (and it is logged for the educators). ``decision``:
        the answerer's, when the caller has it already."""
        decision = decision or answerer.decide(question)
        found = decision.passage
        if decision.kind == PERSONAL:
            general = [self._passage(found, general=True)] if found else []
            return [Say("utter_no_medical_advice"), *general, Say("utter_offer_add_medical_question")]
        if found is None:
            record_unmet(self.db, "question", question)
            return [Say("utter_answer_none"), Say("utter_offer_add_medical_question")]
        return [self._passage(found)]

    def answer_if_asked(self, text: str, answerer: Answerer, own_question: bool = True) -> list[Say] | None:
        """A message read as "teach me this topic" or "what does this word mean" that asks one thing of its own
        ("how does the flu jab protect you"): the passage that answers it, or the kind refusal of a personal
        one; None (the lesson or the definition) when it asks for the whole topic or the content has no
        answer (bot/answers/asking.py). ``own_question=False``: the message was read as a request it has none
        of the words of (``RequestWords``), so it is answered whenever the content answers it."""
        if own_question and not asks_own_question(text):
            return None
        decision = answerer.decide(text)
        if decision.kind not in (ANSWER, PERSONAL):
            return None
        return self.answer_question(text, answerer, decision)

    def answer_if_covered(self, question: str, answerer: Answerer) -> list[Say] | None:
        """A message nobody understood that is a general question the content answers: its answer; else None."""
        decision = answerer.decide(question)
        return self.answer_question(question, answerer, decision) if decision.kind == ANSWER else None

    def _passage(self, passage: Passage, general: bool = False) -> Say:
        if passage.kind == "glossary":
            return Say("utter_answer_term", {"term": passage.title, "answer": passage.text})
        source = f"{passage.module_title}: {passage.title}"
        buttons = (
            {
                "title": "Learn more",
                "payload": payload("learn_topic", module=passage.module_id, section=str(passage.section)),
            },
        )
        return Say(
            "utter_answer_general" if general else "utter_answer",
            {"answer": passage.text, "source": source},
            buttons=buttons,
        )

    # -- privacy -----------------------------------------------------------------------------------------
    def _privacy_values(self) -> dict[str, Any]:
        return {"clinic_name": self.clinic.name, "retention_days": self.settings.retention_days}

    def privacy_note_due(self, version: str) -> bool:
        """The note is shown once per version, until the patient says OK to it (a changed note: again)."""
        agreed = consent_of(self.db, self.patient)
        if agreed is not None and agreed[0] == version:
            return False
        return note_shown(self.db, self.patient) != version

    def privacy_note(self, version: str) -> list[Say]:
        remember_note_shown(self.db, self.patient, version)
        return [Say("utter_privacy_note", self._privacy_values())]

    def privacy_more(self) -> list[Say]:
        return [Say("utter_privacy_more", self._privacy_values())]

    def agree_to_note(self, version: str, channel: str) -> list[Say]:
        record_consent(self.db, self.patient, version, channel, self.now)
        return [Say("utter_privacy_thanks"), Say("utter_menu")]

    def confirm_forget(self) -> list[Say]:
        return [Say("utter_forget_confirm")]

    def forget(self) -> Outcome:
        """Delete everything about the patient now; the chat itself goes from Rasa's store a few seconds
        later (the web app's erasure queue), once Rasa has written this turn's last events."""
        erased = forget(self.db, self.settings, self.secret, sender=self.sender, now=self.now, tracker=False)
        request_erasure(self.db, self.secret, self.sender, self.now)
        effects: list[Effect] = [CancelReminder(name) for name in erased.reminders]
        lines = erased.lines()
        what = lines[0] if len(lines) == 1 else ", ".join(lines[:-1]) + " and " + lines[-1] if lines else ""
        reply = (
            Say("utter_forget_done", {"what": what}, start_over=True)
            if what
            else Say("utter_forget_nothing", start_over=True)
        )
        return Outcome([reply], effects, forgotten=True)

    # -- visits and reminders -----------------------------------------------------------------------------
    def after_visit_saved(self, visit: visit_store.Visit) -> list[Say]:
        """Offer a reminder when there is time for one, else go to the checklist."""
        if visit.day is not None and self._reminder_at(visit.day) is not None:
            return [Say("utter_offer_reminder")]
        return self.planner.start_checklist(visit)

    def _reminder_at(self, day: dt.date) -> dt.datetime | None:
        return reminder_time(
            day, self.clinic.timezone, self.settings.reminder_hour, self.now, self.settings.reminder_delay_seconds
        )

    def set_reminder(self) -> Outcome:
        """Schedule the day-before reminder with Rasa, and keep it in the database in case Rasa restarts."""
        planner = self.planner
        visit = visit_store.current_visit(self.db, self.patient, self.today)
        if visit is None:
            return Outcome(planner.no_visit())
        if visit.day is None:
            return Outcome([Say("utter_reminder_needs_day")])
        when = self._reminder_at(visit.day)
        if when is None:
            return Outcome([Say("utter_reminder_too_late", {"visit": planner.visit_words(visit)})])
        row = visit_store.schedule_reminder(self.db, self.patient, visit.id, seal(self.sender, self.secret), when)
        return Outcome(
            [Say("utter_reminder_set", {"visit": planner.visit_words(visit)})],
            [ScheduleReminder(reminder_name(visit.id), when, row.id)],
        )

    def cancel_reminders(self) -> Outcome:
        waiting = visit_store.waiting_reminders(self.db, self.patient)
        effects: list[Effect] = []
        for reminder in waiting:
            visit_store.finish_reminder(self.db, reminder.id, ReminderStatus.CANCELLED)
            effects.append(CancelReminder(reminder_name(reminder.appointment_id)))
        return Outcome([Say("utter_reminder_cancelled" if waiting else "utter_no_reminder")], effects)

    def _reminder_chosen(self, wanted: bool) -> Outcome:
        then = self._checklist_after_reminder
        if wanted:
            outcome = self.set_reminder()
            return Outcome(outcome.replies + then(), outcome.effects)
        return Outcome([Say("utter_reminder_declined"), *then()])

    def _checklist_after_reminder(self) -> list[Say]:
        visit = visit_store.current_visit(self.db, self.patient, self.today)
        return self.planner.start_checklist(visit) if visit else []

    def reminder_due(self, raw_id: str | None) -> list[Say]:
        """The reminder named in the external event, once, if it is still wanted (also during a hand-off)."""
        reminder = visit_store.get_reminder(self.db, int(raw_id)) if raw_id and raw_id.isdigit() else None
        if reminder is None or reminder.patient != self.patient:
            return []
        if not visit_store.finish_reminder(self.db, reminder.id, ReminderStatus.SENT):
            return []  # cancelled, or already sent
        visit = visit_store.get_visit(self.db, reminder.appointment_id)
        return self.planner.reminder_text(visit) if visit is not None else []
