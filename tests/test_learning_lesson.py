from bot.content.models import Section, TeachBack
from bot.learning.lesson import PART_WORDS, Lesson, Place, choice_index, is_right, split_section

QUESTION = TeachBack(
    "Which inhaler helps in an attack?",
    ("The rescue one", "The daily one", "Neither"),
    "The rescue one",
    "Your rescue inhaler works fast.",
    1,
)


def test_no_part_is_a_wall_of_text(library) -> None:
    sizes = []
    for module in library.modules.values():
        lesson = Lesson(module)
        for parts in lesson.parts:
            sizes += [len(p.split()) for p in parts]
    assert max(sizes) <= PART_WORDS + 15
    assert min(sizes) >= 10


def test_a_long_section_is_cut_at_sentences_and_nothing_is_lost() -> None:
    sentence = "You can take a short walk each day to feel a bit better."
    section = Section("Moving", " ".join([sentence] * 9), 1)
    parts = split_section(section, limit=40)
    assert len(parts) >= 3 and all(len(p.split()) <= 40 for p in parts)
    assert " ".join(" ".join(parts).split()) == " ".join(section.text.split())


def test_walking_a_lesson_visits_every_part_once(library) -> None:
    lesson = Lesson(library.modules["asthma"])
    place: Place | None = Place(0, 0)
    seen = []
    while place is not None:
        seen.append(lesson.number(place))
        place = lesson.next(place)
    assert seen == list(range(1, lesson.total + 1))
    assert lesson.text(Place(0, 0)).startswith("**What is asthma?**")


def test_a_saved_place_beyond_a_shortened_module_moves_to_its_end(library) -> None:
    lesson = Lesson(library.modules["asthma"])
    assert lesson.number(Place(99, 99)) == lesson.total


def test_teach_back_answers_from_buttons_and_words() -> None:
    assert choice_index(QUESTION, "1") == 0
    assert choice_index(QUESTION, "the second one") == 1
    assert choice_index(QUESTION, "The daily one") == 1
    assert choice_index(QUESTION, "rescue") == 0
    assert choice_index(QUESTION, "7") is None and choice_index(QUESTION, "banana") is None
    assert is_right(QUESTION, 0) and not is_right(QUESTION, 1)


def test_at_most_two_teach_back_questions(library) -> None:
    lesson = Lesson(library.modules["asthma"])
    assert lesson.question(0) is not None and lesson.question(2) is None
