"""Panel meeting pages (issue 17, item 2): the list, scheduling and changing a meeting,
cancelling it, the meeting's page with its agenda, adding, removing and reordering agenda
items, and asking for the agenda pack. selector -> form -> service -> redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from rapidreviews.models import RapidReview
from safeguarding import policy
from safeguarding.audit import audit_list
from safeguarding.document_views import request_and_redirect
from safeguarding.forms import form_add_errors

from . import meeting_forms, meeting_selectors, meeting_services
from .agenda_pack import AGENDA_PACK
from .models import PanelMeeting


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    """Upcoming meetings, the soonest first, then past ones, the latest first."""
    upcoming, past = meeting_selectors.panel_meeting_list(
        user=request.user, today=timezone.localdate()
    )
    return render(
        request,
        "panel/meeting_list.html",
        {
            "upcoming": upcoming,
            "past": past,
            "can_manage": policy.can_manage_meetings(request.user),
        },
    )


def _members():
    return meeting_selectors.meeting_attendee_choices()


@login_required
def meeting_add(request: HttpRequest) -> HttpResponse:
    policy.require(policy.can_manage_meetings(request.user))
    if request.method == "POST":
        form = meeting_forms.MeetingForm(request.POST, members=_members())
        if form.is_valid():
            try:
                meeting = meeting_services.panel_meeting_create(
                    by=request.user, details=form.details()
                )
            except meeting_services.MeetingInvalid as exc:
                form_add_errors(form, exc.errors)
            except meeting_services.MeetingError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"The {meeting} has been scheduled.")
                return redirect("panel:meeting-detail", pk=meeting.pk)
    else:
        form = meeting_forms.MeetingForm(members=_members())
    return render(request, "panel/meeting_form.html", {"form": form, "meeting": None})


def _meeting_for_managing(request: HttpRequest, pk: int) -> PanelMeeting:
    meeting = meeting_selectors.panel_meeting_get_for_user(user=request.user, pk=pk)
    policy.require(policy.can_manage_meetings(request.user, meeting))
    return meeting


def _with_version(request: HttpRequest, version: int):
    data = request.POST.copy()
    data["version"] = str(version)
    return data


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_managing(request, pk)
    if request.method == "POST":
        form = meeting_forms.MeetingForm(request.POST, members=_members())
        if form.is_valid():
            try:
                meeting_services.panel_meeting_update(
                    meeting=meeting,
                    by=request.user,
                    details=form.details(),
                    expected_version=form.cleaned_data["version"] or 0,
                )
            except meeting_services.MeetingConflict as exc:
                # What they typed stays; saving again now replaces the newer version.
                form = meeting_forms.MeetingForm(
                    _with_version(request, exc.current.version), members=_members()
                )
                form.is_valid()
                form.add_error(None, str(exc))
                meeting = exc.current
            except meeting_services.MeetingInvalid as exc:
                form_add_errors(form, exc.errors)
            except meeting_services.MeetingError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "The meeting has been changed.")
                return redirect("panel:meeting-detail", pk=meeting.pk)
    else:
        form = meeting_forms.MeetingForm(
            initial={
                "version": meeting.version,
                "title": meeting.title,
                "date": meeting.date,
                "start_time": f"{meeting.start_time:%H:%M}",
                "location": meeting.location,
                "attendees": list(meeting.attendees.all()),
            },
            members=_members(),
        )
    return render(request, "panel/meeting_form.html", {"form": form, "meeting": meeting})


@login_required
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_managing(request, pk)
    if request.method == "POST":
        form = meeting_forms.MeetingCancelForm(request.POST)
        if form.is_valid():
            try:
                meeting_services.panel_meeting_cancel(
                    meeting=meeting,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["version"],
                )
            except meeting_services.MeetingInvalid as exc:
                form_add_errors(form, exc.errors)
            except meeting_services.MeetingError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "The meeting has been cancelled.")
                return redirect("panel:meeting-detail", pk=meeting.pk)
    else:
        form = meeting_forms.MeetingCancelForm(initial={"version": meeting.version})
    return render(request, "panel/meeting_cancel.html", {"form": form, "meeting": meeting})


@login_required
@require_POST
def meeting_held(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_managing(request, pk)
    try:
        meeting_services.panel_meeting_mark_held(meeting=meeting, by=request.user)
    except meeting_services.MeetingError as exc:
        messages.error(request, f"{exc}.")
    else:
        messages.success(request, "The meeting is marked as held.")
    return redirect("panel:meeting-detail", pk=meeting.pk)


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting, who attends, and its agenda: each review's reference, partnership,
    submission date, summary and current decision, with a link to record the decision at
    this meeting."""
    user = request.user
    meeting = meeting_selectors.panel_meeting_get_for_user(user=user, pk=pk)
    items = meeting_selectors.agenda_list(user=user, meeting=meeting)
    audit_list(user=user, model=RapidReview, ids=[item.review_id for item in items])
    return render(
        request,
        "panel/meeting_detail.html",
        {
            "meeting": meeting,
            "attendees": list(meeting.attendees.order_by("last_name", "first_name", "pk")),
            "items": items,
            "can_manage": policy.can_manage_meetings(user, meeting),
            "can_decide": policy.can_decide(user),
            "open": meeting.status != PanelMeeting.Status.CANCELLED,
            "can_mark_held": meeting.status == PanelMeeting.Status.SCHEDULED
            and meeting.date <= timezone.localdate(),
        },
    )


