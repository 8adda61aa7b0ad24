"""The seeded reflective questions are in our own words (issue 18, item 5): none shares a run of
8 or more words with chapters 4 to 6 of the Panel's annual report 2023 to 2024, and none
contains one of the report's sentences whole. The questions are read from the database, as the
migration seeded them; the report's chapters from tests/rapidreviews/data."""

import re
from pathlib import Path

import pytest

from rapidreviews.models import ReflectiveQuestion

pytestmark = pytest.mark.django_db

REPORT = Path(__file__).parent / "data" / "annual_report_2023_24_chapters_4_to_6.txt"
RUN = 8  # words


def words(text: str) -> list[str]:
    """Lower-case words, apostrophes and punctuation dropped, so that "child's" and "childs",
    or a changed comma, do not hide a copied run."""
    text = text.lower().replace("’", "").replace("'", "")
    return re.findall(r"[a-z0-9]+", text)


def runs(tokens: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


@pytest.fixture(scope="module")
def report() -> str:
    return REPORT.read_text(encoding="utf-8")


def test_the_report_text_is_the_three_chapters_with_their_questions(report):
    # Guards the tests below against an empty or wrong file, which would make them pass.
    assert "4. Spotlight theme: Safeguarding children with mental health needs" in report
    assert "6. Spotlight theme: Extrafamilial harm" in report
    assert report.count("Reflective questions") >= 3
    assert len(words(report)) > 15_000


def test_no_seeded_question_shares_8_words_in_a_row_with_the_report(report):
    report_runs = runs(words(report), RUN)
    questions = list(ReflectiveQuestion.objects.all())
    assert len(questions) >= 27
    copied = {
        q.text: sorted(" ".join(run) for run in runs(words(q.text), RUN) & report_runs)
        for q in questions
    }
    assert {text: found for text, found in copied.items() if found} == {}


def test_no_seeded_question_contains_a_sentence_of_the_report(report):
    # Short sentences too ("Do you know how to refer to them?"), of 4 words or more.
    sentences = {
        " ".join(words(sentence))
        for sentence in re.split(r"(?<=[.?!])\s+|\n", report)
        if len(words(sentence)) >= 4
    }
    for question in ReflectiveQuestion.objects.all():
        text = f" {' '.join(words(question.text))} "
        assert not [s for s in sentences if f" {s} " in text], question.text


def test_the_check_would_catch_a_copied_question(report):
    copied = (
        "What interim support (local, regional or national) is available to children with "
        "mental health needs and their families while they are awaiting assessment?"
    )
    assert runs(words(copied), RUN) & runs(words(report), RUN)


def test_each_question_names_a_paragraph_of_its_themes_chapter(report):
    chapter = {"child_mental_health": "4", "parent_mental_health": "5", "extrafamilial_harm": "6"}
    for question in ReflectiveQuestion.objects.all():
        assert question.source_paragraph.split(".")[0] == chapter[question.theme], question.text
        # The paragraph exists in the report ("4.38 ..." at the start of a line).
        assert re.search(rf"^(- )?{re.escape(question.source_paragraph)} ", report, re.M), (
            question.source_paragraph
        )
