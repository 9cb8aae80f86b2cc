"""The educators' view of what patients did: built from real lesson activity in a real database."""

from pathlib import Path

import pytest

from bot.cli import main
from bot.learning.insights import as_html_section, as_text, gather
from bot.learning.tutor import Tutor
from bot.storage.db import Database
from bot.storage.feedback import save_feedback


def activity(library, db) -> None:
    """One patient finishes asthma (one right, one wrong), one stops in COPD, one asks for missing things."""
    done = Tutor(library, db, "a")
    done.start("asthma")
    while done.next()[0].response == "utter_lesson_part":
        pass
    done.choose("1")
    done.choose("2")
    done.choose("partly")
    quitter = Tutor(library, db, "b")
    quitter.start("copd")
    quitter.next()
    quitter.stop()
    save_feedback(db, "b", "too many <b>big</b> words", module_id="copd", section="Signs of COPD")
    curious = Tutor(library, db, "c")
    curious.define("what does flurbo mean")
    curious.define("what does flurbo mean")
    curious.start("tell me about gout")


def test_counts_per_module_and_the_gaps(library, db) -> None:
    activity(library, db)
    insights = gather(db, library)
    by_id = {m.module_id: m for m in insights.modules}
    asthma, copd = by_id["asthma"], by_id["copd"]
    assert (asthma.started, asthma.finished) == (1, 1)
    assert [(q.index, q.answered, q.correct) for q in asthma.questions] == [(0, 1, 1), (1, 1, 0)]
    assert asthma.clarity["partly"] == 1
    assert (copd.started, copd.finished) == (1, 0)
    assert sum(copd.stopped_at.values()) == 1
    assert copd.feedback == [("Signs of COPD", "too many <b>big</b> words")]
    assert insights.unmet_terms == [("flurbo", 2)] and insights.unmet_topics == [("gout", 1)]
    assert insights.modules[0].started == 1  # busiest first
    assert len(insights.modules) == len(library.modules)


def test_text_and_html_show_the_same_figures_and_escape_patients_words(library, db) -> None:
    activity(library, db)
    insights = gather(db, library)
    text = as_text(insights)
    assert "0 of 1 got question 2 right (0%)" in text
    assert "flurbo (asked 2 times)" in text and "gout (asked once)" in text
    html = as_html_section(insights)
    assert "too many &lt;b&gt;big&lt;/b&gt; words" in html and "<b>big</b>" not in html
    assert "<td>flurbo (asked 2 times)</td>" not in html and "<li>flurbo (asked 2 times)</li>" in html


def test_the_insights_command_reads_the_assistants_database(
    library, tmp_path: Path, monkeypatch, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "state"
    monkeypatch.setenv("PLAINHEALTH_STATE_DIR", str(state))
    assert main(["content", "insights"]) == 0
    assert "No lesson activity yet" in capsys.readouterr().out
    db = Database(f"sqlite:///{state / 'plainhealth.db'}")
    db.migrate()
    activity(library, db)
    db.dispose()
    assert main(["content", "insights"]) == 0
    assert "flurbo (asked 2 times)" in capsys.readouterr().out
    report = tmp_path / "report.html"
    assert main(["content", "check", "--format", "html", "-o", str(report)]) == 0
    assert 'id="insights"' in report.read_text()


@pytest.fixture
def insights(library, db):
    from bot.storage.learning import record_unmet

    activity(library, db)
    record_unmet(db, "term", "my doctor said i have hyperlipidemia what is that")
    record_unmet(db, "term", "what does my doctor mean by hyperlipidemia?")
    save_feedback(db, "b", "the list is long", module_id="copd", section="Common signs")
    return gather(db, library)


def test_the_report_has_a_heading_and_the_period_it_covers(insights) -> None:
    """Issue 22: no heading and no date range."""
    import datetime as dt

    today = dt.datetime.now(dt.UTC).date()
    assert insights.period == (today, today)
    text = as_text(insights)
    assert text.splitlines()[0] == "What patients did with the lessons"
    assert f"Period covered: {today.day} {today:%B %Y}" in text.splitlines()[1]
    html = as_html_section(insights)
    assert '<h2 id="insights">What patients did with the lessons</h2>' in html
    assert f"Period covered: {today.day} {today:%B %Y}" in html

    from bot.learning.insights import as_html_page

    page = as_html_page(insights)
    assert "<h1>What patients did with the lessons</h1>" in page and "<title>What patients did" in page


def test_teach_back_results_are_plain_sentences(insights) -> None:
    """Issue 22: shown as "1: 1/1; 2: 0/1"."""
    html = as_html_section(insights)
    assert "1 of 1 got question 1 right. 0 of 1 got question 2 right." in html
    assert "1: 1/1" not in html and "0/1" not in html
    assert "1 of 1 got question 1 right" in as_text(insights)


def test_words_patients_asked_about_are_the_words_alone(insights) -> None:
    """Issue 22: whole sentences were listed as words."""
    assert ("hyperlipidemia", 2) in insights.unmet_terms and ("flurbo", 2) in insights.unmet_terms
    assert not [t for t, _ in insights.unmet_terms if " " in t]
    html = as_html_section(insights)
    assert "<li>hyperlipidemia (asked 2 times)</li>" in html and "what is that" not in html


def test_each_item_names_the_file_to_edit(library, insights) -> None:
    """Issue 22: no link to the file to edit."""
    text = as_text(insights)
    assert "content/modules/asthma.md:" in text
    assert "add them to content/glossary.yml" in text and "add a lesson in content/modules/" in text
    html = as_html_section(insights)
    asthma = library.modules["asthma"]
    line = asthma.lines["teach_back[1].question"]
    link = (Path(library.content_dir).resolve().parent / asthma.path).as_uri()
    assert f'<a href="{link}"><code>content/modules/asthma.md:{line}</code></a>' in html
    # Feedback on a section points at that section's line.
    signs = next(s for s in library.modules["copd"].sections if s.title == "Common signs")
    assert f"<code>content/modules/copd.md:{signs.line}</code>" in html
    assert "<code>content/glossary.yml</code>" in html and "<code>content/modules/</code>" in html
