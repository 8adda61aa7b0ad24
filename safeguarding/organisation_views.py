"""Administrators' pages for organisations: move a local authority to another partnership,
merge a partnership into another (each with a check page listing what will move), and add
local authorities and partnerships. Scope first (404), then the policy (403)."""

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from . import organisation_forms as forms
from . import policy
from .email_domains import email_domains_of
from .forms import form_add_errors
from .models import LocalAuthority, Partnership, PartnershipChange
from .moves import (
    MoveConflict,
    MoveError,
    authority_move,
    authority_move_preview,
    effective_date_problem,
    merge_signature,
    partnership_merge,
)
from .organisations import OrganisationInvalid, local_authority_create, partnership_create
from .selectors import local_authority_get_for_user, partnership_list


def _authority_for_admin(request: HttpRequest, ons_code: str) -> LocalAuthority:
    authority = local_authority_get_for_user(user=request.user, ons_code=ons_code)
    policy.require(policy.can_manage_organisations(request.user, authority))
    return authority


def partnership_get_for_user(*, user, code: str) -> Partnership:
    return get_object_or_404(partnership_list(user=user), code=code)


def _partnership_for_admin(request: HttpRequest, code: str) -> Partnership:
    partnership = partnership_get_for_user(user=request.user, code=code)
    policy.require(policy.can_manage_organisations(request.user, partnership))
    return partnership


def _chosen(params, exclude: Partnership) -> tuple[Partnership, date] | None:
    """The partnership and effective date carried to the check page, or None when they are
    missing or no longer valid (the choice is made again)."""
    try:
        effective_on = date.fromisoformat(params.get("effective_on", ""))
    except ValueError:
        return None
    to = Partnership.objects.exclude(pk=exclude.pk).filter(code=params.get("to", "")).first()
    if to is None or effective_date_problem(effective_on):
        return None
    return to, effective_on


def _expected_partnership_id(value: str, authority: LocalAuthority) -> int:
    """The partnership the check page showed. A value that is not one (a broken or altered
    page) counts as a change since the page was shown: the check is shown again."""
    try:
        return int(value)
    except ValueError:
        raise MoveConflict(f"The check page for {authority} was out of date") from None


def _conflict_form(initial: dict, problem: MoveConflict | str) -> forms.ConfirmForm:
    """The check page again, for what would move now: someone changed the authority (or the
    partnership's authorities) after the page was shown, or the page came back incomplete, so
    nothing was changed."""
    form = forms.ConfirmForm(
        {
            "to": initial["to"],
            "effective_on": initial["effective_on"].isoformat(),
            "expected": initial["expected"],
        }
    )
    form.is_valid()
    form.add_error(None, f"{problem}. Nothing was changed: check what will move now and confirm.")
    return form


def _check_url(name: str, arg: str, to: Partnership, effective_on: date) -> str:
    query = urlencode({"to": to.code, "effective_on": effective_on.isoformat()})
    return f"{reverse(name, args=[arg])}?{query}"


# --- Moving a local authority --------------------------------------------------------------------


@login_required
def local_authority_move(request: HttpRequest, ons_code: str) -> HttpResponse:
    authority = _authority_for_admin(request, ons_code)
    return _partnership_choice(
        request,
        leaving=authority.partnership,
        label=f"Which partnership is {authority.name} moving to?",
        check=("local-authority-move-check", authority.ons_code),
        template="safeguarding/local_authority_move.html",
        context={"authority": authority},
    )


def _partnership_choice(
    request: HttpRequest,
    *,
    leaving: Partnership,
    label: str,
    check: tuple[str, str],
    template: str,
    context: dict,
) -> HttpResponse:
    """The first step of a move or a merge: the partnership to go to (not `leaving`) and the
    effective date; once both are right, on to the check page `check` (URL name, argument)."""
    form = forms.MoveForm(
        request.POST if request.method == "POST" else None, exclude=leaving, label=label
    )
    if request.method == "POST" and form.is_valid():
        return redirect(
            _check_url(*check, form.cleaned_data["to"], form.cleaned_data["effective_on"])
        )
    return render(request, template, {**context, "form": form})


@login_required
def local_authority_move_check(request: HttpRequest, ons_code: str) -> HttpResponse:
    authority = _authority_for_admin(request, ons_code)
    params = request.POST if request.method == "POST" else request.GET
    chosen = _chosen(params, authority.partnership)
    if chosen is None:
        if request.method == "POST":
            messages.error(request, "Choose the partnership and the effective date again.")
        return redirect("local-authority-move", ons_code=authority.ons_code)
    to, effective_on = chosen
    initial = {"to": to.code, "effective_on": effective_on, "expected": authority.partnership_id}
    form = forms.ConfirmForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            authority_move(
                authority=authority,
                to=to,
                effective_on=effective_on,
                by=request.user,
                expected_partnership_id=_expected_partnership_id(
                    form.cleaned_data["expected"], authority
                ),
            )
        except MoveConflict as exc:
            authority.refresh_from_db()
            form = _conflict_form(initial | {"expected": authority.partnership_id}, exc)
        except MoveError as exc:
            messages.error(request, f"{exc}.")
            return redirect("local-authority-move", ons_code=authority.ons_code)
        else:
            messages.success(request, f"{authority.name} has moved to {to.name}.")
            return redirect("local-authority-detail", ons_code=authority.ons_code)
    elif request.method == "POST":
        form = _conflict_form(initial, form.INCOMPLETE)
    return render(
        request,
        "safeguarding/local_authority_move_check.html",
        {
            "authority": authority,
            "to": to,
            "effective_on": effective_on,
            "previews": [authority_move_preview(authority=authority)],
            "form": form,
        },
    )


