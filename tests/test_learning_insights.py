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
    assert "Teach-back 2: 0 of 1 right (0%)" in text and "flurbo (2)" in text and "gout (1)" in text
    html = as_html_section(insights)
    assert "too many &lt;b&gt;big&lt;/b&gt; words" in html and "<b>big</b>" not in html
    assert "<td>flurbo (2)</td>" not in html and "<li>flurbo (2)</li>" in html


def test_the_insights_command_reads_the_assistants_database(library, tmp_path: Path, monkeypatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    state = tmp_path / "state"
    monkeypatch.setenv("PLAINHEALTH_STATE_DIR", str(state))
    assert main(["content", "insights"]) == 0
    assert "No lesson activity yet" in capsys.readouterr().out
    db = Database(f"sqlite:///{state / 'plainhealth.db'}")
    db.migrate()
    activity(library, db)
    db.dispose()
    assert main(["content", "insights"]) == 0
    assert "flurbo (2)" in capsys.readouterr().out
    report = tmp_path / "report.html"
    assert main(["content", "check", "--format", "html", "-o", str(report)]) == 0
    assert 'id="insights"' in report.read_text()
