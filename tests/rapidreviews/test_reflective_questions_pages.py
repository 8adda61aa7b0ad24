"""Reflective questions on the case's pages (issue 18, item 5): beside the narrative section of
the draft, on the rapid review's page and on the LCSPR's page when the case falls within a
spotlight theme; nothing when it does not, nothing inactive, nothing for people outside the
case's area; and one query for the questions whatever their number. Also the admin."""

from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapidreviews import codes as rr
from rapidreviews.models import ReflectiveQuestion
from rapidreviews.reflection import reflective_questions_for
from safeguarding.codes import Role

from ..lcsprs.factories import LcsprFactory
from .factories import DraftingReviewFactory, SubmittedReviewFactory

pytestmark = pytest.mark.django_db

HEADING = "Questions for the partnership to consider"
CHILD_MH = "Questions to consider: child mental health"
PARENT_MH = "Questions to consider: parental mental health of pre-school children"
EFH = "Questions to consider: extrafamilial harm"

# A 14-year-old with a diagnosed condition (child mental health) and none of the other themes;
# the factories' answers otherwise (a 9-year-old whose parent has a condition) match nothing.
CHILD_MH_CASE = {"age_years": 14, "mental_health": rr.MentalHealth.DIAGNOSED}
# Child mental health and extrafamilial harm.
TWO_THEMES = {"age_years": 16, "cce": "yes", "mental_health": "both"}


def section_url(review, key: str) -> str:
    return reverse("rapidreviews:review-section", args=[review.pk, key])


@pytest.fixture
def lead(make_user, leeds):
    return make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership)