# --- Partnerships and merges ----------------------------------------------------------------------


@login_required
@require_GET
def partnership_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "safeguarding/partnership_list.html",
        {
            "partnerships": partnership_list(user=request.user),
            "can_manage": policy.can_manage_organisations(request.user),
        },
    )


@login_required
@require_GET
def partnership_detail(request: HttpRequest, code: str) -> HttpResponse:
    partnership = partnership_get_for_user(user=request.user, code=code)
    return render(
        request,
        "safeguarding/partnership_detail.html",
        {
            "partnership": partnership,
            "can_manage": policy.can_manage_organisations(request.user, partnership),
            "authorities": partnership.local_authorities.select_related("region"),
            "email_domains": email_domains_of(partnership),
            "changes": PartnershipChange.objects.filter(
                Q(from_partnership=partnership) | Q(to_partnership=partnership)
            ).select_related("from_partnership", "to_partnership", "by"),
        },
    )


@login_required
def partnership_merge_start(request: HttpRequest, code: str) -> HttpResponse:
    partnership = _partnership_for_admin(request, code)
    return _partnership_choice(
        request,
        leaving=partnership,
        label=f"Which partnership is {partnership.name} merging into?",
        check=("partnership-merge-check", partnership.code),
        template="safeguarding/partnership_merge.html",
        context={"partnership": partnership},
    )


@login_required
def partnership_merge_check(request: HttpRequest, code: str) -> HttpResponse:
    partnership = _partnership_for_admin(request, code)
    params = request.POST if request.method == "POST" else request.GET
    chosen = _chosen(params, partnership)
    if chosen is None:
        if request.method == "POST":
            messages.error(request, "Choose the partnership and the effective date again.")
        return redirect("partnership-merge", code=partnership.code)
    to, effective_on = chosen
    authorities = list(partnership.local_authorities.order_by("name"))
    initial = {
        "to": to.code,
        "effective_on": effective_on,
        "expected": merge_signature(authorities),
    }
    form = forms.ConfirmForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            partnership_merge(
                partnership=partnership,
                into=to,
                effective_on=effective_on,
                by=request.user,
                expected_signature=form.cleaned_data["expected"],
            )
        except MoveConflict as exc:
            authorities = list(partnership.local_authorities.order_by("name"))
            form = _conflict_form(initial | {"expected": merge_signature(authorities)}, exc)
        except MoveError as exc:
            messages.error(request, f"{exc}.")
            return redirect("partnership-merge", code=partnership.code)
        else:
            moved = len(authorities)
            messages.success(
                request,
                f"{partnership.name} has merged into {to.name}: {moved} local "
                f"authorit{'y' if moved == 1 else 'ies'} moved.",
            )
            return redirect("partnership-detail", code=to.code)
    elif request.method == "POST":
        form = _conflict_form(initial, form.INCOMPLETE)
    return render(
        request,
        "safeguarding/partnership_merge_check.html",
        {
            "partnership": partnership,
            "to": to,
            "effective_on": effective_on,
            "previews": [authority_move_preview(authority=a) for a in authorities],
            "form": form,
        },
    )


# --- Adding reference data ---------------------------------------------------------------------


@login_required
def local_authority_add(request: HttpRequest) -> HttpResponse:
    policy.require(policy.can_manage_organisations(request.user))
    form = forms.LocalAuthorityForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            authority = local_authority_create(**form.cleaned_data, by=request.user)
        except OrganisationInvalid as exc:
            form_add_errors(form, exc.errors)
        else:
            messages.success(request, f"{authority.name} has been added.")
            return redirect("local-authority-detail", ons_code=authority.ons_code)
    return render(request, "safeguarding/local_authority_add.html", {"form": form})


@login_required
def partnership_add(request: HttpRequest) -> HttpResponse:
    policy.require(policy.can_manage_organisations(request.user))
    form = forms.PartnershipForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            partnership = partnership_create(**form.cleaned_data, by=request.user)
        except OrganisationInvalid as exc:
            form_add_errors(form, exc.errors)
        else:
            messages.success(request, f"{partnership.name} has been added.")
            return redirect("partnership-detail", code=partnership.code)
    return render(request, "safeguarding/partnership_add.html", {"form": form})
