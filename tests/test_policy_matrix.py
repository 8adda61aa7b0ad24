"""The access policy's own table (`safeguarding.policy.ENDPOINTS`), walked for every role.

Every URL the service answers must be in the table, so a new page or endpoint without a
policy entry fails here. For each entry, every kind of user asks for it, with each verb, about
a real record of Leeds:

- a user who cannot see the record (another authority or partnership) gets 404;
- a user the entry's predicate refuses gets 403;
- a user it allows is neither refused nor lost (no 403, 404, 405, and never a 500);
- a signed-out user is sent to sign in (web) or gets 401/403 (API), unless the page is public;
- a verb the table does not list never lets a refused user in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.http import urlsafe_base64_encode

from analytics.services import statistics_compute
from notifications.models import LinkedCase, NotificationShare, PossibleDuplicate
from panel import services as panel_services
from safeguarding import account_requests, invitations, policy
from safeguarding.codes import Role
from safeguarding.models import AccountRequest, InboxMessage, LocalAuthority, PreparedDocument

from .factories import FACTORY_FOR_ROLE
from .lcsprs.factories import LcsprFactory, final_report_upload
from .notifications.factories import (
    DraftNotificationFactory,
    NotificationChildFactory,
    SubmittedNotificationFactory,
    attachment_add,
)
from .panel.factories import PanelDecisionFactory, PanelReviewFactory
from .rapidreviews.factories import CompleteReviewFactory, PendingExtensionFactory

ACTORS = (
    "la_own",
    "la_other",
    "lead_own",
    "lead_other",
    "panel_member",
    "panel_secretariat",
    "administrator",
    "dfe_viewer",
    "signed_out",
)
ALL_VERBS = ("GET", "POST", "PATCH", "PUT", "DELETE")
# Ignored: Django's admin has its own permission system (administrators only, tested in
# tests/safeguarding/test_admin.py).
IGNORED_NAMESPACES = {"admin"}


def _url_names() -> set[str]:
    names: set[str] = set()

    def walk(resolver: URLResolver, namespace: str | None) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in IGNORED_NAMESPACES:
                    continue
                inner = ":".join(n for n in (namespace, pattern.namespace) if n) or None
                walk(pattern, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver(), None)
    return names


def test_every_url_the_service_answers_is_in_the_policy_table():
    in_table = {endpoint.url_name for endpoint in policy.ENDPOINTS}
    missing = _url_names() - in_table
    assert not missing, f"URLs without an entry in safeguarding.policy.ENDPOINTS: {missing}"
    assert not in_table - _url_names(), "entries for URLs that no longer exist"


NATIONAL = {"panel_member", "panel_secretariat", "administrator"}
# Who can see a submitted Leeds case at all (its scope): Leeds, its partnership, the Panel.
LEEDS_SCOPE = {"la_own", "lead_own", *NATIONAL}
EVERYONE_SIGNED_IN = set(ACTORS) - {"signed_out"}
# Who is in a Leeds case's conversation (panel.conversations).
CONVERSATION = {"lead_own", "panel_member", "panel_secretariat"}


@dataclass
class World:
    """The users, and each kind of record a URL can point at, built when a test first asks
    for it (a letter's PDF and a year's figures take a while to make)."""

    users: dict[str, Any]
    builders: dict[str | None, Callable[[], tuple[dict, set[str]]]]
    built: dict[str | None, tuple[dict, set[str]]] = field(default_factory=dict)

    def case(self, kind: str | None) -> tuple[dict, set[str]]:
        """The URL's keyword arguments for a record of `kind`, and who can see it."""
        if kind not in self.built:
            self.built[kind] = self.builders[kind]()
        return self.built[kind]


