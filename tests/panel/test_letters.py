"""Response letters, with tasks run in-process (the real worker is in test_worker.py)."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from panel import services
from panel.models import ResponseLetter
from safeguarding.codes import Role
from safeguarding.models import LocalAuthority, OutboundEmail

from ..pdf import normalised, pdf_text
from .factories import CHILD_NAME, PanelDecisionFactory


@pytest.fixture
def decision(db):
    return PanelDecisionFactory()


@pytest.fixture
def lead(make_user, decision):
    return make_user(
        Role.PARTNERSHIP_LEAD, partnership=decision.review.partnership, email="lead@example.org"
    )


def _pdf_text(letter: ResponseLetter) -> str:
    with letter.pdf.open("rb") as handle:
        return pdf_text(handle.read())


def test_the_draft_starts_from_the_template_with_the_reference_not_the_name(
    client, make_user, decision
):
    client.force_login(make_user(Role.PANEL_SECRETARIAT))
    response = client.get(reverse("panel:letter-draft", args=[decision.review_id]))
    body = response.context["form"].initial["body"]
    child = decision.review.notification.child_in_focus
    assert decision.review.notification.reference in body
    assert child.child_reference in body
    assert "Did not agree" in body
    assert "Consideration of race, ethnicity and culture: Needs improvement" in body
    assert CHILD_NAME not in body


def test_draft_preview_send_renders_and_emails_the_pdf(
    client, make_user, decision, lead, django_capture_on_commit_callbacks
):
    review = decision.review
    review.partnership.email = "inbox@partnership.example.org"
    review.partnership.save()
    client.force_login(make_user(Role.PANEL_SECRETARIAT))
    response = client.post(
        reverse("panel:letter-draft", args=[review.pk]),
        {"body": "Dear partnership,\n\nEdited text <b>kept as text</b>."},
    )
    assert response.status_code == 302
    preview = client.get(reverse("panel:letter-preview", args=[review.pk])).content.decode()
    assert "Edited text &lt;b&gt;kept as text&lt;/b&gt;." in preview
    assert review.notification.reference in preview
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("panel:letter-send", args=[review.pk]))
    assert response.status_code == 302
    letter = ResponseLetter.objects.get(review=review)
    assert letter.status == ResponseLetter.Status.SENT
    assert letter.version == 1 and letter.attempts == 1
    assert letter.page_count >= 1 and len(letter.sha256) == 64
    text = _pdf_text(letter)
    assert "Did not agree" in text
    assert normalised(review.notification.reference) in text
    assert normalised(CHILD_NAME) not in text
    email = OutboundEmail.objects.get(dedupe_key=f"panel-response-letter-{letter.pk}")
    assert email.to == ["inbox@partnership.example.org", "lead@example.org"]
    assert email.attachments[0]["filename"] == letter.pdf_name
    # Running the task again does nothing.
    assert services.response_letter_render_and_send(letter_id=letter.pk) is False


def test_a_failed_render_is_recorded_and_a_retry_succeeds(
    client, make_user, decision, lead, monkeypatch, django_capture_on_commit_callbacks
):
    secretariat = make_user(Role.PANEL_SECRETARIAT)
    letter = services.response_letter_draft(review=decision.review, by=secretariat, body="Text")
    services.response_letter_send(letter=letter, by=secretariat)  # task queued, not run

    def broken(html):
        raise OSError("font cache unavailable")

    monkeypatch.setattr(services, "render_pdf", broken)
    with pytest.raises(OSError):
        services.response_letter_render_and_send(letter_id=letter.pk)
    letter.refresh_from_db()
    assert letter.status == ResponseLetter.Status.FAILED
    assert "font cache unavailable" in letter.error
    client.force_login(secretariat)
    page = client.get(reverse("panel:decision", args=[decision.review_id])).content.decode()
    assert "font cache unavailable" in page

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("panel:letter-retry", args=[letter.pk]))
    letter.refresh_from_db()
    assert letter.status == ResponseLetter.Status.SENT
    assert letter.attempts == 2 and letter.error == ""


def test_a_letter_with_no_one_to_send_to_fails_with_a_reason(make_user, decision):
    secretariat = make_user(Role.PANEL_SECRETARIAT)
    letter = services.response_letter_draft(review=decision.review, by=secretariat, body="Text")
    services.response_letter_send(letter=letter, by=secretariat)
    with pytest.raises(services.LetterUndeliverable):
        services.response_letter_render_and_send(letter_id=letter.pk)
    letter.refresh_from_db()
    assert letter.status == ResponseLetter.Status.FAILED
    assert "no partnership lead" in letter.error
    assert letter.pdf  # kept: the retry reuses it


@pytest.mark.parametrize("role", [Role.PARTNERSHIP_LEAD, Role.LA_USER, Role.ADMINISTRATOR])
def test_only_the_panel_writes_letters(client, make_user, decision, role):
    client.force_login(
        make_user(role, partnership=decision.review.partnership)
        if role == Role.PARTNERSHIP_LEAD
        else make_user(role)
    )
    response = client.post(reverse("panel:letter-draft", args=[decision.review_id]), {"body": "x"})
    assert response.status_code in {403, 404}
    assert not ResponseLetter.objects.exists()
    with pytest.raises(services.PanelError):
        services.response_letter_draft(
            review=decision.review, by=make_user(Role.ADMINISTRATOR), body="x"
        )


def test_a_second_letter_is_version_2_and_every_version_downloads(
    client, make_user, decision, lead, django_capture_on_commit_callbacks
):
    member = make_user(Role.PANEL_MEMBER)
    for text in ("First", "Second"):
        letter = services.response_letter_draft(review=decision.review, by=member, body=text)
        with django_capture_on_commit_callbacks(execute=True):
            services.response_letter_send(letter=letter, by=member)
    first, second = ResponseLetter.objects.order_by("version")
    assert (first.version, second.version) == (1, 2)
    client.force_login(lead)
    for letter in (first, second):
        response = client.get(reverse("panel:letter-download", args=[letter.pk]))
        assert response.status_code == 200
        data = b"".join(response.streaming_content)
        assert data.startswith(b"%PDF")
        assert len(PdfReader(io.BytesIO(data)).pages) == letter.page_count


def test_downloads_are_scoped_and_drafts_are_the_panels_own(
    client, make_user, decision, lead, django_capture_on_commit_callbacks
):
    member = make_user(Role.PANEL_MEMBER)
    letter = services.response_letter_draft(review=decision.review, by=member, body="Text")
    with django_capture_on_commit_callbacks(execute=True):
        services.response_letter_send(letter=letter, by=member)
    url = reverse("panel:letter-download", args=[letter.pk])
    other = LocalAuthority.objects.get(name="Bristol").partnership
    client.force_login(make_user(Role.PARTNERSHIP_LEAD, partnership=other))
    assert client.get(url).status_code == 404
    client.force_login(
        make_user(Role.LA_USER, local_authority=LocalAuthority.objects.get(name="Bristol"))
    )
    assert client.get(url).status_code == 404
    draft = services.response_letter_draft(review=decision.review, by=member, body="Next")
    client.force_login(lead)
    assert client.get(url).status_code == 200
    response = client.get(reverse("panel:decision", args=[decision.review_id]))
    assert response.context["letters"] == [letter]
    client.force_login(member)
    response = client.get(reverse("panel:decision", args=[decision.review_id]))
    assert response.context["letters"] == [draft, letter]
