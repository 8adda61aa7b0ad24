"""Rapid review factories: one per status."""

import io
from datetime import date

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfWriter

from rapidreviews.models import PanelStage, RapidReview, RapidReviewExtension

from ..notifications.factories import SubmittedNotificationFactory


class RapidReviewFactory(factory.django.DjangoModelFactory):
    """A review opened by a submitted SIN, not started."""

    class Meta:
        model = RapidReview

    notification = factory.SubFactory(SubmittedNotificationFactory)
    partnership = factory.LazyAttribute(lambda o: o.notification.local_authority.partnership)
    clock_started_on = date(2024, 6, 10)
    due_date = date(2024, 7, 1)
    original_due_date = date(2024, 7, 1)
    status = RapidReview.Status.NOT_STARTED
    # What panel.services.panel_stage_refresh stores for a review without decisions or letters
    # (PanelDecisionFactory refreshes it after adding a decision).
    panel_stage = factory.LazyAttribute(
        lambda o: PanelStage.AWAITING if o.status == RapidReview.Status.SUBMITTED else ""
    )


COMPLETE_ANSWERS = {
    "incident_type": "serious_harm",
    "sex": "female",
    "age_years": 9,
    "ethnicity": "white_british",
    "gender_differs": "no",
    "lgbtq": "no",
    "disability": "no",
    "neurodivergent": "no",
    "young_carer": "no",
    "cause_of_harm": "neglect",
    "family_known_to_csc": "current",
    "child_in_need": "no",
    "child_protection_plan": "on_plan",
    "looked_after": "no",
    "care_order": "no",
    "education_status": "mainstream",
    "missing_education": "regular_absence",
    "send_support": "no",
    "ehc_plan": "no",
    "speech_language": "no",
    "camhs": "no",
    "youth_offending": "no",
    "mental_health": "none",
    "young_parent": "no",
    "parent_under_18": "no",
    "parent_care_leaver": "no",
    "parent_disability": "no",
    "parent_mental_health": "yes",
    "parent_substance_misuse": "alcohol",
    **dict.fromkeys(
        (
            "neglect",
            "housing_issues",
            "financial_hardship",
            "domestic_abuse",
            "intergenerational_abuse",
            "hidden_men",
            "gang_youth_violence",
            "cce",
            "victim_offender_overlap",
            "bullying",
            "online_harm",
            "repeat_missing",
            "physical_abuse",
            "emotional_abuse",
            "sexual_abuse",
            "child_on_child_abuse",
        ),
        "no",
    ),
    "summary_of_facts": "Synthetic facts.",
    "relevant_information": "Synthetic information.",
    "reflection": "Synthetic reflection.",
    "immediate_action": "Synthetic action.",
    "lcspr_decision": "no_lcspr",
    "lcspr_rationale": "Synthetic rationale.",
}


def pdf_bytes(pages: int = 1) -> bytes:
    """A small valid PDF with blank A4 pages."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


class DraftingReviewFactory(RapidReviewFactory):
    status = RapidReview.Status.DRAFTING


class CompleteReviewFactory(DraftingReviewFactory):
    """Every question answered, every core theme recorded, the full review document (a
    one-page PDF) attached: ready to submit."""

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def answers(self, create, extracted, **kwargs):
        for field, value in {**COMPLETE_ANSWERS, **(extracted or {})}.items():
            setattr(self, field, value)
        if create:
            # Written to MEDIA_ROOT, which tests/rapidreviews/conftest.py points at tmp_path.
            self.document.save("rapid-review.pdf", ContentFile(pdf_bytes()), save=False)
            self.document_name = "Rapid review.pdf"
            self.document_page_count = 1
            self.save()
            from rapidreviews.codes import CORE_THEMES

            for theme in CORE_THEMES:
                self.themes.create(theme=theme, present=True, good_practice=False)


class SubmittedReviewFactory(CompleteReviewFactory):
    status = RapidReview.Status.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)
    working_days_taken = 10
    submitted_on_time = True


class PendingExtensionFactory(factory.django.DjangoModelFactory):
    """A lead's request to move the review's due date (1 July 2024) to 15 July 2024."""

    class Meta:
        model = RapidReviewExtension

    review = factory.SubFactory(DraftingReviewFactory)
    requested_by = factory.SubFactory(
        "tests.factories.PartnershipLeadFactory",
        partnership=factory.SelfAttribute("..review.partnership"),
    )
    reason = "The police chronology arrives on 10 July."
    proposed_date = date(2024, 7, 15)


class ApprovedExtensionFactory(PendingExtensionFactory):
    status = RapidReviewExtension.Status.APPROVED
    decided_by = factory.SubFactory("tests.factories.PanelSecretariatFactory")
    decided_at = factory.LazyFunction(timezone.now)
    new_due_date = factory.SelfAttribute("proposed_date")


class DeclinedExtensionFactory(PendingExtensionFactory):
    status = RapidReviewExtension.Status.DECLINED
    decided_by = factory.SubFactory("tests.factories.PanelSecretariatFactory")
    decided_at = factory.LazyFunction(timezone.now)
    decision_reason = "The chronology is not needed for the rapid review."
