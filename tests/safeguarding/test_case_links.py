"""One case, navigable from any of its parts (issue 13, item 4): the "This case" panel on the
SIN, the rapid review, the Panel's decision, the letter pages and the LCSPR links every part
the reader may open, and no other; another authority's user gets 404 on every part; the inbox
message about a new SIN takes a partnership lead to the rapid review they must write."""

import re
from datetime import date
from types import SimpleNamespace

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from notifications import services as notification_services
from panel.models import ResponseLetter
from safeguarding.codes import Role
from safeguarding.models import InboxMessage, LocalAuthority

from ..lcsprs.factories import LcsprFactory
from ..notifications.factories import CompleteDraftFactory
from ..panel.factories import PanelDecisionFactory, PanelReviewFactory
from ..rapidreviews.factories import DraftingReviewFactory, pdf_bytes

pytestmark = pytest.mark.django_db

NATIONAL = (Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT, Role.ADMINISTRATOR)
ROLES = (Role.LA_USER, Role.PARTNERSHIP_LEAD, *NATIONAL)
# In the conversation between the Panel and the partnership (panel.conversations).
CONVERSATION_ROLES = (Role.PARTNERSHIP_LEAD, Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT)
# Who the review is allocated to (panel.allocations): the Panel, and administrators read it.
ALLOCATION_ROLES = (Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT, Role.ADMINISTRATOR)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def sent_letter(decision) -> ResponseLetter:
    now = timezone.now()
    letter = ResponseLetter(
        review=decision.review,
        decision=decision,
        version=1,
        status=ResponseLetter.Status.SENT,
        body="Synthetic letter.",
        pdf_name="letter.pdf",
        sha256="0" * 64,
        page_count=1,
        created_by=decision.decided_by,
        send_requested_by=decision.decided_by,
        send_requested_at=now,
        rendered_at=now,
        sent_at=now,
    )
    letter.pdf.save("letter.pdf", ContentFile(pdf_bytes()), save=False)
    letter.save()
    return letter


@pytest.fixture
def case(db):
    """A whole case: SIN, submitted review, the Panel's decision, a sent letter, an LCSPR."""
    review = PanelReviewFactory(answers={"lcspr_decision": "lcspr"})
    decision = PanelDecisionFactory(review=review)
    return SimpleNamespace(
        notification=review.notification,
        review=review,
        decision=decision,
        letter=sent_letter(decision),
        lcspr=LcsprFactory(rapid_review=review),
    )


def reader(make_user, role: Role, local_authority: LocalAuthority):
    if role == Role.LA_USER:
        return make_user(role, local_authority=local_authority)
    if role == Role.PARTNERSHIP_LEAD:
        return make_user(role, partnership=local_authority.partnership)
    return make_user(role)


def urls(case) -> dict[str, str]:
    return {
        "notification": reverse("notifications:notification-detail", args=[case.notification.pk]),
        "review": reverse("rapidreviews:review-detail", args=[case.review.pk]),
        "decision": reverse("panel:decision", args=[case.review.pk]),
        "letter_pdf": reverse("panel:letter-download", args=[case.letter.pk]),
        "lcspr": reverse("lcsprs:lcspr-detail", args=[case.lcspr.pk]),
        # Issue 17: the whole case file, asked for from any part.
        "case_file": reverse("notifications:case-file", args=[case.notification.pk]),
    }


def case_links(client, url: str) -> tuple[set[str], str]:
    """The links in the page's "This case" panel, and the part shown as the current page."""
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    panel = re.search(r'<nav [^>]*aria-labelledby="case-links-heading">(.*?)</nav>', html, re.S)
    assert panel, f"no 'This case' panel on {url}"
    current = re.search(r'<span aria-current="page">([^<]*)</span>', panel.group(1))
    return set(re.findall(r'href="([^"]+)"', panel.group(1))), current.group(1) if current else ""


