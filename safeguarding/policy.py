"""The access policy: what a signed-in user may do, written once.

Two questions decide every request, each answered in one place:

1. **Scope** (`safeguarding.scoping.authority_scope`, applied by each model's selector): may
   the user see this record at all? A record out of scope is a 404, the same as one that does
   not exist.
2. **Permission** (this module): for a record in scope, may the user do *this* with it? A
   refusal is a 403 on the web and in the API, and a domain error in a service.

Each permission is a small named predicate of the user (and the case, where it matters).
Views, API endpoints, selectors, services and templates ask these predicates, never the role
directly, so a rule cannot differ between the web, the API and the services. The kernel knows
no app's models: a case is anything with `partnership_id` / `local_authority_id`.

`ENDPOINTS` is the policy's own table: every URL the service answers, each verb it serves and
the predicate that decides it. `tests/test_policy_matrix.py` walks it for every role against
real records, and fails for a URL that is missing from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import PermissionDenied

from .codes import REGULATOR_ROLES, Role

PANEL_ROLES = frozenset({Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT})
# The Panel and administrators: national roles that read every case.
NATIONAL_READERS = PANEL_ROLES | {Role.ADMINISTRATOR}


class PartnershipCase(Protocol):
    partnership_id: int | None
    # The partnership that covers the case's local authority now (`safeguarding.moves`).
    authority_partnership_id: int | None


class AuthorityCase(Protocol):
    local_authority_id: int | None


def _role(user) -> str | None:
    if not (user is not None and user.is_authenticated and user.is_active):
        return None
    return user.role


def require(allowed: bool) -> None:
    """Refuse the request (403) unless `allowed`."""
    if not allowed:
        raise PermissionDenied


# --- Who someone is, in relation to a case ---------------------------------------------------


def is_signed_in(user, obj: Any = None) -> bool:
    return _role(user) is not None


def is_panel(user, obj: Any = None) -> bool:
    """A Panel member or the Panel secretariat."""
    return _role(user) in PANEL_ROLES


def is_regulator(user, obj: Any = None) -> bool:
    """A Department for Education or Ofsted viewer: reads submitted SINs (and the rapid
    reviews the Panel shares), changes nothing."""
    return _role(user) in REGULATOR_ROLES


def is_administrator(user, obj: Any = None) -> bool:
    return _role(user) is not None and user.is_administrator


def is_partnership_lead(user, obj: Any = None) -> bool:
    """A lead of some safeguarding partnership (what they may do to a case: `is_lead_of`)."""
    return _role(user) == Role.PARTNERSHIP_LEAD and user.partnership_id is not None


def is_lead_of(user, case: PartnershipCase) -> bool:
    """A lead of the partnership that covers the case's local authority NOW: after the
    authority moves (safeguarding.moves), the new partnership's leads act on all its cases,
    closed ones included (they commission the LCSPR of a review submitted before the move);
    the old partnership's leads still see the closed cases that keep their partnership
    (scoping.authority_scope), read-only."""
    return (
        _role(user) == Role.PARTNERSHIP_LEAD
        and user.partnership_id is not None
        and user.partnership_id == getattr(case, "authority_partnership_id", case.partnership_id)
    )


def is_user_of_authority(user, case: AuthorityCase) -> bool:
    """A user of the local authority the case belongs to."""
    return (
        _role(user) == Role.LA_USER
        and user.local_authority_id is not None
        and user.local_authority_id == case.local_authority_id
    )


# --- Serious Incident Notifications ------------------------------------------------------------


def can_notify(user, obj: Any = None) -> bool:
    """Local authority users notify the Panel, for their own authority."""
    return _role(user) == Role.LA_USER and user.local_authority_id is not None


def sees_drafts(user, obj: Any = None) -> bool:
    """A draft SIN is its local authority's work in progress: nobody else sees it (its own
    authority's drafts only: scope still applies)."""
    return can_notify(user)


def can_edit_notification(user, notification: AuthorityCase) -> bool:
    """Drafts and amendments: users of the notifying authority only."""
    return is_user_of_authority(user, notification)


def can_see_child_identity(user, notification: AuthorityCase) -> bool:
    """A child's name (and anything else identifying) is for the notifying authority's users
    and the Panel; everyone else sees the pseudonymous reference only. The web pages, the API,
    exports and e-mails all ask this."""
    return is_user_of_authority(user, notification) or is_panel(user)


def can_withdraw_notification(user, notification: Any = None) -> bool:
    """Marking a submitted SIN withdrawn or not progressed, and reinstating it: the Panel
    secretariat and administrators (issue 16)."""
    return _role(user) == Role.PANEL_SECRETARIAT or is_administrator(user)


# --- Rapid reviews -----------------------------------------------------------------------------


