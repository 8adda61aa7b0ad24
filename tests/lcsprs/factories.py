"""LCSPR factories: one per status, each on a submitted rapid review of a Leeds SIN whose
partnership decided to hold an LCSPR."""

from datetime import timedelta

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lcsprs.models import Lcspr, LcsprFinalReport
from lcsprs.timescales import lcspr_due_date
from rapidreviews.models import RapidReview

from ..rapidreviews.factories import RapidReviewFactory


class LcsprFactory(factory.django.DjangoModelFactory):
    """Commissioned, due 6 months after its rapid review's submission."""

    class Meta:
        model = Lcspr

    rapid_review = factory.SubFactory(
        RapidReviewFactory,
        status=RapidReview.Status.SUBMITTED,
        submitted_at=factory.LazyFunction(timezone.now),
        working_days_taken=10,
        submitted_on_time=True,
        lcspr_decision="lcspr",
        lcspr_rationale="Synthetic rationale.",
    )
    partnership = factory.LazyAttribute(lambda o: o.rapid_review.partnership)
    clock_started_on = factory.LazyAttribute(
        lambda o: timezone.localdate(o.rapid_review.submitted_at)
    )
    due_date = factory.LazyAttribute(lambda o: lcspr_due_date(o.clock_started_on))
    opened_at = factory.LazyFunction(timezone.now)
    opened_by = factory.SubFactory(
        "tests.factories.PartnershipLeadFactory",
        partnership=factory.SelfAttribute("..partnership"),
    )
    opened_reason = "Synthetic reason."


class InProgressLcsprFactory(LcsprFactory):
    status = Lcspr.Status.IN_PROGRESS
    started_at = factory.LazyFunction(timezone.now)
    started_by = factory.SelfAttribute("opened_by")


class FinalReportSentLcsprFactory(InProgressLcsprFactory):
    status = Lcspr.Status.FINAL_REPORT_SENT
    final_report_received_on = factory.LazyFunction(
        lambda: timezone.localdate() - timedelta(days=10)
    )
    final_report_recorded_by = factory.SelfAttribute("opened_by")


class PublishedLcsprFactory(FinalReportSentLcsprFactory):
    status = Lcspr.Status.PUBLISHED
    actual_publication_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1))
    published_url = "https://www.example.gov.uk/lcspr/synthetic"
    published_recorded_by = factory.SelfAttribute("opened_by")


FACTORY_FOR_STATUS = {
    Lcspr.Status.COMMISSIONED: LcsprFactory,
    Lcspr.Status.IN_PROGRESS: InProgressLcsprFactory,
    Lcspr.Status.FINAL_REPORT_SENT: FinalReportSentLcsprFactory,
    Lcspr.Status.PUBLISHED: PublishedLcsprFactory,
}


def final_report_upload(
    lcspr: Lcspr | None = None, *, data: bytes | None = None, name: str = "final-report.pdf"
) -> LcsprFinalReport:
    """The partnership's lead uploads a final report (a one-page PDF unless `data` is given)
    through the service, on an LCSPR in progress unless one is given."""
    from lcsprs import services

    from ..factories import PartnershipLeadFactory
    from ..rapidreviews.factories import pdf_bytes

    lcspr = lcspr or InProgressLcsprFactory()
    lead = PartnershipLeadFactory(partnership=lcspr.partnership)
    return services.lcspr_final_report_upload(
        lcspr=lcspr,
        by=lead,
        uploaded_file=SimpleUploadedFile(name, pdf_bytes() if data is None else data),
        reason="A corrected version." if lcspr.has_final_report else "",
        expected_version=None,
    )


def feedback_answers(**overrides):
    """The Panel's structured feedback, every answer given (considered today)."""
    from lcsprs.services import FeedbackAnswers

    values = {
        "quality": {
            "feedback_analysis_quality": "good",
            "feedback_lived_experience": "adequate",
            "feedback_race_ethnicity_culture": "needs_improvement",
            "recommendations_smart": "partly",
            "child_voice_heard": "yes",
        },
        "themes": ["curiosity", "escalation"],
        "considered_on": timezone.localdate(),
        "feedback": "Synthetic feedback: a clear chronology.",
    }
    return FeedbackAnswers(**{**values, **overrides})
