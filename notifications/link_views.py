"""Linked cases on the web (notifications.links): link the SIN to another case, remove a link;
and the case's whole file as one PDF (safeguarding.case_file), asked for from any part of it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from safeguarding import policy
from safeguarding.document_views import request_and_redirect
from safeguarding.errors import DomainError, DomainInvalid
from safeguarding.forms import form_add_errors

from . import links, selectors
from .case_file import CASE_FILE
from .link_forms import LinkedCaseAddForm, LinkedCaseRemoveForm
from .models import Notification


def _linkable(request: HttpRequest, pk: int) -> Notification:
    notification = selectors.notification_get_for_user(user=request.user, pk=pk)
    policy.require(policy.can_link_cases(request.user, notification))
    return notification


def _back(notification: Notification) -> HttpResponse:
    response = redirect("notifications:notification-detail", pk=notification.pk)
    response["Location"] += "#linked-cases"
    return response


@login_required
def linked_case_add(request: HttpRequest, pk: int) -> HttpResponse:
    notification = _linkable(request, pk)
    if notification.status != Notification.Status.SUBMITTED:
        messages.error(request, "Only a submitted notification can be linked to another case.")
        return redirect("notifications:notification-detail", pk=notification.pk)
    form = LinkedCaseAddForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            links.linked_case_add(
                notification=notification,
                reference=data["reference"],
                kind=data["kind"],
                reason=data["reason"],
                by=request.user,
            )
        except DomainInvalid as exc:
            form_add_errors(form, exc.errors)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The cases have been linked.")
            return _back(notification)
    return render(
        request,
        "notifications/linked_case_add.html",
        {"notification": notification, "form": form},
    )


@login_required
def linked_case_remove(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    notification = _linkable(request, pk)
    link = links.linked_case_get(notification=notification, pk=link_pk)
    shown = next(
        (
            view
            for view in links.linked_cases_for(user=request.user, notification=notification)
            if view.pk == link.pk
        ),
        None,
    )
    form = LinkedCaseRemoveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            links.linked_case_remove(link=link, reason=form.cleaned_data["reason"], by=request.user)
        except DomainInvalid as exc:
            form_add_errors(form, exc.errors)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The link has been removed.")
            return _back(notification)
    return render(
        request,
        "notifications/linked_case_remove.html",
        {"notification": notification, "form": form, "linked": shown},
    )


@login_required
def case_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The page the "This case" panel links to: what the file holds, and the button that asks
    for it (a POST, so following a link never starts a rendering)."""
    notification = selectors.notification_get_for_user(user=request.user, pk=pk)
    if request.method == "POST":
        return request_and_redirect(request, kind=CASE_FILE, subject=notification)
    return render(request, "notifications/case_file.html", {"notification": notification})
