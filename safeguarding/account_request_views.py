"""Asking for an account (public), deciding a request (the organisation's approvers and
administrators), and an organisation's work e-mail domains (administrators). Scope first
(404), then the policy (403); the work is done by `account_requests` and `email_domains`."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import policy
from .account_request_forms import APPROVE, AccountRequestForm, DecisionForm, EmailDomainForm
from .account_requests import (
    ALREADY_DECIDED,
    AccountRequestConflict,
    account_request_approve,
    account_request_get_for_user,
    account_request_reject,
    account_request_submit,
)
from .email_domains import email_domain_add, email_domain_remove
from .errors import DomainInvalid
from .forms import form_add_errors
from .lockout import client_ip
from .models import AccountRequest, EmailDomain, LocalAuthority, Partnership
from .organisation_views import partnership_get_for_user
from .selectors import local_authority_get_for_user
from .throttling import parse_rate, rate_count

REQUEST_LIMIT_MESSAGE = (
    "You have sent too many requests for an account. Wait an hour and try again, or ask "
    "someone in your organisation who uses the service."
)


def _over_the_limit(request: HttpRequest, email: str) -> bool:
    """Requests are counted per client address and per address typed
    (settings.ACCOUNT_REQUEST_RATE), for any address, as password resets are, so the limit
    says nothing about accounts either. The cache holds a digest, not the address."""
    rate = settings.ACCOUNT_REQUEST_RATE
    allowed, _ = parse_rate(rate)
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    counts = [
        rate_count(scope="account-request-ip", ident=client_ip(request) or "", rate=rate),
        rate_count(scope="account-request-email", ident=digest, rate=rate),
    ]
    return max(counts) > allowed


@never_cache
@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest) -> HttpResponse:
    form = AccountRequestForm(request.POST or None)
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        if _over_the_limit(request, data["email"]):
            form.add_error(None, REQUEST_LIMIT_MESSAGE)
            status = 429
        else:
            try:
                account_request_submit(
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=data["email"],
                    role=data["role"],
                    local_authority=data.get("local_authority"),
                    partnership=data.get("partnership"),
                    reason=data["reason"],
                )
            except DomainInvalid as error:
                form_add_errors(form, error.errors)
            else:
                # The same page whether or not the address has an account.
                return redirect("account-request-sent")
    return render(request, "people/account_request.html", {"form": form}, status=status)


@require_GET
def sent(request: HttpRequest) -> HttpResponse:
    return render(request, "people/account_request_sent.html")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, request_pk: int) -> HttpResponse:
    account_request = account_request_get_for_user(user=request.user, pk=request_pk)
    policy.require(policy.can_decide_account_request(request.user, account_request))
    pending = account_request.status == AccountRequest.Status.PENDING
    if request.method == "POST" and not pending:
        status = account_request.get_status_display().lower()
        messages.error(request, ALREADY_DECIDED.format(status=status))
        return redirect("people-request-detail", request_pk=account_request.pk)
    form = DecisionForm(request.POST or None, initial={"version": account_request.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == APPROVE:
                person = account_request_approve(
                    account_request=account_request,
                    by=request.user,
                    expected_version=data["version"],
                )
            else:
                account_request_reject(
                    account_request=account_request,
                    by=request.user,
                    expected_version=data["version"],
                    reason=data["decision_reason"],
                )
        except AccountRequestConflict as error:
            # Decided by someone else since the page was shown: the request as it is now.
            messages.error(request, str(error))
            return redirect("people-request-detail", request_pk=account_request.pk)
        except DomainInvalid as error:
            form_add_errors(form, error.errors)
        else:
            if data["decision"] == APPROVE:
                messages.success(
                    request,
                    f"Request approved: an invitation has been sent to {person.email}.",
                )
                return redirect("people-detail", user_pk=person.pk)
            messages.success(
                request,
                f"Request rejected: {account_request.email} has been emailed your reason.",
            )
            return redirect("people-list")
    return render(
        request,
        "people/account_request_decide.html",
        {"account_request": account_request, "form": form, "pending": pending},
    )


# --- Work e-mail domains -----------------------------------------------------------------------


def _domains_page(request: HttpRequest, organisation, *, back: str, remove: str) -> HttpResponse:
    policy.require(policy.can_manage_organisations(request.user, organisation))
    form = EmailDomainForm(request.POST or None)
    if form.is_valid():
        try:
            made = email_domain_add(
                by=request.user, organisation=organisation, domain=form.cleaned_data["domain"]
            )
        except DomainInvalid as error:
            form_add_errors(form, error.errors)
        else:
            messages.success(request, f"{made.domain} has been added.")
            return redirect(request.path)
    field = "local_authority" if isinstance(organisation, LocalAuthority) else "partnership"
    return render(
        request,
        "safeguarding/email_domains.html",
        {
            "organisation": organisation,
            "domains": EmailDomain.objects.filter(**{field: organisation}).order_by("domain"),
            "form": form,
            "back": back,
            "remove": remove,
        },
    )


def _domain_remove(request: HttpRequest, organisation, *, page: str) -> HttpResponse:
    policy.require(policy.can_manage_organisations(request.user, organisation))
    try:
        domain_pk = int(request.POST.get("domain", ""))
    except ValueError:
        domain_pk = None
    removed = (
        email_domain_remove(by=request.user, organisation=organisation, domain_pk=domain_pk)
        if domain_pk is not None and 0 < domain_pk < 2**31
        else None
    )
    if removed is None:
        messages.error(request, "That domain had already been removed: nothing was changed.")
    else:
        messages.success(request, f"{removed.domain} has been removed.")
    return redirect(page)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def local_authority_email_domains(request: HttpRequest, ons_code: str) -> HttpResponse:
    authority = local_authority_get_for_user(user=request.user, ons_code=ons_code)
    return _domains_page(
        request,
        authority,
        back=reverse("local-authority-detail", args=[authority.ons_code]),
        remove=reverse("local-authority-email-domain-remove", args=[authority.ons_code]),
    )


@login_required
@require_POST
def local_authority_email_domain_remove(request: HttpRequest, ons_code: str) -> HttpResponse:
    authority = local_authority_get_for_user(user=request.user, ons_code=ons_code)
    return _domain_remove(
        request,
        authority,
        page=reverse("local-authority-email-domains", args=[authority.ons_code]),
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def partnership_email_domains(request: HttpRequest, code: str) -> HttpResponse:
    partnership: Partnership = partnership_get_for_user(user=request.user, code=code)
    return _domains_page(
        request,
        partnership,
        back=reverse("partnership-detail", args=[partnership.code]),
        remove=reverse("partnership-email-domain-remove", args=[partnership.code]),
    )


@login_required
@require_POST
def partnership_email_domain_remove(request: HttpRequest, code: str) -> HttpResponse:
    partnership = partnership_get_for_user(user=request.user, code=code)
    return _domain_remove(
        request,
        partnership,
        page=reverse("partnership-email-domains", args=[partnership.code]),
    )
