"""The lesson conversation, step by step, against the shipped library and a real SQLite database."""

from dataclasses import replace

from bot.content.models import Library
from bot.learning.lesson import Lesson, Place
from bot.learning.tutor import Tutor
from bot.storage.feedback import feedback_for
from bot.storage.learning import answers_for, get_progress, save_progress, unmet_requests


def names(replies) -> list[str]:
    return [r.response or "text" for r in replies]


def test_start_reads_part_one_with_the_lesson_buttons(library, db) -> None:
    tutor = Tutor(library, db, "p1")
    replies = tutor.start("tell me about asthma")
    assert names(replies) == ["utter_lesson_start", "utter_lesson_part"]
    part = replies[1].values
    assert part["part"] == 1 and part["parts"] == Lesson(library.modules["asthma"]).total
    assert part["lesson_text"].startswith("**What is asthma?**")
    assert get_progress(db, "p1", "asthma").stage == "reading"


def test_a_whole_lesson_with_teach_back_and_clarity(library, db) -> None:
    tutor = Tutor(library, db, "p2")
    tutor.start("asthma")
    total = Lesson(library.modules["asthma"]).total
    for number in range(2, total + 1):
        [part] = tutor.next()
        assert part.values["part"] == number
        assert "{emergency_number}" not in part.values["lesson_text"]
    intro, question = tutor.next()
    assert intro.response == "utter_lesson_teach_back_intro"
    assert question.text == "Which inhaler do you use in an asthma attack?"
    assert [b["payload"] for b in question.buttons] == ['/choose{"choice": "1"}', '/choose{"choice": "2"}']
    right = tutor.choose("1")
    assert names(right)[:2] == ["utter_teach_back_right", "text"] and right[2].text.startswith("Your rescue")
    wrong = tutor.choose("2")  # "Wait and see": wrong, gently
    assert wrong[0].response == "utter_teach_back_wrong"
    assert wrong[0].values["answer"] == "Call for help right away"
    assert "911" in wrong[1].text  # the clinic's number, filled in
    assert names(wrong)[2:] == ["utter_lesson_done", "utter_ask_clarity"]
    assert [(a.question_index, a.correct) for a in answers_for(db, "p2")] == [(0, True), (1, False)]
    done = tutor.choose("unclear")
    assert names(done) == ["utter_clarity_sorry", "utter_after_lesson"]
    assert [(f.module_id, f.rating) for f in feedback_for(db, "p2")] == [("asthma", "unclear")]
    assert get_progress(db, "p2", "asthma").stage == "finished"


def test_a_typed_answer_that_fits_no_choice_asks_again(library, db) -> None:
    tutor = Tutor(library, db, "p3")
    tutor.start("asthma")
    while tutor.next()[0].response == "utter_lesson_part":
        pass
    replies = tutor.choose("banana")
    assert names(replies) == ["utter_teach_back_pick", "text"]
    assert answers_for(db, "p3") == []


def test_stop_then_continue_later_picks_up_the_same_part(library, db) -> None:
    Tutor(library, db, "p4").start("copd")
    Tutor(library, db, "p4").next()
    stopped = Tutor(library, db, "p4").stop()
    assert stopped[0].response == "utter_lesson_stopped" and stopped[0].values["part"] == 2
    assert Tutor(library, db, "p4").next()[0].response == "utter_lesson_none"  # nothing active
    back = Tutor(library, db, "p4").resume()
    assert names(back) == ["utter_lesson_welcome_back", "utter_lesson_part"]
    assert back[1].values["part"] == 2
    # Asking for the same topic again also picks up where they were.
    again = Tutor(library, db, "p4").start("tell me about copd")
    assert again[0].response == "utter_lesson_welcome_back" and again[1].values["part"] == 2


def without_plainer_versions(library: Library, module_id: str) -> Library:
    """A copy of the library whose module ``module_id`` has no `### Simpler` in any section."""
    module = library.modules[module_id]
    sections = tuple(replace(section, simpler="", simpler_line=0) for section in module.sections)
    modules = {**library.modules, module_id: replace(module, sections=sections)}
    return Library(library.content_dir, modules, glossary=library.glossary, clinic=library.clinic)


def test_say_it_simpler_gives_the_key_points_when_the_section_has_no_plainer_version(library, db) -> None:
    tutor = Tutor(without_plainer_versions(library, "asthma"), db, "p5")
    tutor.start("asthma")
    [simpler] = tutor.simpler()
    assert simpler.response == "utter_lesson_simpler"
    assert simpler.values["key_points"].count("\n- ") == len(library.modules["asthma"].key_points) - 1