@pytest.fixture
def world(db, django_capture_on_commit_callbacks, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"
    # Seven accounts a test: a fast hash for their (unused) passwords; they sign in by session.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    leeds = LocalAuthority.objects.get(name="Leeds")
    bristol = LocalAuthority.objects.get(name="Bristol")
    make = {role: FACTORY_FOR_ROLE[role] for role in Role}
    users = {
        "la_own": make[Role.LA_USER](local_authority=leeds),
        "la_other": make[Role.LA_USER](local_authority=bristol),
        "lead_own": make[Role.PARTNERSHIP_LEAD](partnership=leeds.partnership),
        "lead_other": make[Role.PARTNERSHIP_LEAD](partnership=bristol.partnership),
        "panel_member": make[Role.PANEL_MEMBER](),
        "panel_secretariat": make[Role.PANEL_SECRETARIAT](),
        "administrator": make[Role.ADMINISTRATOR](),
        "dfe_viewer": make[Role.DFE_VIEWER](),
        "signed_out": None,
    }

    def draft():
        notification = DraftNotificationFactory(local_authority=leeds, created_by=users["la_own"])
        return notification, NotificationChildFactory(notification=notification)

    def extension():
        pending = PendingExtensionFactory(review=CompleteReviewFactory())
        return {"pk": pending.review_id, "ext_pk": pending.pk}, LEEDS_SCOPE

    def letter():
        decision = PanelDecisionFactory()
        member = users["panel_member"]
        made = panel_services.response_letter_draft(review=decision.review, by=member, body="Text")
        with django_capture_on_commit_callbacks(execute=True):
            panel_services.response_letter_send(letter=made, by=member)
        return {"pk": made.pk}, LEEDS_SCOPE

    def snapshot(**extra):
        made = statistics_compute(year=2023, by=users["administrator"])
        return {"year": 2023, "version": made.version, **extra}, EVERYONE_SIGNED_IN

    def statistics_export():
        # A year's spreadsheet made on the worker (issue 19): whoever reads the statistics.
        from analytics import export_files
        from analytics.models import StatisticsSnapshot

        kwargs, visible_to = snapshot()
        made = export_files.statistics_export_request(
            snapshot=StatisticsSnapshot.objects.get(year=2023, version=kwargs["version"]),
            fmt="xlsx",
            public=False,
            by=users["administrator"],
        )
        export_files.statistics_export_render(export_id=made.pk)
        return {**kwargs, "pk": made.pk}, visible_to

    def spotlight_cohort():
        from analytics.models import Cohort

        return Cohort.objects.get(spotlight="child_mental_health")

    def message():
        made = InboxMessage.objects.create(
            recipient=users["la_own"], subject="A message", body="", url="/"
        )
        return {"message_id": made.pk}, {"la_own"}

    def invitation():
        person = invitations.person_invite(
            by=users["administrator"],
            first_name="Invited",
            last_name="Person",
            email="invited.person@example.org",
            role=Role.LA_USER,
            local_authority=leeds,
        )
        token = invitations.invitation_token_issue(invitation=person.invitations.get())
        return {"token": token}, set(ACTORS)

    def account_request():
        made = account_requests.account_request_submit(
            first_name="Asking",
            last_name="Person",
            email="asking.person@example.org",
            role=Role.LA_USER,
            local_authority=leeds,
            partnership=None,
            reason="I work in Leeds' children's services",
        )
        # Seen by administrators and Leeds' approvers (none among the actors).
        return {"request_pk": made.pk}, {"administrator"}

    def attachment():
        review = CompleteReviewFactory()
        made = attachment_add(review.notification, by=users["la_own"])
        # A submitted SIN's attachments: downloadable by whoever reads the SIN, the DfE and
        # Ofsted viewers too.
        return {"pk": review.notification_id, "attachment_pk": made.pk}, LEEDS_SCOPE | {
            "dfe_viewer"
        }

    def draft_attachment():
        notification, _ = draft()
        made = attachment_add(notification, by=users["la_own"])
        return {"pk": notification.pk, "attachment_pk": made.pk}, {"la_own"}

    def child_of_draft():
        notification, child = draft()
        return {"pk": notification.pk, "child_pk": child.pk}, {"la_own"}

    def share_of_draft():
        notification, _child = draft()
        share = NotificationShare.objects.create(
            notification=notification, local_authority=bristol, added_by=users["la_own"]
        )
        return {"pk": notification.pk, "share_pk": share.pk}, {"la_own"}

    def import_job():
        # An administrator's failed import of historic records (issue 19): any administrator
        # may follow it and try it again; the policy refuses everyone else (403).
        from analytics.models import RecordsImportJob

        made = RecordsImportJob.objects.create(
            filename="records.csv",
            requested_by=users["administrator"],
            status=RecordsImportJob.Status.FAILED,
            error="Worker lost",
        )
        return {"pk": made.pk}, EVERYONE_SIGNED_IN

    def prepared_document():
        from django.core.files.base import ContentFile

        from notifications.selectors import notification_get_for_user
        from safeguarding import documents

        documents.register(
            documents.DocumentKind(
                name="matrix-document",
                subject=lambda user, pk: notification_get_for_user(user=user, pk=pk),
                title=lambda notification: f"{notification.reference} test document",
                render=lambda notification, user: documents.RenderedFile(b"%PDF-", "test.pdf"),
            )
        )
        notification = SubmittedNotificationFactory()
        made = PreparedDocument.objects.create(
            kind="matrix-document",
            subject_id=notification.pk,
            title="Test document",
            requested_by=users["la_own"],
            status=PreparedDocument.Status.READY,
            file_name="test.pdf",
            content_type="application/pdf",
        )
        made.file.save("test.pdf", ContentFile(b"%PDF-"))
        # Only the person who asked for it sees it, whatever their role.
        return {"pk": made.pk}, {"la_own"}

    def message_attachment(on_lcspr: bool = False):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from panel.conversations import case_message_send

        from .notifications.factories import png_bytes

        case = LcsprFactory() if on_lcspr else PanelReviewFactory()
        message = case_message_send(
            user=users["panel_member"],
            **({"lcspr": case} if on_lcspr else {"review": case}),
            kind="question",
            body="Synthetic question",
            uploads=[SimpleUploadedFile("chart.png", png_bytes())],
        )
        key = "lcspr_pk" if on_lcspr else "review_pk"
        return {key: case.pk, "pk": message.attachments.get().pk}, CONVERSATION

    def linked_case():
        first, second = SubmittedNotificationFactory(), SubmittedNotificationFactory()
        made = LinkedCase.objects.create(
            first=first, second=second, kind="sibling", reason="Brothers", created_by=None
        )
        return {"pk": first.pk, "link_pk": made.pk}, LEEDS_SCOPE | {"dfe_viewer"}

    def meeting():
        from datetime import time, timedelta

        from django.utils import timezone

        from panel.models import AgendaItem, PanelMeeting

        made = PanelMeeting.objects.create(
            date=timezone.localdate() + timedelta(days=7),
            start_time=time(10, 0),
            location="Online",
            created_by=users["panel_secretariat"],
        )
        made.attendees.add(users["panel_member"])
        item = AgendaItem.objects.create(
            meeting=made, review=PanelReviewFactory(), position=1, added_by=made.created_by
        )
        return made, item

    def meeting_case():
        made, _ = meeting()
        # Meetings are the Panel's (and administrators'): out of everyone else's scope.
        return {"pk": made.pk}, NATIONAL

    def agenda_item():
        _, item = meeting()
        return {"pk": item.pk}, NATIONAL

    def meeting_agenda_item():
        made, item = meeting()
        return {"pk": made.pk, "item_pk": item.pk}, NATIONAL

    def lcspr_final_report():
        report = final_report_upload()
        return {"pk": report.lcspr_id, "number": report.number}, LEEDS_SCOPE

    def national_review(accepted: bool):
        from django.utils import timezone

        from panel.models import NationalReview, NationalReviewCase

        made = NationalReview.objects.create(
            title="Children harmed outside the family",
            theme="Extrafamilial harm",
            status=NationalReview.Status.COMMISSIONED,
            commissioned_at=timezone.now(),
            created_by=users["panel_member"],
        )
        decided = (
            {"status": "accepted", "decided_by": users["panel_secretariat"]} if accepted else {}
        )
        case = NationalReviewCase.objects.create(
            review=made,
            rapid_review=PanelReviewFactory(),
            reason="Harm outside the family",
            proposed_by=users["panel_member"],
            decided_at=timezone.now() if accepted else None,
            **decided,
        )
        return made, case

    def national_review_case():
        # A national review with one Leeds case accepted: Leeds' leads read it too.
        made, _ = national_review(accepted=True)
        return {"pk": made.pk}, NATIONAL | {"lead_own"}

    def national_review_proposed_case():
        # A case waiting for the secretariat's decision: the Panel's and administrators' only.
        _, case = national_review(accepted=False)
        return {"pk": case.pk}, NATIONAL

    # CompleteReviewFactory: a review being drafted, with its document.
    builders = {
        "national_review": national_review_case,
        "national_review_case": national_review_proposed_case,
        # A case's messages: the Panel and the case's partnership leads; nobody else, not even
        # those who read the case (administrators, its local authority): 404.
        "conversation_review": lambda: ({"review_pk": PanelReviewFactory().pk}, CONVERSATION),
        "conversation_lcspr": lambda: ({"lcspr_pk": LcsprFactory().pk}, CONVERSATION),
        "message_attachment": message_attachment,
        "lcspr_message_attachment": lambda: message_attachment(on_lcspr=True),
        "meeting": meeting_case,
        "agenda_item": agenda_item,
        "meeting_agenda_item": meeting_agenda_item,
        # A submitted SIN: the DfE and Ofsted viewers read it too (never its rapid review
        # until the Panel shares it).
        "notification": lambda: (
            {"pk": CompleteReviewFactory().notification_id},
            LEEDS_SCOPE | {"dfe_viewer"},
        ),
        "draft": lambda: ({"pk": draft()[0].pk}, {"la_own"}),
        "draft_child": child_of_draft,
        "attachment": attachment,
        "draft_attachment": draft_attachment,
        "draft_share": share_of_draft,
        "review": lambda: ({"pk": CompleteReviewFactory().pk}, LEEDS_SCOPE),
        "review_section": lambda: (
            {"pk": CompleteReviewFactory().pk, "section_key": "incident"},
            LEEDS_SCOPE,
        ),
        "submitted_review": lambda: ({"review_pk": PanelReviewFactory().pk}, LEEDS_SCOPE),
        "submitted_review_page": lambda: ({"pk": PanelReviewFactory().pk}, LEEDS_SCOPE),
        "decided_review": lambda: ({"review_pk": PanelDecisionFactory().review_id}, LEEDS_SCOPE),
        "extension": extension,
        "decision": lambda: ({"pk": PanelDecisionFactory().pk}, LEEDS_SCOPE),
        "letter": letter,
        "lcspr": lambda: ({"pk": LcsprFactory().pk}, LEEDS_SCOPE),
        "lcspr_final_report": lcspr_final_report,
        # Two Leeds SINs linked as cases (issue 17): seen with the SIN, DfE and Ofsted too.
        "linked_case": linked_case,
        # Two Leeds SINs that may be the same incident: seen by whoever sees both.
        "possible_duplicate": lambda: (
            {
                "pk": PossibleDuplicate.objects.create(
                    first=SubmittedNotificationFactory(), second=SubmittedNotificationFactory()
                ).pk
            },
            LEEDS_SCOPE,
        ),
        "local_authority": lambda: ({"ons_code": leeds.ons_code}, LEEDS_SCOPE),
        "partnership": lambda: ({"code": leeds.partnership.code}, LEEDS_SCOPE),
        "message": message,
        "prepared_document": prepared_document,
        "import_job": import_job,
        # Someone whose second factor an administrator may reset.
        "person": lambda: ({"user_pk": users["la_own"].pk}, EVERYONE_SIGNED_IN),
        # A Leeds user's page on the team pages: seen by administrators (everyone), Leeds'
        # approvers (none among the actors) and the person themselves.
        "team_person": lambda: ({"user_pk": users["la_own"].pk}, {"la_own", "administrator"}),
        "invitation": invitation,
        "account_request": account_request,
        "year": lambda: ({"year": 2023}, EVERYONE_SIGNED_IN),
        "snapshot": snapshot,
        "snapshot_download": lambda: snapshot(fmt="csv"),
        "statistics_export": statistics_export,
        # A table's page and its download (issue 19): the year's latest figures, or a version's.
        "year_table": lambda: ({"year": 2023, "table_id": "timeliness"}, snapshot()[1]),
        "snapshot_table": lambda: snapshot(table_id="timeliness"),
        "snapshot_table_download": lambda: snapshot(table_id="timeliness", fmt="csv"),
        # A saved cohort (Appendix F's first, reference data): not a case of one authority,
        # so nobody is out of its scope; the policy refuses all but the Panel and
        # administrators (403).
        "cohort": lambda: ({"pk": spotlight_cohort().pk}, EVERYONE_SIGNED_IN),
        "cohort_export": lambda: ({"pk": spotlight_cohort().pk, "fmt": "csv"}, EVERYONE_SIGNED_IN),
        "password_reset": lambda: (
            {"uidb64": urlsafe_base64_encode(b"1"), "token": "set-password"},
            set(ACTORS),
        ),
        None: lambda: ({}, EVERYONE_SIGNED_IN),
    }
    return World(users=users, builders=builders)


def _is_api(url_name: str) -> bool:
    # The API documentation is a page for people: signed out, it sends them to sign in.
    return "-api:" in url_name or (url_name.startswith("api-") and url_name != "api-docs")


def _request(client: Client, verb: str, url: str, api: bool):
    kwargs = {"content_type": "application/json", "data": "{}"} if api else {}
    if verb in ("GET", "DELETE"):
        kwargs = {}
    response = getattr(client, verb.lower())(url, **kwargs)
    # Keep what the request changed out of the next actor's view of the record.
    return response.status_code, response.get("Location", "")


def _objects(world: World, case: str | None) -> Any:
    """The object the predicate is asked about: anything with the case's organisation."""
    from types import SimpleNamespace

    leeds = LocalAuthority.objects.get(name="Leeds")
    if case == "message":
        return SimpleNamespace(recipient_id=world.users["la_own"].pk)
    if case == "team_person":
        return world.users["la_own"]
    if case == "account_request":
        return AccountRequest.objects.get(pk=world.case(case)[0]["request_pk"])
    return SimpleNamespace(local_authority_id=leeds.pk, partnership_id=leeds.partnership_id)


DENIED = {403, 404, 405}


def _check(world: World, endpoint: policy.Endpoint, verbs: tuple[str, ...], listed: bool):
    kwargs, visible_to = world.case(endpoint.case)
    url = reverse(endpoint.url_name, kwargs=kwargs)
    api = _is_api(endpoint.url_name)
    obj = _objects(world, endpoint.case)
    failures = []
    for actor in ACTORS:
        user = world.users[actor]
        client = Client()
        if user is not None:
            client.force_login(user)
        allowed = (
            endpoint.allowed(user, obj) if user is not None else endpoint.allowed is policy.anyone
        )
        for verb in verbs:
            with transaction.atomic():
                status, location = _request(client, verb, url, api)
                transaction.set_rollback(True)
            if status >= 500:
                failures.append((actor, verb, status, "server error"))
            elif not listed:
                # A verb the table does not list must not let in someone the table refuses.
                if not allowed and status not in DENIED | {302, 401}:
                    failures.append((actor, verb, status, "unlisted verb let a refused user in"))
            elif user is None and endpoint.allowed is not policy.anyone:
                signed_out_ok = (
                    status in (401, 403) if api else (status == 302 and "/sign-in/" in location)
                )
                if not signed_out_ok:
                    failures.append((actor, verb, status, "signed out, not sent to sign in"))
            elif user is not None and actor not in visible_to:
                if status != 404:
                    failures.append((actor, verb, status, "out of scope, expected 404"))
            elif allowed and status in DENIED:
                failures.append((actor, verb, status, "allowed by the policy but refused"))
            elif not allowed and status != 403:
                failures.append((actor, verb, status, "refused by the policy, expected 403"))
    return failures


@pytest.mark.parametrize(
    "url_name", sorted({endpoint.url_name for endpoint in policy.ENDPOINTS}), ids=str
)
def test_each_role_gets_what_the_policy_says(world, url_name):
    entries = [endpoint for endpoint in policy.ENDPOINTS if endpoint.url_name == url_name]
    failures = []
    for endpoint in entries:
        failures += _check(world, endpoint, endpoint.verbs, listed=True)
    listed = {verb for endpoint in entries for verb in endpoint.verbs}
    unlisted = tuple(
        verb for verb in (ALL_VERBS if _is_api(url_name) else ("GET", "POST")) if verb not in listed
    )
    if unlisted:
        # Refused by every entry: judge the unlisted verbs by the strictest entry.
        strictest = min(entries, key=lambda e: e.allowed is policy.is_signed_in)
        failures += _check(world, strictest, unlisted, listed=False)
    assert not failures, "\n".join(f"{url_name} {f}" for f in failures)
