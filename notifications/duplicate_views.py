"""Possible duplicate SINs (notifications.duplicates): the Panel's list, and each pair's page
where the secretariat decides. selector -> form -> service -> redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from safeguarding import policy
from safeguarding.audit import audit_list
from safeguarding.forms import form_add_errors
from safeguarding.lists import list_page

from . import duplicates
from .duplicate_forms import DuplicateDecisionForm, DuplicateReopenForm
from .models import PossibleDuplicate

DECIDE = {
    PossibleDuplicate.Status.SAME_INCIDENT: duplicates.possible_duplicate_link,
    PossibleDuplicate.Status.DISMISSED: duplicates.possible_duplicate_dismiss,
}
DONE = {
    PossibleDuplicate.Status.SAME_INCIDENT: "Linked as the same incident.",
    PossibleDuplicate.Status.DISMISSED: "Match dismissed: they are different incidents.",
}


def _service_error(form, exc: duplicates.PossibleDuplicateError) -> None:
    if isinstance(exc, duplicates.PossibleDuplicateInvalid):
        form_add_errors(form, exc.errors)
    else:
        form.add_error(None, str(exc))


@login_required
def duplicate_list(request: HttpRequest) -> HttpResponse:
    policy.require(policy.can_see_duplicates(request.user))
    status = request.GET.get("status", PossibleDuplicate.Status.OPEN)
    if status not in PossibleDuplicate.Status.values:
        status = PossibleDuplicate.Status.OPEN
    listing = list_page(
        request, duplicates.possible_duplicate_list(user=request.user, status=status)
    )
    audit_list(
        user=request.user,
        model=PossibleDuplicate,
        ids=[pair.pk for pair in listing.page.object_list],
        filters={"status": status},
        page=listing.page.number,
    )
    return render(
        request,
        "notifications/duplicate_list.html",
        {"listing": listing, "status": status, "statuses": PossibleDuplicate.Status.choices},
    )


@login_required
def duplicate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pair = duplicates.possible_duplicate_get_for_user(user=request.user, pk=pk)
    policy.require(policy.can_see_duplicates(request.user))
    can_decide = policy.can_decide_duplicate(request.user)
    data = None
    if request.method == "POST":
        policy.require(can_decide)
        data = request.POST
    form = DuplicateDecisionForm(data, initial={"version": pair.version})
    if data is not None and form.is_valid():
        try:
            decide = DECIDE[PossibleDuplicate.Status(form.cleaned_data["decision"])]
            decided = decide(
                pair=pair,
                by=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except duplicates.PossibleDuplicateError as exc:
            _service_error(form, exc)
            pair = duplicates.possible_duplicate_get_for_user(user=request.user, pk=pk)
        else:
            messages.success(request, DONE[decided.status])
            return redirect("notifications:duplicate-detail", pk=pair.pk)
    return _detail(request, pair, form=form, reopen_form=None, can_decide=can_decide)


@login_required
def duplicate_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    pair = duplicates.possible_duplicate_get_for_user(user=request.user, pk=pk)
    policy.require(policy.can_decide_duplicate(request.user))
    form = DuplicateReopenForm(request.POST or None, initial={"version": pair.version})
    if request.method == "POST" and form.is_valid():
        try:
            duplicates.possible_duplicate_reopen(
                pair=pair,
                by=request.user,
                reason=form.cleaned_data["reopen_reason"],
                expected_version=form.cleaned_data["version"],
            )
        except duplicates.PossibleDuplicateError as exc:
            if isinstance(exc, duplicates.PossibleDuplicateInvalid):
                form.add_error("reopen_reason", "Enter why you are reopening the decision")
            else:
                form.add_error(None, str(exc))
            pair = duplicates.possible_duplicate_get_for_user(user=request.user, pk=pk)
        else:
            messages.success(request, "Decision reopened: the possible duplicate is open again.")
            return redirect("notifications:duplicate-detail", pk=pair.pk)
    if request.method != "POST":
        return redirect("notifications:duplicate-detail", pk=pair.pk)
    decision_form = DuplicateDecisionForm(initial={"version": pair.version})
    return _detail(request, pair, form=decision_form, reopen_form=form, can_decide=True)


def _detail(request, pair, *, form, reopen_form, can_decide: bool) -> HttpResponse:
    return render(
        request,
        "notifications/duplicate_detail.html",
        {
            "pair": pair,
            "sins": [pair.first, pair.second],
            "form": form,
            "reopen_form": reopen_form or DuplicateReopenForm(initial={"version": pair.version}),
            "can_decide": can_decide,
            "is_open": pair.status == PossibleDuplicate.Status.OPEN,
        },
    )