def test_say_it_simpler_shows_the_plainer_version_of_the_section_being_read(library, db) -> None:
    module = library.modules["asthma"]
    tutor = Tutor(library, db, "p5b")
    [_, part] = tutor.start("asthma")
    seen = []
    while part.response == "utter_lesson_part":
        section = module.sections[get_progress(db, "p5b", "asthma").section]
        [simpler] = tutor.simpler()
        assert simpler.response == "utter_lesson_simpler_part"
        assert simpler.values["module_title"] == "Asthma"
        # Which part: the section's title in bold, as on the part itself; then the section's own plainer words.
        assert simpler.values["lesson_text"] == f"**{section.title}**\n{library.profile.fill(section.simpler)}"
        assert section.simpler and section.simpler not in part.values["lesson_text"]
        seen.append(section.title)
        part = tutor.next()[0]  # "say it simpler" did not move the patient on
    assert list(dict.fromkeys(seen)) == [s.title for s in module.sections]


def test_the_plainer_version_is_filled_with_the_clinics_numbers(library, db) -> None:
    module = library.modules["asthma"]
    last = len(module.sections) - 1
    assert "{emergency_number}" in module.sections[last].simpler
    tutor = Tutor(library, db, "p5c")
    tutor.start("asthma")
    save_progress(db, "p5c", "asthma", last, 0)
    [simpler] = tutor.simpler()
    assert simpler.values["lesson_text"].startswith(f"**{module.sections[last].title}**\n")
    assert "{emergency_number}" not in simpler.values["lesson_text"] and "911" in simpler.values["lesson_text"]


def test_plainer_versions_are_never_part_of_the_lesson_text(library) -> None:
    for module in library.modules.values():
        lesson = Lesson(module)
        places = [Place(i, j) for i, section in enumerate(lesson.parts) for j in range(len(section))]
        parts = "\n".join(lesson.text(place) for place in places)
        assert "###" not in parts and "Simpler" not in parts, module.id
        if module.id == "asthma":
            assert all(section.simpler and section.simpler not in parts for section in module.sections)


def test_say_it_simpler_after_the_reading_gives_the_key_points(library, db) -> None:
    tutor = Tutor(library, db, "p5d")
    tutor.start("asthma")
    while tutor.next()[0].response == "utter_lesson_part":
        pass  # now in teach-back: no section is being read
    [simpler] = tutor.simpler()
    assert simpler.response == "utter_lesson_simpler"


def test_a_word_in_the_middle_of_a_lesson_then_back(library, db) -> None:
    tutor = Tutor(library, db, "p6")
    tutor.start("asthma")
    tutor.next()
    replies = tutor.define("what does chronic mean")
    assert names(replies) == ["utter_term_definition", "utter_back_to_lesson"]
    assert replies[0].values["term"] == "chronic"
    back = tutor.resume()
    assert back[0].response == "utter_lesson_part" and back[0].values["part"] == 2


def test_the_word_button_lists_words_from_this_part(library, db) -> None:
    tutor = Tutor(library, db, "p7")
    tutor.start("asthma")
    replies = tutor.define("/define_term")
    assert names(replies) == ["utter_term_ask", "utter_term_words_here"]
    assert "mucus" in [b["title"] for b in replies[1].buttons]


def test_unknown_word_and_topic_are_logged_without_the_patient(library, db) -> None:
    tutor = Tutor(library, db, "p8")
    assert names(tutor.define("what does flurbo mean")) == ["utter_term_unknown"]
    assert names(tutor.start("i want to learn about gout")) == ["utter_topic_unknown", "utter_topic_list"]
    rows = [(r.kind, r.text) for r in unmet_requests(db)]
    assert rows == [("term", "flurbo"), ("topic", "gout")]


def test_two_fitting_modules_are_offered_as_buttons(library, db) -> None:
    [pick] = Tutor(library, db, "p9").start("tell me about my heart")
    assert pick.response == "utter_topic_pick"
    assert {b["payload"] for b in pick.buttons} == {
        '/learn_topic{"module": "heart-failure"}',
        '/learn_topic{"module": "heart-attack-warning-signs"}',
    }


def test_a_general_request_lists_every_topic(library, db) -> None:
    [listing] = Tutor(library, db, "p10").start("/learn_topic")
    assert listing.response == "utter_topic_list" and len(listing.buttons) == len(library.modules)
    assert unmet_requests(db) == []


def test_feedback_context_is_the_current_section(library, db) -> None:
    tutor = Tutor(library, db, "p11")
    assert tutor.context() == (None, None)
    tutor.start("asthma")
    tutor.next()
    assert tutor.context() == ("asthma", "Signs of asthma")


def test_some_of_it_is_not_answered_as_if_it_was_hard(library, db) -> None:
    """ "Some of it" got "I am sorry it was hard"."""
    tutor = Tutor(library, db, "p-partly")
    tutor.start("asthma")
    for _ in range(Lesson(library.modules["asthma"]).total + 1):
        tutor.next()
    tutor.choose("1")
    tutor.choose("1")
    assert names(tutor.choose("partly")) == ["utter_clarity_partly", "utter_after_lesson"]