def can_edit_review(user, review: PartnershipCase) -> bool:
    """Sections, the document, submission, extension requests, LCSPR commissioning: the leads
    of the review's partnership."""
    return is_lead_of(user, review)


def can_share_review(user, review: Any = None) -> bool:
    """Share a submitted rapid review with the Department for Education and Ofsted, or stop
    sharing it: Panel members and the secretariat."""
    return is_panel(user)


def can_reopen_review(user, review: Any = None) -> bool:
    return _role(user) == Role.PANEL_SECRETARIAT


def can_decide_extension(user, review: Any = None) -> bool:
    return _role(user) == Role.PANEL_SECRETARIAT


# --- The Panel ---------------------------------------------------------------------------------


def can_see_panel_queue(user, obj: Any = None) -> bool:
    """The Panel works the queue; administrators may read it."""
    return _role(user) in NATIONAL_READERS


def can_decide(user, review: Any = None) -> bool:
    """Panel members record the Panel's decision on a rapid review."""
    return _role(user) == Role.PANEL_MEMBER


def can_write_letter(user, review: Any = None) -> bool:
    """Panel members and the secretariat draft, preview, send and retry response letters."""
    return is_panel(user)


def can_see_conversation(user, case: PartnershipCase) -> bool:
    """The messages between the Panel and the partnership on a rapid review or an LCSPR
    (panel.conversations): Panel members, the secretariat, and the leads of the partnership
    that covers the case now. Nobody else, not even administrators, DfE, Ofsted or the local
    authority: out of the conversation is a 404, as if it did not exist."""
    return is_panel(user) or is_lead_of(user, case)


def sees_internal_notes(user, case: Any = None) -> bool:
    """Internal Panel notes on a case: the Panel only, never the partnership."""
    return is_panel(user)


def can_end_message_pause(user, case: Any = None) -> bool:
    """End a question's pause on the decision target before the partnership replies: the
    Panel."""
    return is_panel(user)


def can_see_allocations(user, review: Any = None) -> bool:
    """Who is allocated to a review: the Panel and administrators read it (never partnerships,
    local authorities or the DfE and Ofsted viewers)."""
    return _role(user) in NATIONAL_READERS


def can_allocate(user, review: Any = None) -> bool:
    """The secretariat allocates reviews to Panel members (and reallocates them), runs the
    automatic allocation and sets members' availability and caps."""
    return _role(user) == Role.PANEL_SECRETARIAT


def can_see_workload(user, obj: Any = None) -> bool:
    """The Panel's workload per member: the Panel, and administrators read it."""
    return _role(user) in NATIONAL_READERS


def can_see_meetings(user, obj: Any = None) -> bool:
    """Panel meetings and their agendas (issue 17): Panel members and the secretariat, and
    administrators read-only. Anyone else gets a 403 for the list and a 404 for a meeting."""
    return _role(user) in NATIONAL_READERS


def can_manage_meetings(user, obj: Any = None) -> bool:
    """Schedule, edit and cancel meetings, and set their agendas: the Panel secretariat."""
    return _role(user) == Role.PANEL_SECRETARIAT


# --- National reviews (panel.national_reviews) ------------------------------------------------


def can_see_national_reviews(user, obj: Any = None) -> bool:
    """The list of national reviews and every case in them: the Panel, and administrators
    read-only. A partnership lead sees a review only through one of its own cases accepted in
    it (panel.national_review_selectors), and never the list."""
    return _role(user) in NATIONAL_READERS


def can_propose_national_review(user, obj: Any = None) -> bool:
    """Propose a case for a national review (an existing one or a new one): Panel members and
    the secretariat."""
    return is_panel(user)


def can_manage_national_reviews(user, obj: Any = None) -> bool:
    """Accept or decline the cases proposed, and move a review along its statuses (commission
    or decline a proposed review, start it, record its publication): the Panel secretariat."""
    return _role(user) == Role.PANEL_SECRETARIAT


def can_add_cohort_to_national_review(user, obj: Any = None) -> bool:
    """Take a saved cohort's cases into a national review: the Panel, who may both propose
    cases and read the saved cohorts."""
    return can_propose_national_review(user) and can_view_cohorts(user)


# --- LCSPRs ------------------------------------------------------------------------------------


def follows_lcsprs(user, obj: Any = None) -> bool:
    """LCSPRs in the navigation: partnerships and the Panel follow them; a local authority sees
    its own from the case (and may read them, in its scope, like anyone)."""
    return _role(user) is not None and _role(user) != Role.LA_USER and not is_regulator(user)


def can_edit_lcspr(user, lcspr: PartnershipCase) -> bool:
    return is_lead_of(user, lcspr)


def can_give_lcspr_feedback(user, lcspr: Any = None) -> bool:
    return is_panel(user)


