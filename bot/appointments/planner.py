"""Getting ready for a visit, as plain functions: save it, walk its checklist, prompts, my questions, reminders.

Like the lesson `Tutor`, each method turns one patient move into `Say` replies (every fixed word lives in
`domain.yml`, where the plain-language check reads it) and keeps all state in the app database, so a
checklist, a question list or a reminder survives restarts and works on every channel.
"""

from __future__ import annotations

import datetime as dt

from bot.appointments.dates import say_date
from bot.appointments.visits import (
    COMPANION_DEFAULT,
    Item,
    checklist_items,
    find_checklist,
    prompt_sets_for,
    visit_name,
)
from bot.appointments.wording import move_target, question_text, same_question, which_question
from bot.content.models import Checklist, Library, PromptSet
from bot.conversation.replies import Say, content, payload
from bot.storage import visits as visit_store
from bot.storage.db import Database
from bot.storage.learning import latest_progress

TOP_ITEMS = 3  # checklist items a reminder repeats


def numbered(items: list[str]) -> str:
    return "\n".join(f"{i}. {text}" for i, text in enumerate(items, start=1))


class Planner:
    """One patient's visits and questions. ``patient`` is the pseudonym, never a channel id."""

    def __init__(self, library: Library, db: Database, patient: str, today: dt.date) -> None:
        self.library = library
        self.db = db
        self.patient = patient
        self.today = today

    # -- helpers -------------------------------------------------------------------------------------
    def _companion(self) -> str:
        clinic = self.library.clinic
        text = clinic.messages.get("companion", "") if clinic else ""
        return clinic.fill(text) if clinic and text else COMPANION_DEFAULT

    def _checklist(self, visit: visit_store.Visit) -> Checklist | None:
        return self.library.checklists.get(visit.checklist_id or "")

    def _items(self, visit: visit_store.Visit) -> list[Item]:
        checklist = self._checklist(visit)
        return checklist_items(checklist, self._companion()) if checklist else []

    def visit_words(self, visit: visit_store.Visit) -> str:
        """ "your blood test on Tuesday 3 March" / "your blood test" """
        name = visit_name(self.library, visit.appointment_type)
        return f"your {name} on {say_date(visit.day, self.today)}" if visit.day else f"your {name}"

    def type_buttons(self) -> tuple[dict[str, str], ...]:
        kinds = sorted({c.appointment_type for c in self.library.checklists.values()})
        return tuple(
            {
                "title": visit_name(self.library, k).capitalize(),
                "payload": payload("prepare_appointment", appointment_type=k),
            }
            for k in kinds
        )

    def checklist_for_words(self, text: str, appointment_type: str | None) -> Checklist | None:
        return find_checklist(self.library, text, appointment_type)

    # -- a new visit -----------------------------------------------------------------------------------
    def save(self, appointment_type: str, day: dt.date | None) -> tuple[visit_store.Visit, list[Say]]:
        checklist = find_checklist(self.library, "", appointment_type)
        visit = visit_store.save_appointment(
            self.db, self.patient, appointment_type, checklist.id if checklist else None, day
        )
        return visit, [Say("utter_appointment_saved", {"visit": self.visit_words(visit)})]

    # -- the checklist walk ----------------------------------------------------------------------------
    def _item(self, visit: visit_store.Visit, index: int) -> Say:
        items = self._items(visit)
        item = items[index]
        kind = {"bring": "utter_checklist_bring", "step": "utter_checklist_step", "company": "utter_checklist_company"}[
            item.kind
        ]
        return Say(kind, {"item": self._fill(item.text), "number": index + 1, "count": len(items)})

    def _fill(self, text: str) -> str:
        return self.library.clinic.fill(text) if self.library.clinic else text

    def start_checklist(self, visit: visit_store.Visit) -> list[Say]:
        items = self._items(visit)
        if not items:
            return [Say("utter_checklist_none", {"visit": self.visit_words(visit)})]
        checklist = self._checklist(visit)
        intro = [content(self._fill(checklist.intro))] if checklist and checklist.intro else []
        visit_store.set_step(self.db, visit.id, 0)
        return [Say("utter_checklist_start", {"count": len(items)}), *intro, self._item(visit, 0)]

    def _next_open(self, visit: visit_store.Visit, after: int) -> int | None:
        items = self._items(visit)
        for index in range(after, len(items)):
            if index not in visit.ticked:
                return index
        return None

    def _open_checklist(self) -> tuple[visit_store.Visit, list[Item]] | list[Say]:
        """The current visit and its items, or what to say when there is no visit or no checklist."""
        visit = visit_store.current_visit(self.db, self.patient, self.today)
        if visit is None:
            return self.no_visit()
        items = self._items(visit)
        if not items:
            return [Say("utter_checklist_none", {"visit": self.visit_words(visit)})]
        return visit, items

    def tick(self, done: bool) -> list[Say]:
        """The patient answered "Done" or "Not yet" to the item on screen."""
        found = self._open_checklist()
        if isinstance(found, list):
            return found
        visit, items = found
        index = min(visit.step, len(items) - 1)
        visit_store.tick(self.db, visit.id, index, items[index].text, done)
        visit = visit_store.get_visit(self.db, visit.id) or visit
        following = index + 1
        if following < len(items):
            visit_store.set_step(self.db, visit.id, following)
            return [Say("utter_ticked" if done else "utter_not_yet"), self._item(visit, following)]
        visit_store.set_step(self.db, visit.id, len(items))
        return [*([Say("utter_ticked")] if done else []), *self.summary(visit)]

    def summary(self, visit: visit_store.Visit) -> list[Say]:
        items = self._items(visit)
        left = [item.text for i, item in enumerate(items) if i not in visit.ticked]
        if not left:
            return [Say("utter_checklist_all_done", {"visit": self.visit_words(visit)})]
        return [
            Say(
                "utter_checklist_left",
                {"done": len(items) - len(left), "count": len(items), "left": numbered([self._fill(t) for t in left])},
            )
        ]

    def show_checklist(self) -> list[Say]:
        """Go back to the checklist: the first item not done yet, or the summary when all are done."""
        found = self._open_checklist()
        if isinstance(found, list):
            return found
        visit, items = found
        first_open = self._next_open(visit, 0)
        if first_open is None:
            return self.summary(visit)
        visit_store.set_step(self.db, visit.id, first_open)
        done = len(visit.ticked)
        return [
            Say("utter_checklist_back", {"visit": self.visit_words(visit), "done": done, "count": len(items)}),
            self._item(visit, first_open),
        ]

    def stop_checklist(self) -> list[Say]:
        return [Say("utter_checklist_stopped")]

    def no_visit(self) -> list[Say]:
        return [Say("utter_no_appointment")]

    # -- question prompts ----------------------------------------------------------------------------
    def _prompt_buttons(self, source: str, index: int) -> tuple[dict[str, str], ...]:
        return ({"title": "Add to my list", "payload": payload("add_question", prompt=f"{source}/{index}")},)

    def prompt_text(self, ref: str) -> tuple[str, str] | None:
        """The prompt a button named ("ask-me-3/0" or "checklist:blood-test/2"), with its source."""
        source, _, raw = ref.rpartition("/")
        if not raw.isdigit():
            return None
        index = int(raw)
        if source.startswith("checklist:"):
            checklist = self.library.checklists.get(source.removeprefix("checklist:"))
            texts = list(checklist.questions) if checklist else []
        else:
            prompt_set = self.library.prompt_sets.get(source)
            texts = list(prompt_set.prompts) if prompt_set else []
        return (texts[index], source) if 0 <= index < len(texts) else None

    def _sets(self) -> tuple[list[PromptSet], visit_store.Visit | None]:
        visit = visit_store.current_visit(self.db, self.patient, self.today)
        learned = latest_progress(self.db, self.patient, ("reading", "teach_back", "clarity", "finished", "stopped"))
        modules = [learned.module_id] if learned else []
        return prompt_sets_for(self.library, visit.appointment_type if visit else None, modules), visit

    def prompts(self, set_id: str | None = None) -> list[Say]:
        """One set of prompts, each with "Add to my list", then buttons for the other sets that fit."""
        sets, visit = self._sets()
        checklist = self._checklist(visit) if visit else None
        chosen_texts: list[str]
        if set_id and set_id.startswith("checklist:") and checklist and set_id == f"checklist:{checklist.id}":
            title, intro, chosen_texts, source = (
                f"Questions for {self.visit_words(visit)}" if visit else "",
                "",
                list(checklist.questions),
                set_id,
            )
        else:
            chosen = next((s for s in sets if s.id == set_id), None) or (sets[0] if sets else None)
            if chosen is None:
                return [Say("utter_question_prompts")]
            title, intro, chosen_texts, source = chosen.title, chosen.intro, list(chosen.prompts), chosen.id
        replies = [Say("utter_prompts_heading", {"title": title}), *([content(self._fill(intro))] if intro else [])]
        replies += [content(text, self._prompt_buttons(source, i)) for i, text in enumerate(chosen_texts)]
        others = [
            {"title": s.title, "payload": payload("question_prompts", prompt_set=s.id)} for s in sets if s.id != source
        ]
        if checklist and source != f"checklist:{checklist.id}" and checklist.questions:
            title = f"For your {visit_name(self.library, visit.appointment_type)}" if visit else checklist.title
            others.insert(
                0, {"title": title, "payload": payload("question_prompts", prompt_set=f"checklist:{checklist.id}")}
            )
        others.append({"title": "Show my questions", "payload": "/show_questions"})
        replies.append(Say("utter_prompts_more", buttons=tuple(others[:6])))
        return replies

    # -- my questions --------------------------------------------------------------------------------
    def add(self, said: str, prompt_ref: str | None = None) -> list[Say]:
        source: str | None = "own"
        if prompt_ref:
            found = self.prompt_text(prompt_ref)
            if found is None:
                return [Say("utter_ask_question_form_new_question")]
            text, source = found
        else:
            text = question_text(said)
            if not text:
                return [Say("utter_ask_question_form_new_question")]
        mine = visit_store.questions(self.db, self.patient)
        for index, existing in enumerate(mine):
            if same_question(existing, text):
                return [Say("utter_question_already", {"number": index + 1})]
        if len(mine) >= visit_store.MAX_QUESTIONS:
            return [Say("utter_question_list_full", {"count": len(mine)})]
        count = visit_store.add_question(self.db, self.patient, text, source)
        return [Say("utter_question_added", {"question": text, "count": count})]

    def show(self) -> list[Say]:
        mine = visit_store.questions(self.db, self.patient)
        if not mine:
            return [Say("utter_questions_empty")]
        return [Say("utter_questions_list", {"count": len(mine), "questions": numbered(mine)})]

    def _pick(self, intent: str, mine: list[str]) -> list[Say]:
        buttons = tuple(
            {"title": f"{i}. {text[:40]}", "payload": payload(intent, choice=str(i))}
            for i, text in enumerate(mine, start=1)
        )
        return [Say(f"utter_which_to_{intent.split('_')[0]}", {"questions": numbered(mine)}, buttons)]

    def remove(self, said: str, choice: str | None = None) -> list[Say]:
        mine = visit_store.questions(self.db, self.patient)
        if not mine:
            return [Say("utter_questions_empty")]
        index = which_question(choice or said, mine)
        if index is None:
            return self._pick("remove_question", mine)
        removed = visit_store.remove_question(self.db, self.patient, index)
        left = visit_store.questions(self.db, self.patient)
        replies = [Say("utter_question_removed", {"question": removed or ""})]
        return replies + (self.show() if left else [Say("utter_questions_now_empty")])

    def move(self, said: str, choice: str | None = None) -> list[Say]:
        mine = visit_store.questions(self.db, self.patient)
        if len(mine) < 2:
            return self.show()
        target: int | None
        if choice:  # a button: "put this one first"
            index, target = which_question(choice, mine), 0
        else:
            index = which_question(said, mine)
            target = move_target(said, index, len(mine)) if index is not None else None
        if index is None or target is None:
            return self._pick("move_question", mine)
        visit_store.move_question(self.db, self.patient, index, target)
        return [Say("utter_question_moved", {"number": target + 1}), *self.show()]

    def clear(self, confirmed: bool) -> list[Say]:
        mine = visit_store.questions(self.db, self.patient)
        if not mine:
            return [Say("utter_questions_empty")]
        if not confirmed:
            return [Say("utter_confirm_clear", {"count": len(mine)})]
        visit_store.clear_questions(self.db, self.patient)
        return [Say("utter_questions_cleared")]

    def print_link(self, base_url: str, hours: int) -> list[Say]:
        mine = visit_store.questions(self.db, self.patient)
        if not mine:
            return [Say("utter_questions_empty")]
        token = visit_store.make_print_link(self.db, self.patient, hours)
        days = max(1, round(hours / 24))
        return [
            Say("utter_questions_to_share", {"questions": numbered(mine)}),
            Say("utter_print_link", {"url": f"{base_url}/print/{token}", "days": days}),
        ]

    # -- reminders -------------------------------------------------------------------------------------
    def reminder_text(self, visit: visit_store.Visit) -> list[Say]:
        """What a reminder says: the visit, the first things not done yet, and the question list."""
        items = self._items(visit)
        left = [self._fill(item.text) for i, item in enumerate(items) if i not in visit.ticked][:TOP_ITEMS]
        mine = visit_store.questions(self.db, self.patient)
        replies = [Say("utter_reminder", {"visit": self.visit_words(visit)})]
        if left:
            replies.append(Say("utter_reminder_items", {"items": numbered(left)}))
        if mine:
            replies.append(Say("utter_reminder_questions", {"questions": numbered(mine)}))
        return replies
