"""The names the processes share, defined once: intents sent from outside, entities and slots, statuses.

The action server, the web app, the channels and the tests all speak these. They are ``StrEnum`` members,
so each is also the plain string Rasa, the database and the domain files hold: ``TicketStatus.WAITING ==
"waiting"``. A typo becomes an AttributeError where it is written, not a silent mismatch at run time.
"""

from __future__ import annotations

from enum import StrEnum


class ExternalIntent(StrEnum):
    """Intents the web app (or Rasa's scheduler) triggers in a patient's conversation, never the patient."""

    APPOINTMENT_REMINDER = "EXTERNAL_appointment_reminder"
    STAFF_REPLY = "EXTERNAL_staff_reply"
    HANDOFF_ENDED = "EXTERNAL_handoff_ended"


class Entity(StrEnum):
    """Entities in buttons' payloads and in external intents."""

    TOPIC = "topic"
    TERM = "term"
    MODULE = "module"
    SECTION = "section"
    CHOICE = "choice"
    APPOINTMENT_TYPE = "appointment_type"
    PROMPT = "prompt"
    PROMPT_SET = "prompt_set"
    REMINDER = "reminder"
    HANDOFF = "handoff"


class Slot(StrEnum):
    APPOINTMENT_TYPE = "appointment_type"
    APPOINTMENT_DATE = "appointment_date"
    NEW_QUESTION = "new_question"
    HANDOFF_MESSAGE = "handoff_message"
    REQUESTED = "requested_slot"


class Loop(StrEnum):
    HANDOFF = "handoff_form"
    QUESTION = "question_form"
    APPOINTMENT = "appointment_form"


class LessonStage(StrEnum):
    READING = "reading"
    TEACH_BACK = "teach_back"
    CLARITY = "clarity"
    STOPPED = "stopped"
    FINISHED = "finished"


# A lesson the patient can pick up again, and one under way now.
OPEN_STAGES = (LessonStage.READING, LessonStage.TEACH_BACK, LessonStage.CLARITY, LessonStage.STOPPED)
ACTIVE_STAGES = (LessonStage.READING, LessonStage.TEACH_BACK, LessonStage.CLARITY)


class TicketStatus(StrEnum):
    WAITING = "waiting"
    CLAIMED = "claimed"
    CLOSED = "closed"


OPEN_TICKET_STATUSES = (TicketStatus.WAITING, TicketStatus.CLAIMED)


class ReminderStatus(StrEnum):
    SCHEDULED = "scheduled"
    SENT = "sent"
    CANCELLED = "cancelled"
    MISSED = "missed"
    REPLACED = "replaced"


class DateStatus(StrEnum):
    """How a patient's words for a visit's day were read (bot/appointments/dates.py)."""

    OK = "ok"
    SKIP = "skip"
    PAST = "past"
    TOO_FAR = "too_far"
    VAGUE = "vague"
    NONE = "none"


class Awaiting(StrEnum):
    """What the assistant just asked, so a short answer ("yes", "no", "done", "stop") is read against it.

    The conversation core stores it when it asks (bot/conversation/core.py) and routes short answers on it.
    """

    LESSON_PART = "lesson_part"
    BACK_TO_LESSON = "back_to_lesson"
    CHECKLIST_ITEM = "checklist_item"
    REMINDER_OFFER = "reminder_offer"
    ADD_MEDICAL_QUESTION = "add_medical_question"
    CLEAR_LIST = "clear_list"
    FORGET_DATA = "forget_data"


class Answer(StrEnum):
    """A short answer, typed or from a button's ``choice``."""

    YES = "yes"
    NO = "no"
    STOP = "stop"
    DONE = "done"
    LATER = "later"
    REMIND = "remind"
    NO_REMINDER = "no_reminder"
    KEEP_LIST = "keep_list"
    CLEAR_LIST = "clear_list"
    FORGET_DATA = "forget_data"
    KEEP_DATA = "keep_data"