def can_record_lcspr_receipt(user, lcspr: Any = None) -> bool:
    """The date the Panel received the final report is the Panel's to record (a Panel member
    or the secretariat), never the partnership's: the 7-day notice is measured from it."""
    return is_panel(user)


def can_correct_lcspr_dates(user, lcspr: PartnershipCase) -> bool:
    """Correct a date with a reason: the partnership's leads their planned and actual
    publication dates, the Panel its receipt date (which dates: `Lcspr.CORRECTABLE_DATES`)."""
    return is_lead_of(user, lcspr) or is_panel(user)


# --- Linked cases (notifications.links) ---------------------------------------------------------


def can_link_cases(user, notification: Any = None) -> bool:
    """Linking two cases and removing a link: the Panel (members and secretariat) any two
    cases; local authority users and partnership leads two cases both in their scope (the
    service checks the other case through the SIN selector)."""
    return is_panel(user) or can_notify(user) or is_partnership_lead(user)


# --- Possible duplicate SINs (notifications.duplicates) ---------------------------------------


def can_see_duplicates(user, obj: Any = None) -> bool:
    """The list of possible duplicates across authorities, and each pair's page: the Panel
    and administrators (a pair may join two authorities' SINs)."""
    return _role(user) in NATIONAL_READERS


def can_decide_duplicate(user, obj: Any = None) -> bool:
    """Link two SINs as the same incident, dismiss the match, or reopen the decision: the
    Panel secretariat."""
    return _role(user) == Role.PANEL_SECRETARIAT


# --- Statistics and administration ---------------------------------------------------------------


def can_read_statistics(user, obj: Any = None) -> bool:
    """The annual figures: administrators, and the Panel read-only."""
    return _role(user) in NATIONAL_READERS or is_administrator(user)


def can_manage_statistics(user, obj: Any = None) -> bool:
    """Recompute a year and import historic records: administrators."""
    return is_administrator(user)


def can_benchmark(user, obj: Any = None) -> bool:
    """Benchmarking (analytics.benchmarking): a partnership lead their partnership's figures,
    a local authority user their authority's, beside their region's and England's; the Panel
    and administrators any area's. Not the DfE's and Ofsted's viewers."""
    role = _role(user)
    if role == Role.PARTNERSHIP_LEAD:
        return user.partnership_id is not None
    if role == Role.LA_USER:
        return user.local_authority_id is not None
    return can_read_statistics(user)


def can_view_cohorts(user, obj: Any = None) -> bool:
    """Cohorts of rapid reviews (analytics.cohorts): the Panel's analysts. Administrators, and
    the Panel read-only: they may explore a cohort's size, its comparison and its sample."""
    return can_read_statistics(user)


def can_build_cohorts(user, obj: Any = None) -> bool:
    """Save a cohort, change it, draw its sample again: administrators."""
    return is_administrator(user)


def can_administer(user, obj: Any = None) -> bool:
    return is_administrator(user)


def can_manage_organisations(user, obj: Any = None) -> bool:
    """Move a local authority to another partnership, merge partnerships, add authorities and
    partnerships (safeguarding.moves, safeguarding.organisations): administrators."""
    return is_administrator(user)


def can_lift_lockout(user, obj: Any = None) -> bool:
    """End someone's sign-in or second-factor lockout: administrators (the account's
    organisation's approvers, too, once the service has approvers)."""
    return is_administrator(user)


def can_see_access_log(user, obj: Any = None) -> bool:
    """Who read a case, and a person's whole access history: administrators, for
    investigations. The log names people and what they opened, so nobody else sees it."""
    return is_administrator(user)


def can_reset_second_factor(user, person: Any = None) -> bool:
    """Remove someone's authenticator and recovery codes so that they set up again (a lost
    phone): administrators. (Approvers of the person's organisation will join them.)"""
    return is_administrator(user)


# --- People and their accounts (safeguarding.people) -------------------------------------------

# The roles of each kind of organisation: what an approver may give the people they manage.
ORGANISATION_ROLES = frozenset({Role.LA_USER, Role.PARTNERSHIP_LEAD})


def is_approver(user, obj: Any = None) -> bool:
    """An approver of a local authority or a partnership: manages its people."""
    return _role(user) in ORGANISATION_ROLES and bool(user.is_approver)


def can_see_people(user, obj: Any = None) -> bool:
    """The team pages (the list of people, invitations): administrators, for everyone, and
    approvers, for their own organisation (`people.people_visible_to` says who is in it)."""
    return is_administrator(user) or is_approver(user)