def _page(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return unescape(response.content.decode())


def _first_question(theme: str, audience: str = rr.ReflectionAudience.PRACTITIONERS):
    return ReflectiveQuestion.objects.filter(theme=theme, audience=audience, active=True).first()


def test_the_seeded_questions_cover_every_theme_and_audience():
    for theme in rr.SpotlightTheme:
        for audience in rr.ReflectionAudience:
            assert ReflectiveQuestion.objects.filter(
                theme=theme, audience=audience, active=True
            ).count() in (3, 4), (theme, audience)


def test_the_narrative_section_of_a_matching_draft_shows_its_themes_questions(client, lead):
    review = DraftingReviewFactory(**CHILD_MH_CASE)
    html = _page(client, lead, section_url(review, "narrative"))
    question = _first_question(rr.SpotlightTheme.CHILD_MENTAL_HEALTH)
    assert HEADING in html
    assert CHILD_MH in html
    assert PARENT_MH not in html and EFH not in html
    assert question.text in html
    assert (
        f"From the Panel's annual report 2023 to 2024, paragraph {question.source_paragraph}"
        in html
    )
    for audience in ("For practitioners", "For managers", "For leaders"):
        assert audience in html


def test_other_sections_do_not_show_the_questions(client, lead):
    review = DraftingReviewFactory(**CHILD_MH_CASE)
    html = _page(client, lead, reverse("rapidreviews:review-section", args=[review.pk, "child"]))
    assert HEADING not in html


def test_a_draft_that_matches_no_theme_shows_nothing(client, lead):
    review = DraftingReviewFactory(age_years=9, mental_health=rr.MentalHealth.DIAGNOSED)
    html = _page(client, lead, section_url(review, "narrative"))
    assert HEADING not in html
    html = _page(client, lead, reverse("rapidreviews:review-detail", args=[review.pk]))
    assert HEADING not in html


def test_the_review_page_shows_each_matching_theme(client, lead):
    review = SubmittedReviewFactory(answers=TWO_THEMES)
    html = _page(client, lead, reverse("rapidreviews:review-detail", args=[review.pk]))
    assert CHILD_MH in html and EFH in html
    assert PARENT_MH not in html
    assert html.index(CHILD_MH) < html.index(EFH)  # the report's order


def test_the_review_page_for_a_pre_school_child_with_a_parent_with_a_condition(client, lead):
    review = SubmittedReviewFactory(answers={"age_years": 3, "parent_mental_health": "yes"})
    html = _page(client, lead, reverse("rapidreviews:review-detail", args=[review.pk]))
    assert PARENT_MH in html
    assert CHILD_MH not in html


def test_a_submitted_review_matching_nothing_shows_nothing(client, lead):
    review = SubmittedReviewFactory()  # a 9-year-old: no theme
    html = _page(client, lead, reverse("rapidreviews:review-detail", args=[review.pk]))
    assert HEADING not in html


def test_the_lcspr_page_shows_the_questions_for_a_matching_case_only(client, lead):
    matching = LcsprFactory(rapid_review__age_years=12, rapid_review__gang_youth_violence="yes")
    other = LcsprFactory(rapid_review__age_years=12, rapid_review__gang_youth_violence="no")
    html = _page(client, lead, reverse("lcsprs:lcspr-detail", args=[matching.pk]))
    assert EFH in html
    assert _first_question(rr.SpotlightTheme.EXTRAFAMILIAL_HARM).source_paragraph in html
    html = _page(client, lead, reverse("lcsprs:lcspr-detail", args=[other.pk]))
    assert HEADING not in html


def test_an_inactive_question_is_not_shown(client, lead):
    question = _first_question(rr.SpotlightTheme.CHILD_MENTAL_HEALTH)
    question.active = False
    question.save()
    review = SubmittedReviewFactory(answers=CHILD_MH_CASE)
    html = _page(client, lead, reverse("rapidreviews:review-detail", args=[review.pk]))
    assert CHILD_MH in html
    assert question.text not in html


def test_a_theme_whose_questions_are_all_inactive_is_not_shown(client, lead):
    ReflectiveQuestion.objects.filter(theme=rr.SpotlightTheme.CHILD_MENTAL_HEALTH).update(
        active=False
    )
    review = SubmittedReviewFactory(answers=CHILD_MH_CASE)
    html = _page(client, lead, reverse("rapidreviews:review-detail", args=[review.pk]))
    assert HEADING not in html


def test_another_authoritys_user_gets_404_on_every_page_that_shows_them(client, make_user, bristol):
    review = DraftingReviewFactory(**CHILD_MH_CASE)
    lcspr = LcsprFactory(**{f"rapid_review__{k}": v for k, v in CHILD_MH_CASE.items()})
    for user in (
        make_user(Role.PARTNERSHIP_LEAD, partnership=bristol.partnership),
        make_user(Role.LA_USER, local_authority=bristol),
    ):
        client.force_login(user)
        for url in (
            reverse("rapidreviews:review-section", args=[review.pk, "narrative"]),
            reverse("rapidreviews:review-detail", args=[review.pk]),
            reverse("lcsprs:lcspr-detail", args=[lcspr.pk]),
        ):
            response = client.get(url)
            assert response.status_code == 404, (user.role, url)
            assert HEADING not in response.content.decode()


def test_the_questions_are_read_in_one_query_whatever_their_number():
    review = SubmittedReviewFactory(answers=TWO_THEMES)
    with CaptureQueriesContext(connection) as context:
        groups = reflective_questions_for(review)
    assert len(context.captured_queries) == 1
    assert sum(len(part.questions) for group in groups for part in group.audiences) == (
        ReflectiveQuestion.objects.filter(
            theme__in=["child_mental_health", "extrafamilial_harm"], active=True
        ).count()
    )
    no_theme = SubmittedReviewFactory()
    with CaptureQueriesContext(connection) as context:
        assert reflective_questions_for(no_theme) == []
    assert context.captured_queries == []


def test_the_questions_are_grouped_by_audience_in_order():
    review = SubmittedReviewFactory(answers=CHILD_MH_CASE)
    ReflectiveQuestion.objects.create(
        theme=rr.SpotlightTheme.CHILD_MENTAL_HEALTH,
        audience=rr.ReflectionAudience.LEADERS,
        text="A question put first by its order?",
        source_paragraph="4.2",
        order=0,
    )
    [group] = reflective_questions_for(review)
    assert [part.audience for part in group.audiences] == ["practitioners", "managers", "leaders"]
    assert group.audiences[-1].questions[0].text == "A question put first by its order?"


def test_an_administrator_opens_filters_and_changes_a_question_in_the_admin(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    question = _first_question(rr.SpotlightTheme.EXTRAFAMILIAL_HARM)
    changelist = reverse("admin:rapidreviews_reflectivequestion_changelist")
    assert client.get(changelist).status_code == 200
    response = client.get(changelist, {"theme": "extrafamilial_harm", "audience": "leaders"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 3
    assert client.get(changelist, {"q": "exploitation"}).status_code == 200
    change = reverse("admin:rapidreviews_reflectivequestion_change", args=[question.pk])
    assert client.get(change).status_code == 200
    response = client.post(
        change,
        {
            "theme": question.theme,
            "audience": question.audience,
            "text": "Reworded by an administrator?",
            "source_paragraph": "6.27",
            "order": 1,
            "active": "on",
        },
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.text, question.source_paragraph) == ("Reworded by an administrator?", "6.27")


def test_the_admin_refuses_a_source_that_is_not_a_paragraph_number(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    response = client.post(
        reverse("admin:rapidreviews_reflectivequestion_add"),
        {
            "theme": "extrafamilial_harm",
            "audience": "leaders",
            "text": "A question?",
            "source_paragraph": "ch 6",
            "order": 1,
        },
    )
    assert response.status_code == 200
    assert "Enter the report's paragraph number, like 4.38" in unescape(response.content.decode())
    assert not ReflectiveQuestion.objects.filter(text="A question?").exists()


@pytest.mark.parametrize("role", [Role.PARTNERSHIP_LEAD, Role.PANEL_MEMBER])
def test_only_administrators_reach_the_questions_in_the_admin(client, make_user, leeds, role):
    extra = {"partnership": leeds.partnership} if role == Role.PARTNERSHIP_LEAD else {}
    client.force_login(make_user(role, **extra))
    url = reverse("admin:rapidreviews_reflectivequestion_changelist")
    assert client.get(url, follow=True).status_code == 403
