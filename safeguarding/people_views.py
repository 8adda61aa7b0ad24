"""The team pages (/people/): the people a user manages, a person's page with their account's
history, invitations, role changes, deactivation and API tokens. Scope comes from
`people.person_get_for_user` (404), permission from `policy` (403), the work from the
services in `people`, `invitations` and `api_tokens`."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import policy
from .account_requests import account_requests_pending
from .api_tokens import ApiTokenRefused, api_token_create, api_token_revoke, api_tokens_of
from .errors import DomainConflict, DomainInvalid
from .filter_forms import filtered_list
from .forms import form_add_errors
from .history import case_history
from .invitations import (
    InvitationClosed,
    invitation_accept,
    invitation_cancel,
    invitation_for_token,
    invitation_resend,
    person_invite,
)
from .lists import list_page
from .people import (
    PersonError,
    people_list,
    person_change,
    person_deactivate,
    person_get_for_user,
    person_reactivate,
)
from .people_forms import (
    AcceptInvitationForm,
    ApiTokenForm,
    InviteForm,
    PeopleFilterForm,
    PersonChangeForm,
    VersionForm,
)
from .second_factor import authenticator_get

PEOPLE_PAGE_SIZE = 50


def _refuse_other_organisation(request: HttpRequest) -> None:
    """An approver's form asks for no role or organisation (theirs are given); a request that
    names another anyway (a role the approver cannot give, another authority) is refused."""
    user = request.user
    if request.method != "POST" or policy.is_administrator(user):
        return
    own = {
        "role": user.role,
        "local_authority": str(user.local_authority_id or ""),
        "partnership": str(user.partnership_id or ""),
    }
    for name, value in own.items():
        sent = request.POST.get(name, "")
        policy.require(not sent or sent == value)


def _name(person) -> str:
    return person.get_full_name() or person.get_username()


@login_required
@require_GET
def people(request: HttpRequest) -> HttpResponse:
    policy.require(policy.can_see_people(request.user))
    form = PeopleFilterForm(request.GET or None, user=request.user)
    _filters, found = filtered_list(form, lambda f: people_list(user=request.user, filters=f))
    return render(
        request,
        "people/people_list.html",
        {
            "form": form,
            "listing": list_page(request, found, per_page=PEOPLE_PAGE_SIZE),
            "can_invite": policy.can_manage_people(request.user),
            "account_requests": list(account_requests_pending(user=request.user)[:100]),
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    policy.require(policy.can_manage_people(request.user))
    _refuse_other_organisation(request)
    form = InviteForm(request.POST or None, by=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            person = person_invite(
                by=request.user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                **form.service_values(),
            )
        except DomainInvalid as error:
            form_add_errors(form, error.errors)
        else:
            messages.success(request, f"Invitation sent to {person.email}.")
            return redirect("people-detail", user_pk=person.pk)
    return render(
        request,
        "people/person_invite.html",
        {"form": form, "invitation_days": settings.INVITATION_DAYS},
    )


def _actions(viewer, person) -> dict[str, bool]:
    manage = policy.can_manage_people(viewer, person)
    return {
        "change": manage,
        "deactivate": manage and person.is_active and person.pk != viewer.pk,
        "reactivate": manage and person.status == "deactivated" and person.has_usable_password(),
        "resend": manage and not person.is_active and not person.has_usable_password(),
        "cancel": manage and person.is_invited,
        "tokens": policy.can_manage_api_tokens(viewer, person),
        "reset_second_factor": policy.can_reset_second_factor(viewer, person),
    }


@login_required
@require_GET
def person_detail(request: HttpRequest, user_pk: int) -> HttpResponse:
    person = person_get_for_user(user=request.user, pk=user_pk)
    actions = _actions(request.user, person)
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "actions": actions,
            "has_second_factor": authenticator_get(user=person) is not None,
            "tokens": api_tokens_of(user=person) if actions["tokens"] else [],
            "history": case_history(person),
            "version_form": VersionForm(initial={"version": person.version}),
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def person_change_view(request: HttpRequest, user_pk: int) -> HttpResponse:
    person = person_get_for_user(user=request.user, pk=user_pk)
    policy.require(policy.can_manage_people(request.user, person))
    _refuse_other_organisation(request)
    initial = {
        "version": person.version,
        "role": person.role,
        "local_authority": person.local_authority_id,
        "partnership": person.partnership_id,
        "is_approver": "yes" if person.is_approver else "no",
    }
    form = PersonChangeForm(request.POST or None, initial=initial, by=request.user)
    if form.is_valid():
        try:
            person_change(
                person=person,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                **form.service_values(),
            )
        except DomainConflict as error:
            form.add_error(None, str(error))
        except DomainInvalid as error:
            form_add_errors(form, error.errors)
        else:
            messages.success(request, f"{_name(person)}'s account has been changed.")
            return redirect("people-detail", user_pk=person.pk)
    return render(request, "people/person_change.html", {"form": form, "person": person})


def _confirmed_action(request, user_pk: int, *, service, template: str, done: str):
    """A confirmation page (GET) and the change it confirms (POST, with the version seen)."""
    person = person_get_for_user(user=request.user, pk=user_pk)
    policy.require(policy.can_manage_people(request.user, person))
    form = VersionForm(request.POST or None, initial={"version": person.version})
    if form.is_valid():
        try:
            service(person=person, by=request.user, expected_version=form.cleaned_data["version"])
        except PersonError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, done.format(name=_name(person)))
            return redirect("people-detail", user_pk=person.pk)
    return render(request, template, {"form": form, "person": person})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def deactivate(request: HttpRequest, user_pk: int) -> HttpResponse:
    return _confirmed_action(
        request,
        user_pk,
        service=person_deactivate,
        template="people/person_deactivate.html",
        done="{name}'s account has been deactivated: they have been signed out everywhere.",
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def reactivate(request: HttpRequest, user_pk: int) -> HttpResponse:
    return _confirmed_action(
        request,
        user_pk,
        service=person_reactivate,
        template="people/person_reactivate.html",
        done="{name}'s account has been reactivated: they can sign in again.",
    )


STALE_PAGE = (
    "Nothing has been changed: the page you used was out of date. Check the account as it "
    "is now and try again."
)


def _invitation_action(request, user_pk: int, *, service, done: str) -> HttpResponse:
    person = person_get_for_user(user=request.user, pk=user_pk)
    policy.require(policy.can_manage_people(request.user, person))
    form = VersionForm(request.POST)
    if not form.is_valid():
        # Without the version seen, a change made since could be overwritten: do nothing.
        messages.error(request, STALE_PAGE)
        return redirect("people-detail", user_pk=person.pk)
    try:
        service(person=person, by=request.user, expected_version=form.cleaned_data["version"])
    except PersonError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done.format(name=_name(person), email=person.email))
    return redirect("people-detail", user_pk=person.pk)


@login_required
@require_POST
def invitation_resend_view(request: HttpRequest, user_pk: int) -> HttpResponse:
    return _invitation_action(
        request,
        user_pk,
        service=invitation_resend,
        done="A new invitation has been sent to {email}. The earlier link no longer works.",
    )


@login_required
@require_POST
def invitation_cancel_view(request: HttpRequest, user_pk: int) -> HttpResponse:
    return _invitation_action(
        request,
        user_pk,
        service=invitation_cancel,
        done="{name}'s invitation has been cancelled: the link no longer works.",
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def api_token_create_view(request: HttpRequest, user_pk: int) -> HttpResponse:
    person = person_get_for_user(user=request.user, pk=user_pk)
    policy.require(policy.can_manage_api_tokens(request.user, person))
    form = ApiTokenForm(request.POST or None)
    if form.is_valid():
        try:
            token, raw = api_token_create(
                user=person,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
                by=request.user,
            )
        except ApiTokenRefused as error:
            form.add_error(None, str(error))
        else:
            # Shown once, in the answer to the POST itself (never_cache: no-store), and kept
            # nowhere else: not in the session, not on a later page.
            return render(
                request,
                "people/api_token_created.html",
                {"person": person, "token": token, "raw": raw},
            )
    return render(request, "people/api_token_create.html", {"form": form, "person": person})


@login_required
@require_POST
def api_token_revoke_view(request: HttpRequest, user_pk: int) -> HttpResponse:
    person = person_get_for_user(user=request.user, pk=user_pk)
    policy.require(policy.can_manage_api_tokens(request.user, person))
    try:
        token = api_token_revoke(
            user=person, token_key=request.POST.get("token", "")[:50], by=request.user
        )
    except ApiTokenRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"The API token {token.name!r} has been revoked.")
    return redirect("people-detail", user_pk=person.pk)


CLOSED_MESSAGES = {
    "unknown": "This link is not right. Check that you copied the whole link from the email.",
    "expired": "This invitation has expired.",
    "used": "This invitation has already been used to set a password.",
    "withdrawn": "This invitation has been cancelled or replaced by a newer one.",
}


@never_cache
@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, token: str) -> HttpResponse:
    """Choose a password from an invitation's link; the account opens and the person is
    signed in, then set up their second factor (safeguarding.middleware)."""
    try:
        invitation = invitation_for_token(token)
    except InvitationClosed as closed:
        return render(
            request,
            "people/invitation_closed.html",
            {"message": CLOSED_MESSAGES[closed.reason], "reason": closed.reason},
            status=404 if closed.reason == "unknown" else 410,
        )
    person = invitation.user
    form = AcceptInvitationForm(person, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = invitation_accept(token=token, password=form.cleaned_data["new_password1"])
        except InvitationClosed as closed:
            return render(
                request,
                "people/invitation_closed.html",
                {"message": CLOSED_MESSAGES[closed.reason], "reason": closed.reason},
                status=410,
            )
        login(request, person, backend="safeguarding.backends.RoleBackend")
        messages.success(
            request,
            "Your password is saved. Now set up an authenticator app: you will use it each "
            "time you sign in.",
        )
        return redirect("home")
    return render(request, "people/invitation_accept.html", {"form": form, "person": person})
