"""The lesson conversation as plain functions: each patient move becomes the replies to send.

Replies are `Say` items naming a domain response (so every fixed word is in `domain.yml`, where the
plain-language check reads it) with the values to fill in and any buttons made from content. The Rasa actions
only turn tracker data into these calls and send what comes back. Progress lives in the database, so a lesson
survives a restart and can be picked up days later.
"""

from __future__ import annotations

from bot.content.models import Library, Module
from bot.contracts import ACTIVE_STAGES, OPEN_STAGES, LessonStage
from bot.conversation.replies import Say, content, payload
from bot.learning.finder import find_module
from bot.learning.lesson import Lesson, Place, choice_index, is_right
from bot.learning.terms import find_term, terms_in
from bot.storage.db import Database
from bot.storage.feedback import save_feedback
from bot.storage.learning import (
    Progress,
    get_progress,
    latest_progress,
    record_answer,
    record_unmet,
    save_progress,
)
from bot.text import words

CLARITY = ("clear", "partly", "unclear")
_GENERIC_WORDS = frozenset({"word", "words", "term", "terms", "medical", "this", "that", "thing"})


class Tutor:
    """One patient's lessons. ``patient`` is the pseudonym, never a channel id."""

    def __init__(self, library: Library, db: Database, patient: str) -> None:
        self.library = library
        self.db = db
        self.patient = patient

    # -- helpers -------------------------------------------------------------------------------------
    def _fill(self, text: str) -> str:
        return self.library.clinic.fill(text) if self.library.clinic else text

    def _module(self, progress: Progress | None) -> Module | None:
        return self.library.modules.get(progress.module_id) if progress else None

    def _topic_buttons(self) -> tuple[dict[str, str], ...]:
        modules = sorted(self.library.modules.values(), key=lambda m: m.title.lower())
        return tuple({"title": m.title, "payload": payload("learn_topic", module=m.id)} for m in modules)

    def _part(self, module: Module, place: Place) -> Say:
        lesson = Lesson(module)
        return Say(
            "utter_lesson_part",
            {
                "lesson_text": self._fill(lesson.text(place)),
                "part": lesson.number(place),
                "parts": lesson.total,
                "module_title": module.title,
            },
        )

    def _question(self, module: Module, index: int) -> list[Say]:
        question = Lesson(module).question(index)
        if question is None:
            return []
        buttons = tuple(
            {"title": choice, "payload": payload("choose", choice=str(i + 1))}
            for i, choice in enumerate(question.choices)
        )
        return [content(self._fill(question.question), buttons)]

    def _where(self, module: Module, progress: Progress) -> list[Say]:
        """Show the patient the step they are on: a part, a question, or the clarity check."""
        if progress.stage == LessonStage.TEACH_BACK and Lesson(module).question(progress.question):
            return self._question(module, progress.question)
        if progress.stage == LessonStage.CLARITY:
            return [Say("utter_ask_clarity")]
        place = Lesson(module).clamp(Place(progress.section, progress.part))
        if progress.stage != LessonStage.READING:
            save_progress(self.db, self.patient, module.id, place.section, place.part, LessonStage.READING)
        return [self._part(module, place)]

    def _no_lesson(self) -> list[Say]:
        return [Say("utter_lesson_none", buttons=self._topic_buttons())]

    # -- starting ------------------------------------------------------------------------------------
    def start(
        self, text: str = "", topic: str | None = None, module_id: str | None = None, section: str | None = None
    ) -> list[Say]:
        found = find_module(self.library, text if not text.startswith("/") else "", topic, module_id)
        if found.single and section is not None and section.isdigit():
            return self.begin_at(found.single, int(section))
        if found.single:
            return self.begin(found.single)
        if found.modules:
            buttons = tuple({"title": m.title, "payload": payload("learn_topic", module=m.id)} for m in found.modules)
            return [Say("utter_topic_pick", buttons=buttons)]
        if not found.asked_for:
            return [Say("utter_topic_list", buttons=self._topic_buttons())]
        record_unmet(self.db, "topic", found.asked_for)
        return [
            Say("utter_topic_unknown", {"asked": found.asked_for}),
            Say("utter_topic_list", buttons=self._topic_buttons()),
        ]

    def begin_at(self, module: Module, section: int) -> list[Say]:
        """ "Learn more" under an answer: the lesson from the section the answer came from."""
        lesson = Lesson(module)
        place = lesson.clamp(Place(section, 0))
        save_progress(self.db, self.patient, module.id, place.section, place.part, LessonStage.READING)
        return [self._part(module, place)]

    def begin(self, module: Module) -> list[Say]:
        """Start a module, or pick it up where the patient left it (a finished one starts again)."""
        lesson = Lesson(module)
        mine = get_progress(self.db, self.patient, module.id)
        under_way = (
            mine is not None
            and mine.stage in OPEN_STAGES
            and (mine.stage != LessonStage.READING or (mine.section, mine.part) != (0, 0))
        )
        if mine is not None and under_way:
            stage = LessonStage.READING if mine.stage == LessonStage.STOPPED else mine.stage
            mine = save_progress(self.db, self.patient, module.id, mine.section, mine.part, stage, mine.question)
            number = lesson.number(Place(mine.section, mine.part))
            return [
                Say("utter_lesson_welcome_back", {"module_title": module.title, "part": number, "parts": lesson.total}),
                *self._where(module, mine),
            ]
        save_progress(self.db, self.patient, module.id, 0, 0, LessonStage.READING, restart=True)
        return [
            Say("utter_lesson_start", {"module_title": module.title, "parts": lesson.total}),
            self._part(module, Place(0, 0)),
        ]

    # -- moving through a lesson ---------------------------------------------------------------------
    def next(self) -> list[Say]:
        progress = latest_progress(self.db, self.patient, ACTIVE_STAGES)
        module = self._module(progress)
        if progress is None or module is None:
            return self._no_lesson()
        if progress.stage != LessonStage.READING:
            return self._where(module, progress)
        lesson = Lesson(module)
        following = lesson.next(Place(progress.section, progress.part))
        if following is not None:
            save_progress(self.db, self.patient, module.id, following.section, following.part)
            return [self._part(module, following)]
        if lesson.question(0) is None:
            return self._finish(module, progress)
        save_progress(self.db, self.patient, module.id, progress.section, progress.part, LessonStage.TEACH_BACK, 0)
        return [Say("utter_lesson_teach_back_intro"), *self._question(module, 0)]

    def simpler(self) -> list[Say]:
        """Say it simpler: the educator's plainer version of the section the patient is reading, so the help is
        about the part in front of them; the module's key points when that section has none (or when the patient
        is past the reading, in teach-back or the clarity check)."""
        progress = latest_progress(self.db, self.patient, ACTIVE_STAGES)
        module = self._module(progress)
        if progress is None or module is None:
            return self._no_lesson()
        if progress.stage == LessonStage.READING and module.sections:
            place = Lesson(module).clamp(Place(progress.section, progress.part))
            section = module.sections[place.section]
            if section.simpler:
                # The title in bold, as on the part itself, says which part this is the plainer version of.
                text = self._fill(f"**{section.title}**\n{section.simpler}")
                return [Say("utter_lesson_simpler_part", {"module_title": module.title, "lesson_text": text})]
        points = "\n".join(f"- {self._fill(point)}" for point in module.key_points) or self._fill(module.summary)
        return [Say("utter_lesson_simpler", {"module_title": module.title, "key_points": points})]

    def stop(self) -> list[Say]:
        progress = latest_progress(self.db, self.patient, ACTIVE_STAGES)
        module = self._module(progress)
        if progress is None or module is None:
            return [Say("utter_anything_else")]
        save_progress(
            self.db, self.patient, module.id, progress.section, progress.part, LessonStage.STOPPED, progress.question
        )
        number = Lesson(module).number(Place(progress.section, progress.part))
        return [Say("utter_lesson_stopped", {"module_title": module.title, "part": number})]

    def resume(self) -> list[Say]:
        progress = latest_progress(self.db, self.patient, OPEN_STAGES)
        module = self._module(progress)
        if progress is None or module is None:
            return self._no_lesson()
        if progress.stage == LessonStage.STOPPED:
            return self.begin(module)
        return self._where(module, progress)

    # -- teach-back and clarity ----------------------------------------------------------------------
    def choose(self, said: str) -> list[Say]:
        """A button press or typed pick: a teach-back answer or a clarity rating, depending on the step."""
        progress = latest_progress(self.db, self.patient, ACTIVE_STAGES)
        module = self._module(progress)
        if progress is None or module is None:
            return [Say("utter_ask_rephrase")]
        if progress.stage == LessonStage.CLARITY:
            return self.rate(module, said)
        if progress.stage != LessonStage.TEACH_BACK:
            return self._where(module, progress)
        question = Lesson(module).question(progress.question)
        if question is None:
            return self._finish(module, progress)
        index = choice_index(question, said)
        if index is None:
            return [Say("utter_teach_back_pick"), *self._question(module, progress.question)]
        right = is_right(question, index)
        record_answer(
            self.db, self.patient, module.id, progress.question, question.question, question.choices[index], right
        )
        replies = [
            Say("utter_teach_back_right")
            if right
            else Say("utter_teach_back_wrong", {"answer": self._fill(question.answer)})
        ]
        replies.append(content(self._fill(question.explain)))
        following = progress.question + 1
        if Lesson(module).question(following) is not None:
            save_progress(
                self.db, self.patient, module.id, progress.section, progress.part, LessonStage.TEACH_BACK, following
            )
            return replies + self._question(module, following)
        return replies + self._finish(module, progress)

    def _finish(self, module: Module, progress: Progress) -> list[Say]:
        save_progress(self.db, self.patient, module.id, progress.section, progress.part, LessonStage.CLARITY)
        return [Say("utter_lesson_done", {"module_title": module.title}), Say("utter_ask_clarity")]

    def rate(self, module: Module, said: str) -> list[Say]:
        value = said.strip().lower()
        if value not in CLARITY:
            value = {"1": "clear", "2": "partly", "3": "unclear"}.get(value, "")
        if not value:
            return [Say("utter_ask_clarity")]
        progress = latest_progress(self.db, self.patient, ACTIVE_STAGES)
        save_feedback(self.db, patient=self.patient, text="", module_id=module.id, rating=value)
        if progress:
            save_progress(self.db, self.patient, module.id, progress.section, progress.part, LessonStage.FINISHED)
        # "Some of it" is not "it was hard": it gets its own answer.
        thanks = {"clear": "utter_clarity_thanks", "partly": "utter_clarity_partly"}.get(value, "utter_clarity_sorry")
        return [Say(thanks), Say("utter_after_lesson")]

    # -- words ---------------------------------------------------------------------------------------
    def define(self, text: str, term: str | None = None) -> list[Say]:
        progress = latest_progress(self.db, self.patient, (LessonStage.READING,))
        module = self._module(progress)
        asked_text = "" if text.startswith("/") else text
        if not term and not [w for w in words(asked_text) if w not in _GENERIC_WORDS]:
            replies = [Say("utter_term_ask")]
            if progress and module:
                lesson = Lesson(module)
                here = terms_in(self.library.glossary, lesson.text(Place(progress.section, progress.part)))
                if here:
                    buttons = tuple({"title": w, "payload": payload("define_term", term=w)} for w in here)
                    replies.append(Say("utter_term_words_here", buttons=buttons))
            return replies
        found, asked = find_term(self.library.glossary, asked_text, term)
        if found is None:
            record_unmet(self.db, "term", asked, module.id if module else None)
            replies = [Say("utter_term_unknown", {"asked": asked})]
        else:
            replies = [Say("utter_term_definition", {"term": found.term, "definition": self._fill(found.definition)})]
        if progress and module:
            replies.append(Say("utter_back_to_lesson", {"module_title": module.title}))
        return replies

    def context(self) -> tuple[str | None, str | None]:
        """The module and section the patient is on, so free-text feedback is filed in the right place."""
        progress = latest_progress(self.db, self.patient, OPEN_STAGES)
        module = self._module(progress)
        if progress is None or module is None:
            return None, None
        place = Lesson(module).clamp(Place(progress.section, progress.part))
        return module.id, Lesson(module).section_title(place)
