"""Synthetic demo rapid reviews for `seed_demo`: one in every state, some late, some with
extensions (pending, approved and declined). Every answer and narrative is invented."""

import io
from datetime import datetime, time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from pypdf import PdfWriter

from notifications.demo import DEMO_MARK
from safeguarding.models import User
from safeguarding.workingdays import add_working_days, working_days_between

from . import services
from .codes import CORE_THEMES, LearningTheme
from .models import RapidReview
from .sections import SECTIONS

DEMO_ANSWERS = {
    "sex": "male",
    "ethnicity": "white_british",
    "gender_differs": "no",
    "lgbtq": "not_recorded",
    "disability": "no",
    "neurodivergent": "not_recorded",
    "young_carer": "no",
    "family_known_to_csc": "previous",
    "child_in_need": "previous",
    "child_protection_plan": "no",
    "looked_after": "no",
    "care_order": "no",
    "send_support": "unknown",
    "ehc_plan": "no",
    "speech_language": "no",
    "camhs": "no",
    "youth_offending": "no",
    "mental_health": "none",
    "young_parent": "yes",
    "parent_under_18": "no",
    "parent_care_leaver": "no",
    "parent_disability": "no",
    "parent_mental_health": "yes",
    "parent_substance_misuse": "alcohol",
    "neglect": "yes",
    "housing_issues": "yes",
    "financial_hardship": "yes",
    "domestic_abuse": "yes",
    "intergenerational_abuse": "unknown",
    "hidden_men": "yes",
    "gang_youth_violence": "no",
    "cce": "no",
    "victim_offender_overlap": "no",
    "bullying": "no",
    "online_harm": "no",
    "repeat_missing": "no",
    "physical_abuse": "no",
    "emotional_abuse": "no",
    "sexual_abuse": "no",
    "child_on_child_abuse": "no",
    "summary_of_facts": "Demo: a synthetic summary of the facts.",
    "relevant_information": "Demo: synthetic relevant information from the partners.",
    "reflection": "Demo: a synthetic reflection on what the partners learned.",
    "immediate_action": "Demo: synthetic immediate safeguarding actions.",
    "lcspr_decision": "no_lcspr",
    "lcspr_rationale": "Demo: the learning is captured by the rapid review's action plan.",
}


def demo_pdf(pages: int = 12) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _fill(
    review: RapidReview, lead: User, *, sections: int | None = None, **overrides: str
) -> None:
    """Answer the first `sections` sections (all when None), as the lead would."""
    child = review.notification.child_in_focus
    answers = {
        **DEMO_ANSWERS,
        **overrides,
        "incident_type": review.notification.reason,
        "age_years": child.age_years if child else 0,
        "cause_of_death": "sudi_sudc",
        "cause_of_harm": "neglect",
        "education_status": "mainstream",
        "missing_education": "no",
        "neet": "no",
    }
    for section in SECTIONS[:sections]:
        review.refresh_from_db()
        if section.key == "themes":
            services.rapid_review_themes_save(
                review=review,
                by=lead,
                themes={
                    theme: (True, theme == LearningTheme.VOICE_OF_CHILD) for theme in CORE_THEMES
                },
                expected_version=None,
            )
        elif section.key == "document":
            services.rapid_review_document_upload(
                review=review,
                by=lead,
                uploaded_file=SimpleUploadedFile("Demo rapid review.pdf", demo_pdf()),
                expected_version=None,
            )
        else:
            services.rapid_review_section_save(
                review=review,
                by=lead,
                section_key=section.key,
                values={field: answers.get(field, "") for field in section.fields},
                expected_version=None,
            )


def _submit(review: RapidReview, lead: User, *, working_days_after_sin: int) -> None:
    services.rapid_review_submit(review=review, by=lead, accept_not_recorded=True)
    submitted_on = add_working_days(review.clock_started_on, working_days_after_sin)
    RapidReview.objects.filter(pk=review.pk).update(
        submitted_at=timezone.make_aware(datetime.combine(submitted_on, time(15, 0))),
        working_days_taken=working_days_between(review.clock_started_on, submitted_on),
        submitted_on_time=submitted_on <= review.due_date,
    )


def _review(key: str) -> RapidReview | None:
    return RapidReview.objects.filter(
        notification__summary__startswith=f"{DEMO_MARK} {key}:"
    ).first()


@transaction.atomic
def seed_demo_rapid_reviews() -> int:
    """Bring the demo SINs' rapid reviews to their demo states, once."""
    leeds = User.objects.get(username="partnership-lead")
    kent = User.objects.get(username="partnership-lead-kent")
    secretariat = User.objects.get(username="panel-secretariat")
    touched = 0
    plans = [
        # (demo SIN, its partnership's lead, what to do with its review)
        ("leeds-2", leeds, "drafting with a pending extension"),
        ("leeds-3", leeds, "drafting and overdue"),
        ("leeds-old", leeds, "submitted late after a declined extension"),
        ("kent-1", kent, "extended, then submitted on time"),
    ]  # the other demo SINs' reviews are left not started
    for key, lead, plan in plans:
        review = _review(key)
        if review is None or review.section_versions:
            continue
        if plan == "drafting with a pending extension":
            _fill(review, lead, sections=4)
            services.rapid_review_extension_request(
                review=review,
                by=lead,
                reason="Demo: the police chronology is not yet available.",
                proposed_date=add_working_days(review.due_date, 5),
            )
        elif plan == "drafting and overdue":
            _fill(review, lead, sections=7)
        elif plan == "submitted late after a declined extension":
            _fill(review, lead)
            extension = services.rapid_review_extension_request(
                review=review,
                by=lead,
                reason="Demo: key partners were on leave.",
                proposed_date=add_working_days(review.due_date, 10),
            )
            services.rapid_review_extension_decide(
                extension=extension,
                by=secretariat,
                approve=False,
                decision_reason="Demo: the review can be completed with the information held.",
            )
            _submit(review, lead, working_days_after_sin=18)
        elif plan == "extended, then submitted on time":
            _fill(
                review,
                lead,
                lcspr_decision="lcspr",
                lcspr_rationale="Demo: the review found learning for the wider system.",
                # A 14-year-old with a mental health condition: the review and its LCSPR
                # show the reflective questions on child mental health (rapidreviews.reflection).
                mental_health="undiagnosed",
                mental_health_linked="unclear",
            )
            extension = services.rapid_review_extension_request(
                review=review,
                by=lead,
                reason="Demo: the health chronology arrives next week.",
                proposed_date=add_working_days(review.due_date, 5),
            )
            services.rapid_review_extension_decide(
                extension=extension, by=secretariat, approve=True
            )
            review.refresh_from_db()
            services.rapid_review_submit(review=review, by=lead, accept_not_recorded=True)
        touched += 1
    return touched


def seed_demo() -> str:
    """This app's part of `manage.py seed_demo` (registered in its AppConfig.ready())."""
    return f"Demo rapid reviews brought to their states: {seed_demo_rapid_reviews()}."