PAGES = ["notification", "review", "decision", "lcspr"]
CURRENT_LABEL = {"review": "Rapid review", "decision": "Panel decision", "lcspr": "LCSPR"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_every_part_links_to_every_other_part_the_reader_may_open(
    client, make_user, leeds, case, role, page
):
    client.force_login(reader(make_user, role, leeds))
    targets = urls(case)
    if role in CONVERSATION_ROLES:
        # The messages with the partnership, on the review and on the LCSPR (issue 17).
        targets["messages"] = reverse("panel:review-messages", args=[case.review.pk])
        targets["lcspr_messages"] = reverse("panel:lcspr-messages", args=[case.lcspr.pk])
    if role in ALLOCATION_ROLES:
        targets["allocation"] = reverse("panel:allocation", args=[case.review.pk])
    if role in (Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT):
        # Proposing the case for a national review (issue 18).
        targets["national_review_propose"] = reverse(
            "panel:national-review-propose", args=[case.review.pk]
        )

    links, current = case_links(client, targets[page])

    assert links == set(targets.values()) - {targets[page]}
    sin_label = f"Incident notification {case.notification.reference}"
    assert current == CURRENT_LABEL.get(page, sin_label)
    for url in links:  # each link opens for this reader
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_a_draft_letter_is_linked_for_the_panel_only(client, make_user, leeds, role):
    decision = PanelDecisionFactory()
    review = decision.review
    ResponseLetter.objects.create(
        review=review, decision=decision, version=1, body="Draft.", created_by=decision.decided_by
    )
    client.force_login(reader(make_user, role, leeds))
    preview = reverse("panel:letter-preview", args=[review.pk])

    links, _ = case_links(client, reverse("rapidreviews:review-detail", args=[review.pk]))

    may_write = role in (Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT)
    assert (preview in links) is may_write
    assert client.get(preview).status_code == (200 if may_write else 403)
    assert not any("letter" in url for url in links - {preview})


@pytest.mark.parametrize("role", [Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT])
def test_the_letter_pages_link_to_the_review_and_the_decision(client, make_user, role):
    decision = PanelDecisionFactory()
    review = decision.review
    client.force_login(make_user(role))

    links, current = case_links(client, reverse("panel:letter-draft", args=[review.pk]))

    assert reverse("rapidreviews:review-detail", args=[review.pk]) in links
    assert reverse("panel:decision", args=[review.pk]) in links
    assert reverse("notifications:notification-detail", args=[review.notification.pk]) in links
    assert current == "Response letter"


@pytest.mark.parametrize("role", ROLES)
def test_a_review_not_yet_submitted_links_no_decision_and_no_lcspr(client, make_user, leeds, role):
    review = DraftingReviewFactory()
    client.force_login(reader(make_user, role, leeds))

    links, current = case_links(
        client, reverse("notifications:notification-detail", args=[review.notification.pk])
    )

    assert links == {
        reverse("rapidreviews:review-detail", args=[review.pk]),
        reverse("notifications:case-file", args=[review.notification.pk]),
    }
    assert current.startswith("Incident notification SIN-")


@pytest.mark.parametrize("role", [Role.LA_USER, Role.PARTNERSHIP_LEAD])
def test_another_authority_s_user_gets_404_on_every_part(client, make_user, case, role):
    client.force_login(reader(make_user, role, LocalAuthority.objects.get(name="Bristol")))
    for url in [
        *urls(case).values(),
        reverse("panel:letter-draft", args=[case.review.pk]),
        reverse("panel:letter-preview", args=[case.review.pk]),
    ]:
        assert client.get(url).status_code == 404, url


@time_machine.travel(date(2024, 6, 10), tick=False)
def test_the_new_sin_message_takes_the_lead_to_the_review_to_write(client, make_user, leeds):
    lead = make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership)
    secretariat = make_user(Role.PANEL_SECRETARIAT)
    draft = CompleteDraftFactory()
    notification = notification_services.notification_submit(
        notification=draft, by=draft.created_by, expected_version=draft.version
    )
    review_url = reverse("rapidreviews:review-detail", args=[notification.rapid_review.pk])
    sin_url = reverse("notifications:notification-detail", args=[notification.pk])

    message = InboxMessage.objects.get(recipient=lead)
    assert message.url == review_url
    assert "rapid review" in message.body.lower()
    assert InboxMessage.objects.get(recipient=secretariat).url == sin_url

    client.force_login(lead)
    response = client.post(reverse("inbox-open", args=[message.pk]), follow=True)
    assert response.redirect_chain[-1][0] == review_url
    assert "Rapid review" in response.content.decode()