@login_required
def meeting_agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_managing(request, pk)
    candidates = meeting_selectors.agenda_candidates(user=request.user, meeting=meeting)
    if request.method == "POST":
        form = meeting_forms.AgendaAddForm(request.POST, candidates=candidates)
        if form.is_valid():
            chosen = sorted(form.cleaned_data["reviews"], key=lambda r: (r.submitted_at, r.pk))
            try:
                added = meeting_services.agenda_items_add(
                    meeting=meeting, reviews=chosen, by=request.user
                )
            except meeting_services.MeetingInvalid as exc:
                form_add_errors(form, exc.errors)
            except meeting_services.MeetingError as exc:
                form.add_error(None, str(exc))
            else:
                count = len(added)
                messages.success(
                    request, f"{count} rapid review{'s' if count != 1 else ''} added to the agenda."
                )
                return redirect("panel:meeting-detail", pk=meeting.pk)
    else:
        form = meeting_forms.AgendaAddForm(candidates=candidates)
    return render(
        request,
        "panel/meeting_agenda_add.html",
        {"form": form, "meeting": meeting, "has_candidates": candidates.exists()},
    )


@login_required
@require_POST
def agenda_item_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = meeting_selectors.agenda_item_get_for_user(user=request.user, pk=pk)
    policy.require(policy.can_manage_meetings(request.user, item.meeting))
    try:
        meeting_services.agenda_item_remove(item=item, by=request.user)
    except meeting_services.MeetingError as exc:
        messages.error(request, f"{exc}.")
    else:
        messages.success(
            request, f"{item.review.notification.reference} has been removed from the agenda."
        )
    return redirect("panel:meeting-detail", pk=item.meeting_id)


@login_required
@require_POST
def agenda_item_move(request: HttpRequest, pk: int) -> HttpResponse:
    item = meeting_selectors.agenda_item_get_for_user(user=request.user, pk=pk)
    policy.require(policy.can_manage_meetings(request.user, item.meeting))
    try:
        meeting_services.agenda_item_move(
            item=item, by=request.user, direction=request.POST.get("direction", "")
        )
    except meeting_services.MeetingError as exc:
        messages.error(request, f"{exc}.")
    return redirect(f"{_detail_url(item.meeting_id)}#agenda-item-{item.pk}")


def _detail_url(pk: int) -> str:
    return reverse("panel:meeting-detail", args=[pk])


@login_required
@require_POST
def meeting_agenda_pack(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for the agenda pack (PDF, made on a worker); its page says when it is ready."""
    meeting = meeting_selectors.panel_meeting_get_for_user(user=request.user, pk=pk)
    return request_and_redirect(request, kind=AGENDA_PACK, subject=meeting)
