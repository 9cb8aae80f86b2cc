"""The visit conversation as plain functions: checklist walk, prompts, my questions, print, reminder text."""

import datetime as dt

import pytest

from bot.appointments.planner import Planner
from bot.storage import visits as store

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def planner(library, db) -> Planner:
    return Planner(library, db, "p1", TODAY)


def names(replies) -> list[str]:
    return [r.response or "text" for r in replies]


def test_saving_a_visit_then_walking_its_checklist(planner, library, db) -> None:
    visit, saved = planner.save("blood_test", dt.date(2026, 11, 27))
    assert saved[0].values["visit"] == "your blood test on Friday 27 November"
    first = planner.start_checklist(visit)
    checklist = library.checklists["blood-test"]
    count = len(checklist.bring) + len(checklist.steps) + 1
    assert names(first) == ["utter_checklist_start", "text", "utter_checklist_bring"]
    assert first[-1].values == {"item": checklist.bring[0], "number": 1, "count": count}
    assert names(planner.tick(True)) == ["utter_ticked", "utter_checklist_bring"]
    assert names(planner.tick(False)) == ["utter_not_yet", "utter_checklist_bring"]
    # Coming back later starts at the first item not done yet.
    back = planner.show_checklist()
    assert names(back) == ["utter_checklist_back", "utter_checklist_bring"]
    assert back[1].values["number"] == 2 and back[0].values["done"] == 1
    for _ in range(count - 1):
        last = planner.tick(True)
    assert names(last) == ["utter_ticked", "utter_checklist_all_done"]
    assert store.current_visit(db, "p1", TODAY).ticked == frozenset(range(count))


def test_the_last_item_left_for_later_lists_what_is_left(planner, library) -> None:
    visit, _ = planner.save("telehealth", None)
    planner.start_checklist(visit)
    total = len(planner._items(visit))
    for _ in range(total - 1):
        planner.tick(True)
    left = planner.tick(False)
    assert names(left) == ["utter_checklist_left"]
    assert left[0].values["done"] == total - 1 and left[0].values["left"].startswith("1. ")


def test_the_companion_item_comes_from_the_clinic_profile(planner, library) -> None:
    visit, _ = planner.save("surgery", None)
    last = planner._items(visit)[-1]
    assert last.kind == "company" and "family member or friend" in last.text


def test_no_visit_yet(planner) -> None:
    assert names(planner.show_checklist()) == ["utter_no_appointment"]
    assert names(planner.tick(True)) == ["utter_no_appointment"]


def test_prompts_have_add_buttons_and_offer_the_sets_that_fit(planner) -> None:
    planner.save("blood_test", None)
    replies = planner.prompts()
    assert replies[0].values["title"] == "Ask Me 3"
    prompts = [r for r in replies if r.buttons and r.buttons[0]["title"] == "Add to my list"]
    assert [r.text for r in prompts] == [
        "What is my main problem?",
        "What do I need to do?",
        "Why is it important for me to do this?",
    ]
    assert prompts[0].buttons[0]["payload"] == '/add_question{"prompt": "ask-me-3/0"}'
    more = [b["title"] for b in replies[-1].buttons]
    assert more[0] == "For your blood test" and "Questions for a big choice" in more
    visit_set = planner.prompts("checklist:blood-test")
    assert any(r.text == "What is this test for?" for r in visit_set)


def test_adding_from_a_prompt_own_words_duplicates_and_a_full_list(planner) -> None:
    assert planner.add("", "ask-me-3/1")[0].values == {"question": "What do I need to do?", "count": 1}
    assert planner.add("add a question: can i still drive?")[0].values["count"] == 2
    assert names(planner.add("add a question: Can I still drive")) == ["utter_question_already"]
    assert names(planner.add("add a question")) == ["utter_ask_question_form_new_question"]
    assert names(planner.add("", "ask-me-3/99")) == ["utter_ask_question_form_new_question"]
    for n in range(8):
        planner.add(f"add a question: is question number {n} ok?")
    full = planner.add("add a question: one more please?")
    assert names(full) == ["utter_question_list_full"] and full[0].values["count"] == store.MAX_QUESTIONS


def test_show_remove_move_and_clear(planner, db) -> None:
    assert names(planner.show()) == ["utter_questions_empty"]
    for said in ("add: can i still drive", "add: will it hurt", "add: how long will i be off work"):
        planner.add(said)
    shown = planner.show()
    assert shown[0].values["questions"] == "1. Can I still drive?\n2. Will it hurt?\n3. How long will I be off work?"
    pick = planner.remove("remove a question")
    assert names(pick) == ["utter_which_to_remove"] and len(pick[0].buttons) == 3
    assert planner.remove("", choice="2")[0].values["question"] == "Will it hurt?"
    assert names(planner.move("move the last one to the top"))[0] == "utter_question_moved"
    assert store.questions(db, "p1") == ["How long will I be off work?", "Can I still drive?"]
    assert names(planner.clear(confirmed=False)) == ["utter_confirm_clear"]
    assert store.questions(db, "p1") != []
    assert names(planner.clear(confirmed=True)) == ["utter_questions_cleared"]
    assert store.questions(db, "p1") == []


def test_print_link_sends_the_list_as_one_message_and_a_private_link(planner, db) -> None:
    assert names(planner.print_link("http://x", 72)) == ["utter_questions_empty"]
    planner.add("add: will it hurt")
    share, link = planner.print_link("http://clinic.example", 72)
    assert share.values["questions"] == "1. Will it hurt?"
    url = link.values["url"]
    assert url.startswith("http://clinic.example/print/") and link.values["days"] == 3
    assert store.print_link_patient(db, url.rsplit("/", 1)[1])[0] == "p1"


def test_reminder_text_has_the_visit_top_items_and_questions(planner, library, db) -> None:
    visit, _ = planner.save("blood_test", dt.date(2026, 11, 27))
    planner.start_checklist(visit)
    planner.tick(True)
    planner.add("add: will it hurt")
    replies = planner.reminder_text(store.get_visit(db, visit.id))
    assert names(replies) == ["utter_reminder", "utter_reminder_items", "utter_reminder_questions"]
    items = replies[1].values["items"].splitlines()
    assert len(items) == 3 and library.checklists["blood-test"].bring[0] not in replies[1].values["items"]
    assert replies[2].values["questions"] == "1. Will it hurt?"