def is_approver_of(user, person: Any) -> bool:
    """An approver of the person's own organisation (same local authority, or same
    partnership for a partnership lead). Never of the service's own operators (staff,
    superusers), whatever their organisation."""
    if not is_approver(user):
        return False
    if getattr(person, "is_superuser", False) or getattr(person, "is_staff", False):
        return False
    if user.role == Role.LA_USER:
        return (
            getattr(person, "role", Role.LA_USER) == Role.LA_USER
            and person.local_authority_id is not None
            and person.local_authority_id == user.local_authority_id
        )
    return (
        getattr(person, "role", Role.PARTNERSHIP_LEAD) == Role.PARTNERSHIP_LEAD
        and person.partnership_id is not None
        and person.partnership_id == user.partnership_id
    )


def can_manage_people(user, person: Any = None) -> bool:
    """Invite, change the role or approver flag of, deactivate and reactivate someone, resend
    or cancel their invitation: administrators anyone, approvers the people of their own
    organisation, into its own role only (`roles_grantable`)."""
    if is_administrator(user):
        return True
    return is_approver(user) if person is None else is_approver_of(user, person)


def roles_grantable(user) -> list[str]:
    """The roles `user` may give: any for administrators; an approver, their organisation's
    own role (never an administrator or a Panel role)."""
    if is_administrator(user):
        return list(Role.values)
    if is_approver(user):
        return [user.role]
    return []


def can_decide_account_request(user, account_request: Any = None) -> bool:
    """Approve or reject a request for an account: administrators, and the approvers of the
    organisation it asks to join (`account_requests.account_request_scope` says the same)."""
    if is_administrator(user):
        return True
    if account_request is None:
        return is_approver(user)
    return is_approver_of(user, account_request)


def can_manage_api_tokens(user, person: Any) -> bool:
    """Make and revoke someone's API tokens: the person themselves, and administrators. Not
    approvers: a token acts as its owner in the API, so nobody but the owner and the
    service's administrators should hold one made for them."""
    if _role(user) is None:
        return False
    return is_administrator(user) or getattr(person, "pk", None) == user.pk


def is_owner(user, message: Any) -> bool:
    """A person's own inbox messages."""
    return _role(user) is not None and message.recipient_id == user.pk


def anyone(user=None, obj: Any = None) -> bool:
    """Public: the sign-in and password pages, the health check, the API's schema and docs."""
    return True


# --- The table -----------------------------------------------------------------------------------

Predicate = Callable[..., bool]


@dataclass(frozen=True)
class Endpoint:
    """A URL name, the verbs it serves and the predicate that decides who may use it. `case`
    names the record the URL points at (the matrix test builds it); None for pages without
    one. Scope is applied first: out of scope is a 404 whatever the predicate says."""

    url_name: str
    verbs: tuple[str, ...]
    allowed: Predicate
    case: str | None = None


GET, POST, PATCH = ("GET",), ("POST",), ("PATCH",)
FORM = ("GET", "POST")

ENDPOINTS: tuple[Endpoint, ...] = (
    # The kernel
    Endpoint("home", GET, is_signed_in),
    Endpoint("healthz", GET, anyone),
    Endpoint("login", FORM, anyone),
    Endpoint("logout", POST, anyone),
    Endpoint("password_reset", FORM, anyone),
    Endpoint("password_reset_done", GET, anyone),
    Endpoint("password_reset_confirm", GET, anyone, case="password_reset"),
    Endpoint("password_reset_complete", GET, anyone),
    Endpoint("password_change", FORM, is_signed_in),
    # The second factor: set-up and the code pages are served before it is passed.
    Endpoint("second-factor-setup", FORM, is_signed_in),
    Endpoint("second-factor-verify", FORM, is_signed_in),
    Endpoint("second-factor-recovery", FORM, is_signed_in),
    Endpoint("second-factor-recovery-codes", GET, is_signed_in),
    Endpoint("second-factor-recovery-codes-regenerate", POST, is_signed_in),
    Endpoint("second-factor-reset", POST, can_reset_second_factor, case="person"),
    Endpoint("local-authority-list", GET, is_signed_in),
    Endpoint("local-authority-detail", GET, is_signed_in, case="local_authority"),
    Endpoint("local-authority-add", FORM, can_manage_organisations),
    Endpoint("local-authority-move", FORM, can_manage_organisations, "local_authority"),
    Endpoint("local-authority-move-check", FORM, can_manage_organisations, "local_authority"),
    Endpoint("partnership-list", GET, is_signed_in),
    Endpoint("partnership-add", FORM, can_manage_organisations),
    Endpoint("partnership-detail", GET, is_signed_in, case="partnership"),
    Endpoint("partnership-merge", FORM, can_manage_organisations, "partnership"),
    Endpoint("partnership-merge-check", FORM, can_manage_organisations, "partnership"),
    Endpoint("inbox", GET, is_signed_in),
    Endpoint("inbox-read-all", POST, is_signed_in),
    Endpoint("inbox-open", POST, is_owner, case="message"),
    Endpoint("session-keep-alive", POST, is_signed_in),
    Endpoint("api-schema", GET, is_signed_in),
    Endpoint("api-docs", GET, is_signed_in),
    Endpoint("administration", GET, can_administer),
    Endpoint("retention", FORM, can_administer),
    # A document prepared on request: only the person who asked for it (scope), and only while
    # they may still see what it is about (the download checks again).
    Endpoint("prepared-document", GET, is_signed_in, case="prepared_document"),
    Endpoint("prepared-document-status", GET, is_signed_in, case="prepared_document"),
    Endpoint("prepared-document-retry", POST, is_signed_in, case="prepared_document"),
    Endpoint("prepared-document-download", GET, is_signed_in, case="prepared_document"),
    Endpoint("access-history", GET, can_see_access_log),
    # People and their accounts: a person's page is open to whoever sees them (scope: their
    # organisation's approvers, administrators and the person themselves).
    Endpoint("people-list", GET, can_see_people),
    Endpoint("people-invite", FORM, can_manage_people),
    Endpoint("people-detail", GET, is_signed_in, case="team_person"),
    Endpoint("people-change", FORM, can_manage_people, case="team_person"),
    Endpoint("people-deactivate", FORM, can_manage_people, case="team_person"),
    Endpoint("people-reactivate", FORM, can_manage_people, case="team_person"),
    Endpoint("people-invitation-resend", POST, can_manage_people, case="team_person"),
    Endpoint("people-invitation-cancel", POST, can_manage_people, case="team_person"),
    Endpoint("people-api-token-create", FORM, can_manage_api_tokens, case="team_person"),
    Endpoint("people-api-token-revoke", POST, can_manage_api_tokens, case="team_person"),
    Endpoint("invitation-accept", FORM, anyone, case="invitation"),
    # Asking for an account (public), deciding a request (its organisation's approvers and
    # administrators), and organisations' work e-mail domains (administrators).
    Endpoint("account-request", FORM, anyone),
    Endpoint("account-request-sent", GET, anyone),
    Endpoint("people-request-detail", FORM, can_decide_account_request, "account_request"),
    Endpoint("local-authority-email-domains", FORM, can_manage_organisations, "local_authority"),
    Endpoint(
        "local-authority-email-domain-remove", POST, can_manage_organisations, "local_authority"
    ),
    Endpoint("partnership-email-domains", FORM, can_manage_organisations, "partnership"),
    Endpoint("partnership-email-domain-remove", POST, can_manage_organisations, "partnership"),
    # Serious Incident Notifications
    Endpoint("notifications:notification-list", GET, is_signed_in),
    Endpoint("notifications:notification-start", FORM, can_notify),
    Endpoint("notifications:notification-detail", GET, is_signed_in, case="notification"),
    Endpoint("notifications:notification-incident", FORM, can_edit_notification, "draft"),
    Endpoint("notifications:notification-children", GET, can_edit_notification, "draft"),
    Endpoint("notifications:child-add", FORM, can_edit_notification, "draft"),
    Endpoint("notifications:child-in-focus", FORM, can_edit_notification, "draft"),
    Endpoint("notifications:child-edit", FORM, can_edit_notification, "draft_child"),
    Endpoint("notifications:child-remove", FORM, can_edit_notification, "draft_child"),
    Endpoint("notifications:notification-circumstances", FORM, can_edit_notification, "draft"),
    Endpoint("notifications:notification-incident-place", FORM, can_edit_notification, "draft"),
    Endpoint("notifications:notification-notifier", FORM, can_edit_notification, "draft"),
    Endpoint("notifications:notification-check", FORM, can_edit_notification, "draft"),
    Endpoint("notifications:notification-delete", FORM, can_edit_notification, "draft"),
    Endpoint("notifications:notification-confirmation", GET, is_signed_in, case="notification"),
    # A SIN's attachments: added to a draft or a submitted SIN by its authority, removed only
    # from a draft, downloaded by whoever may see the SIN.
    Endpoint("notifications:attachment-list", FORM, can_edit_notification, "notification"),
    Endpoint("notifications:attachment-remove", FORM, can_edit_notification, "draft_attachment"),
    Endpoint("notifications:attachment-download", GET, is_signed_in, case="attachment"),
    # Possible duplicate SINs: the Panel reads them, the secretariat decides.
    Endpoint("notifications:duplicate-list", GET, can_see_duplicates),
    Endpoint("notifications:duplicate-detail", GET, can_see_duplicates, "possible_duplicate"),
    Endpoint("notifications:duplicate-detail", POST, can_decide_duplicate, "possible_duplicate"),
    Endpoint("notifications:duplicate-reopen", POST, can_decide_duplicate, "possible_duplicate"),
    # Other areas to tell (issue 16, item 3): the notifying authority's users only.
    Endpoint("notifications:notification-shares", FORM, can_edit_notification, "draft"),
    Endpoint("notifications:notification-share-remove", FORM, can_edit_notification, "draft_share"),
    Endpoint("notifications-api:notification-shares", POST, can_edit_notification, "notification"),
    Endpoint(
        "notifications:notification-withdraw", FORM, can_withdraw_notification, "notification"
    ),
    Endpoint(
        "notifications:notification-reinstate", FORM, can_withdraw_notification, "notification"
    ),
    # Linked cases (issue 17): read with the SIN; linked by the Panel, local authority users
    # and partnership leads (each other case through the SIN selector).
    Endpoint("notifications:linked-case-add", FORM, can_link_cases, "notification"),
    Endpoint("notifications:linked-case-remove", FORM, can_link_cases, "linked_case"),
    Endpoint("notifications-api:linked-case-list", GET, is_signed_in, case="notification"),
    Endpoint("notifications-api:linked-case-list", POST, can_link_cases, "notification"),
    Endpoint("notifications-api:linked-case-remove", POST, can_link_cases, "linked_case"),
    # The whole case file (issue 17): for anyone who reads the SIN, as they may see the case.
    Endpoint("notifications:case-file", FORM, is_signed_in, case="notification"),
    Endpoint("notifications-api:notification-list", GET, is_signed_in),
    Endpoint("notifications-api:notification-list", POST, can_notify),
    Endpoint("notifications-api:notification-detail", GET, is_signed_in, case="notification"),
    Endpoint("notifications-api:attachment-list", GET, is_signed_in, case="notification"),
    Endpoint("notifications-api:attachment-list", POST, can_edit_notification, "notification"),
    Endpoint("notifications-api:attachment-download", GET, is_signed_in, case="attachment"),
    # Rapid reviews
    Endpoint("rapidreviews:review-queue", GET, is_signed_in),
    Endpoint("rapidreviews:review-detail", GET, is_signed_in, case="review"),
    Endpoint("rapidreviews:review-section", FORM, can_edit_review, "review_section"),
    Endpoint("rapidreviews:review-submit", FORM, can_edit_review, "review"),
    Endpoint("rapidreviews:review-confirmation", GET, is_signed_in, case="review"),
    Endpoint("rapidreviews:review-document", FORM, can_edit_review, "review"),
    Endpoint("rapidreviews:review-document-download", GET, is_signed_in, case="review"),
    Endpoint("rapidreviews:review-reopen", FORM, can_reopen_review, "submitted_review_page"),
    Endpoint("rapidreviews:review-share", FORM, can_share_review, "submitted_review_page"),
    Endpoint("rapidreviews:extension-request", FORM, can_edit_review, "review"),
    Endpoint("rapidreviews:extension-decide", FORM, can_decide_extension, "extension"),
    Endpoint("rapidreviews-api:review-list", GET, is_signed_in),
    Endpoint("rapidreviews-api:review-detail", GET, is_signed_in, case="review"),
    Endpoint("rapidreviews-api:review-section", PATCH, can_edit_review, "review_section"),
    Endpoint("rapidreviews-api:review-submit", POST, can_edit_review, "review"),
    # The Panel
    Endpoint("panel:queue", GET, can_see_panel_queue),
    Endpoint("panel:overview", GET, can_see_panel_queue),
    Endpoint("panel:decision-list", GET, is_signed_in),
    Endpoint("panel:letter-list", GET, is_signed_in),
    Endpoint("panel:decision", GET, is_signed_in, case="submitted_review"),
    Endpoint("panel:decision", POST, can_decide, "submitted_review"),
    Endpoint("panel:letter-draft", FORM, can_write_letter, "decided_review"),
    Endpoint("panel:letter-preview", GET, can_write_letter, "decided_review"),
    Endpoint("panel:letter-send", POST, can_write_letter, "decided_review"),
    Endpoint("panel:letter-retry", POST, can_write_letter, "letter"),
    Endpoint("panel:letter-download", GET, is_signed_in, case="letter"),
    # Messages between the Panel and the partnership: the Panel and the case's partnership
    # leads; anyone else (administrators, DfE, Ofsted, the local authority) gets a 404.
    Endpoint("panel:review-messages", FORM, can_see_conversation, "conversation_review"),
    Endpoint("panel:review-message-pause-end", POST, can_end_message_pause, "conversation_review"),
    Endpoint("panel:review-message-attachment", GET, can_see_conversation, "message_attachment"),
    Endpoint("panel:lcspr-messages", FORM, can_see_conversation, "conversation_lcspr"),
    Endpoint(
        "panel:lcspr-message-attachment", GET, can_see_conversation, "lcspr_message_attachment"
    ),
    Endpoint("panel-api:review-messages", GET + POST, can_see_conversation, "conversation_review"),
    Endpoint("panel-api:lcspr-messages", GET + POST, can_see_conversation, "conversation_lcspr"),
    Endpoint(
        "panel-api:review-message-attachment", GET, can_see_conversation, "message_attachment"
    ),
    Endpoint(
        "panel-api:lcspr-message-attachment", GET, can_see_conversation, "lcspr_message_attachment"
    ),
    Endpoint("panel-api:decision-list", GET, is_signed_in),
    Endpoint("panel-api:decision-detail", GET, is_signed_in, case="decision"),
    Endpoint("panel-api:letter-list", GET, is_signed_in),
    Endpoint("panel-api:letter-detail", GET, is_signed_in, case="letter"),
    Endpoint("panel-api:letter-pdf", GET, is_signed_in, case="letter"),
    Endpoint("panel:allocation", GET, can_see_allocations, "submitted_review"),
    Endpoint("panel:allocation", POST, can_allocate, "submitted_review"),
    Endpoint("panel:workload", GET, can_see_workload),
    Endpoint("panel:workload", POST, can_allocate),
    Endpoint("panel:allocate-automatically", POST, can_allocate),
    Endpoint("panel-api:allocation-list", GET, can_see_allocations, "submitted_review"),
    Endpoint("panel-api:allocation-list", POST, can_allocate, "submitted_review"),
    Endpoint("panel-api:workload", GET, can_see_workload),
    Endpoint("panel-api:allocate-automatically", POST, can_allocate),
    # Panel meetings and their agendas: the Panel reads, the secretariat manages; a meeting is
    # out of everyone else's scope (404).
    Endpoint("panel:meeting-list", GET, can_see_meetings),
    Endpoint("panel:meeting-add", FORM, can_manage_meetings),
    Endpoint("panel:meeting-detail", GET, can_see_meetings, case="meeting"),
    Endpoint("panel:meeting-edit", FORM, can_manage_meetings, case="meeting"),
    Endpoint("panel:meeting-cancel", FORM, can_manage_meetings, case="meeting"),
    Endpoint("panel:meeting-held", POST, can_manage_meetings, case="meeting"),
    Endpoint("panel:meeting-agenda-add", FORM, can_manage_meetings, case="meeting"),
    Endpoint("panel:agenda-item-remove", POST, can_manage_meetings, case="agenda_item"),
    Endpoint("panel:agenda-item-move", POST, can_manage_meetings, case="agenda_item"),
    Endpoint("panel:meeting-agenda-pack", POST, can_see_meetings, case="meeting"),
    Endpoint("panel-api:meeting-list", GET, can_see_meetings),
    Endpoint("panel-api:meeting-list", POST, can_manage_meetings),
    Endpoint("panel-api:meeting-detail", GET, can_see_meetings, case="meeting"),
    Endpoint("panel-api:meeting-detail", PATCH, can_manage_meetings, case="meeting"),
    Endpoint("panel-api:meeting-cancel", POST, can_manage_meetings, case="meeting"),
    Endpoint("panel-api:meeting-agenda", POST, can_manage_meetings, case="meeting"),
    Endpoint(
        "panel-api:agenda-item-detail", ("DELETE",), can_manage_meetings, "meeting_agenda_item"
    ),
    # National reviews: the Panel and administrators read them all; a partnership lead reads
    # a review with one of its cases accepted (its own cases only); anyone else gets a 404.
    Endpoint("panel:national-review-list", GET, can_see_national_reviews),
    Endpoint("panel:national-review-detail", GET, is_signed_in, case="national_review"),
    Endpoint("panel:national-review-status", FORM, can_manage_national_reviews, "national_review"),
    Endpoint(
        "panel:national-review-cohort",
        FORM,
        can_add_cohort_to_national_review,
        "national_review",
    ),
    Endpoint(
        "panel:national-review-case-decide",
        FORM,
        can_manage_national_reviews,
        "national_review_case",
    ),
    Endpoint(
        "panel:national-review-propose", FORM, can_propose_national_review, "submitted_review"
    ),
    Endpoint("panel-api:national-review-list", GET, can_see_national_reviews),
    Endpoint("panel-api:national-review-detail", GET, is_signed_in, case="national_review"),
    Endpoint(
        "panel-api:national-review-status", POST, can_manage_national_reviews, "national_review"
    ),
    Endpoint(
        "panel-api:national-review-case-decide",
        POST,
        can_manage_national_reviews,
        "national_review_case",
    ),
    Endpoint(
        "panel-api:national-review-propose",
        POST,
        can_propose_national_review,
        "submitted_review",
    ),
    # LCSPRs
    Endpoint("lcsprs:lcspr-list", GET, is_signed_in),
    Endpoint("lcsprs:lcspr-detail", GET, is_signed_in, case="lcspr"),
    Endpoint("lcsprs:lcspr-start", POST, can_edit_lcspr, "lcspr"),
    Endpoint("lcsprs:lcspr-final-report", POST, can_record_lcspr_receipt, "lcspr"),
    Endpoint("lcsprs:lcspr-planned-publication", POST, can_edit_lcspr, "lcspr"),
    Endpoint("lcsprs:lcspr-publish", POST, can_edit_lcspr, "lcspr"),
    Endpoint("lcsprs:lcspr-feedback", FORM, can_give_lcspr_feedback, "lcspr"),
    Endpoint("lcsprs:lcspr-final-report-upload", FORM, can_edit_lcspr, "lcspr"),
    Endpoint("lcsprs:lcspr-final-report-download", GET, is_signed_in, case="lcspr_final_report"),
    Endpoint("lcsprs:lcspr-date-correct", FORM, can_correct_lcspr_dates, "lcspr"),
    Endpoint("lcsprs:lcspr-commission", FORM, can_edit_review, "submitted_review"),
    Endpoint("lcsprs-api:lcspr-list", GET, is_signed_in),
    Endpoint("lcsprs-api:lcspr-detail", GET, is_signed_in, case="lcspr"),
    Endpoint("lcsprs-api:lcspr-final-report", POST, can_edit_lcspr, "lcspr"),
    Endpoint(
        "lcsprs-api:lcspr-final-report-download", GET, is_signed_in, case="lcspr_final_report"
    ),
    Endpoint("lcsprs-api:lcspr-feedback", POST, can_give_lcspr_feedback, "lcspr"),
    # Statistics
    Endpoint("analytics:statistics-index", GET, can_read_statistics),
    Endpoint("analytics:statistics-year", GET, can_read_statistics, case="year"),
    Endpoint("analytics:statistics-compare", GET, can_read_statistics, case="year"),
    Endpoint("analytics:statistics-data-quality", GET, can_read_statistics, case="year"),
    Endpoint("analytics:statistics-recompute", POST, can_manage_statistics, case="year"),
    Endpoint("analytics:snapshot-list", GET, can_read_statistics, case="year"),
    Endpoint("analytics:snapshot-detail", GET, can_read_statistics, case="snapshot"),
    Endpoint("analytics:snapshot-download", GET, can_read_statistics, case="snapshot_download"),
    Endpoint("analytics:export-request", POST, can_read_statistics, case="snapshot"),
    Endpoint("analytics:export-status", GET, can_read_statistics, case="statistics_export"),
    Endpoint("analytics:export-download", GET, can_read_statistics, case="statistics_export"),
    Endpoint("analytics:statistics-table", GET, can_read_statistics, case="year_table"),
    Endpoint("analytics:snapshot-table", GET, can_read_statistics, case="snapshot_table"),
    Endpoint(
        "analytics:snapshot-table-download",
        GET,
        can_read_statistics,
        case="snapshot_table_download",
    ),
    Endpoint("analytics:records-import", FORM, can_manage_statistics),
    # Benchmarking (issue 19): an area beside its region and England. Leads and local
    # authority users their own area (another is a 404); the Panel and administrators any.
    Endpoint("analytics:benchmarking", GET, can_benchmark),
    Endpoint("analytics:benchmarking-download", GET, can_benchmark),
    # Imports on a worker (issue 19): any administrator follows any import; others get 403.
    Endpoint("analytics:records-import-job", GET, can_manage_statistics, case="import_job"),
    Endpoint("analytics:records-import-job-retry", POST, can_manage_statistics, case="import_job"),
    # Cohorts (issue 18): the Panel and administrators read; administrators save and draw
    # samples. A cohort lists cases of every authority, so nobody else sees one (403).
    Endpoint("analytics:cohort-list", GET, can_view_cohorts),
    Endpoint("analytics:cohort-new", FORM, can_view_cohorts),
    Endpoint("analytics:cohort-save", POST, can_build_cohorts),
    Endpoint("analytics:cohort-detail", GET, can_view_cohorts, case="cohort"),
    Endpoint("analytics:cohort-edit", FORM, can_view_cohorts, case="cohort"),
    Endpoint("analytics:cohort-compare", GET, can_view_cohorts, case="cohort"),
    Endpoint("analytics:cohort-compare-download", GET, can_view_cohorts, case="cohort_export"),
    Endpoint("analytics:cohort-sample", GET, can_view_cohorts, case="cohort"),
    Endpoint("analytics:cohort-sample", POST, can_build_cohorts, case="cohort"),
    Endpoint("analytics:cohort-cases-download", GET, can_view_cohorts, case="cohort_export"),
    Endpoint("analytics:cohort-archive", POST, can_build_cohorts, case="cohort"),
)
