"""Panel pages: the queue, the decision (and its corrections), the response letter.
selector -> form -> service -> redirect."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from notifications.timescales import SIN_DEADLINE_WORKING_DAYS
from rapidreviews.models import RapidReview
from rapidreviews.selectors import rapid_review_answers
from safeguarding import policy
from safeguarding.audit import audit_list, audit_read, case_access_log
from safeguarding.calendars import england_calendar
from safeguarding.filter_forms import filtered_list
from safeguarding.forms import form_add_errors
from safeguarding.limits import id_or_none
from safeguarding.lists import list_page
from safeguarding.selectors import local_authority_list, partnership_list

from . import allocations, forms, list_forms, meeting_selectors, selectors, services
from .models import PanelDecision, PanelMemberProfile, ResponseLetter
from .targets import decision_target, decision_target_status


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Submitted reviews, those awaiting the Panel's decision (unless the filters say otherwise)
    the longest waiting first, 25 a page."""
    today = timezone.localdate()
    form = forms.PanelQueueFilterForm.for_user(request.GET or None, user=request.user)
    filters, reviews = filtered_list(
        form, lambda f: selectors.panel_queue(user=request.user, filters=f)
    )
    listing = list_page(request, reviews)
    calendar = england_calendar()
    rows = [
        {
            "review": review,
            "days_waiting": (today - timezone.localdate(review.submitted_at)).days,
            "target": decision_target(review, calendar=calendar, today=today),
            "target_status": decision_target_status(review, today=today, calendar=calendar),
        }
        for review in listing.page.object_list
    ]
    audit_list(
        user=request.user,
        model=RapidReview,
        ids=[row["review"].pk for row in rows],
        filters=filters,
        page=listing.page.number,
    )
    return render(
        request,
        "panel/queue.html",
        {
            "form": form,
            "listing": listing,
            "rows": rows,
            "awaiting_only": (filters or {}).get("stage", selectors.AWAITING) == selectors.AWAITING,
            "sin_deadline_working_days": SIN_DEADLINE_WORKING_DAYS,
            "can_allocate": policy.can_allocate(request.user),
        },
    )


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    summary = selectors.panel_overview(user=request.user, today=timezone.localdate())
    return render(request, "panel/overview.html", {"overview": summary})


@login_required
def decision_list(request: HttpRequest) -> HttpResponse:
    """Each review's current decision, the latest decided first."""
    user = request.user
    form = list_forms.DecisionFilterForm(
        request.GET or None,
        partnerships=partnership_list(user=user),
        authorities=local_authority_list(user=user),
    )
    filters, decisions = filtered_list(
        form,
        lambda f: selectors.panel_decision_list_for_user(user=user, filters={**f, "current": True}),
    )
    listing = list_page(request, decisions)
    audit_list(
        user=user,
        model=PanelDecision,
        ids=[d.pk for d in listing.page.object_list],
        filters=filters,
        page=listing.page.number,
    )
    return render(request, "panel/decision_list.html", {"form": form, "listing": listing})


@login_required
def letter_list(request: HttpRequest) -> HttpResponse:
    """Response letters, failed ones first, then those not sent yet, then the sent ones."""
    user = request.user
    panel = policy.can_see_panel_queue(user)
    form = list_forms.LetterFilterForm(
        request.GET or None, partnerships=partnership_list(user=user), show_status=panel
    )
    filters, letters = filtered_list(
        form, lambda f: selectors.response_letter_queue(user=user, filters=f)
    )
    listing = list_page(request, letters)
    audit_list(
        user=user,
        model=ResponseLetter,
        ids=[letter.pk for letter in listing.page.object_list],
        filters=filters,
        page=listing.page.number,
    )
    return render(
        request, "panel/letter_list.html", {"form": form, "listing": listing, "panel": panel}
    )


def _decision_context(request: HttpRequest, review, form) -> dict:
    user = request.user
    letters = list(selectors.response_letter_list_for_review(user=user, review=review))
    decisions = list(selectors.panel_decision_list(review=review))
    notification = review.notification
    return {
        "review": review,
        "notification": notification,
        # The review itself, so that the Panel decides with it in front of it.
        "answers": rapid_review_answers(review=review),
        "child": notification.child_in_focus,
        "show_names": policy.can_see_child_identity(user, notification),
        "form": form,
        "decisions": decisions,
        "current": selectors.panel_decision_current(review=review),
        "can_decide": policy.can_decide(user, review),
        "can_write_letter": policy.can_write_letter(user, review),
        # Which meeting took a decision is the Panel's business, like its meetings.
        "can_see_meetings": policy.can_see_meetings(user),
        "letters": letters,
        "access_log": case_access_log(
            user=user, records=[review, review.notification, *decisions, *letters]
        ),
    }


@login_required
def decision(request: HttpRequest, review_pk: int) -> HttpResponse:
    """Record the decision, or correct it; every version is listed below."""
    review = selectors.panel_review_get_for_user(user=request.user, pk=review_pk)
    current = selectors.panel_decision_current(review=review)
    # Recorded from a meeting's page (`?meeting=<pk>`): taken at that meeting, back there
    # afterwards. A meeting whose agenda does not hold the review is ignored.
    meeting = meeting_selectors.panel_meeting_for_decision(
        user=request.user, review=review, meeting_pk=request.GET.get("meeting")
    )
    if current is None and review.status != RapidReview.Status.SUBMITTED:
        # Not sent to the Panel yet: nothing to decide, the review's own page is the place.
        return redirect("rapidreviews:review-detail", pk=review.pk)
    correcting = current is not None
    form = None
    if policy.can_decide(request.user, review):
        if request.method == "POST":
            form = forms.DecisionForm(request.POST, correcting=correcting)
        else:
            initial = forms.decision_initial(current) if current else None
            form = forms.DecisionForm(initial=initial, correcting=correcting)
    elif request.method == "POST":
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        try:
            if current is None:
                services.panel_decision_record(
                    review=review, by=request.user, answers=form.answers(), meeting=meeting
                )
                messages.success(request, "The Panel's decision has been recorded.")
            else:
                services.panel_decision_correct(
                    decision=current,
                    by=request.user,
                    correction_reason=form.cleaned_data["correction_reason"],
                    answers=form.answers(),
                    meeting=meeting,
                )
                messages.success(request, "The Panel's decision has been corrected.")
        except services.PanelInvalid as exc:
            form_add_errors(form, exc.errors)
        except services.PanelError as exc:
            form.add_error(None, str(exc))
        else:
            if meeting is not None:
                return redirect("panel:meeting-detail", pk=meeting.pk)
            return redirect("panel:decision", review_pk=review.pk)
    context = _decision_context(request, review, form)
    return render(
        request,
        "panel/decision.html",
        {**context, "correcting": correcting, "meeting": meeting},
    )


def _review_for_letter(request: HttpRequest, review_pk: int):
    review = selectors.panel_review_get_for_user(user=request.user, pk=review_pk)
    policy.require(policy.can_write_letter(request.user, review))
    return review


@login_required
def letter_draft(request: HttpRequest, review_pk: int) -> HttpResponse:
    """Write (or go on editing) the draft letter, starting from the template."""
    review = _review_for_letter(request, review_pk)
    current = selectors.panel_decision_current(review=review)
    if current is None:
        messages.error(request, "Record the Panel's decision before writing the letter.")
        return redirect("panel:decision", review_pk=review.pk)
    draft = selectors.response_letter_open_draft(review=review)
    if request.method == "POST":
        form = forms.LetterForm(request.POST)
        if form.is_valid():
            try:
                services.response_letter_draft(
                    review=review, by=request.user, body=form.cleaned_data["body"]
                )
            except services.PanelInvalid as exc:
                for error in exc.errors.get("body", []):
                    form.add_error("body", error)
            except services.PanelError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("panel:letter-preview", review_pk=review.pk)
    else:
        body = (
            draft.body
            if draft and draft.decision_id == current.pk
            else services.response_letter_default_body(decision=current)
        )
        form = forms.LetterForm(initial={"body": body})
    return render(
        request,
        "panel/letter_draft.html",
        {"review": review, "notification": review.notification, "form": form, "draft": draft},
    )


@login_required
def letter_preview(request: HttpRequest, review_pk: int) -> HttpResponse:
    review = _review_for_letter(request, review_pk)
    draft = selectors.response_letter_open_draft(review=review)
    if draft is None:
        return redirect("panel:letter-draft", review_pk=review.pk)
    return render(
        request,
        "panel/letter_preview.html",
        services.response_letter_context(letter=draft),
    )


@login_required
@require_POST
def letter_send(request: HttpRequest, review_pk: int) -> HttpResponse:
    review = _review_for_letter(request, review_pk)
    draft = selectors.response_letter_open_draft(review=review)
    if draft is None:
        messages.error(request, "There is no draft letter to send.")
    else:
        try:
            services.response_letter_send(letter=draft, by=request.user)
        except services.PanelError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                f"Letter version {draft.version} is being made into a PDF and e-mailed to "
                f"{review.partnership}.",
            )
    return redirect("panel:decision", review_pk=review.pk)


@login_required
@require_POST
def letter_retry(request: HttpRequest, pk: int) -> HttpResponse:
    letter = selectors.response_letter_get_for_user(user=request.user, pk=pk)
    policy.require(policy.can_write_letter(request.user, letter.review))
    try:
        services.response_letter_retry(letter=letter, by=request.user)
    except services.PanelError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Letter version {letter.version} is being tried again.")
    return redirect("panel:decision", review_pk=letter.review_id)


@login_required
def letter_download(request: HttpRequest, pk: int) -> HttpResponse:
    letter: ResponseLetter = selectors.response_letter_get_for_user(user=request.user, pk=pk)
    try:
        download = services.response_letter_download(letter=letter, by=request.user)
    except services.PanelError as exc:
        raise Http404 from exc
    return FileResponse(
        download.file,
        as_attachment=True,
        filename=download.filename,
        content_type="application/pdf",
    )


# --- Allocation -----------------------------------------------------------------------------------


def _allocation_form(request: HttpRequest, review: RapidReview, *, data=None):
    # Each member with their open cases and cap, so the secretariat sees who has room.
    members = [
        (
            row.member.pk,
            f"{row.name} ({row.open_cases} open of {row.cap}"
            + ("" if row.available else ", not available")
            + ")",
        )
        for row in selectors.allocation_workload(user=request.user)
    ]
    current = selectors.allocation_current(review=review)
    lead = next((a.member_id for a in current if a.is_lead), None)
    initial = {
        "lead": lead,
        "others": [a.member_id for a in current if not a.is_lead],
        "version": selectors.allocation_version(review=review),
    }
    return forms.AllocationForm(data, initial=initial, members=members), current


@login_required
def allocation(request: HttpRequest, review_pk: int) -> HttpResponse:
    """Who the review is allocated to, and every allocation it had; the secretariat allocates
    and reallocates here."""
    user = request.user
    review = selectors.panel_review_get_for_user(user=user, pk=review_pk)
    if request.method == "POST":
        policy.require(policy.can_allocate(user, review))
    else:
        policy.require(policy.can_see_allocations(user, review))
    if review.status != RapidReview.Status.SUBMITTED:
        return redirect("rapidreviews:review-detail", pk=review.pk)
    form = None
    if policy.can_allocate(user, review):
        form, _current = _allocation_form(
            request, review, data=request.POST if request.method == "POST" else None
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            allocations.allocation_set(
                review=review,
                by=user,
                lead=data["lead"],
                others=list(data["others"]),
                reason=data["reason"],
                expected_version=data["version"],
            )
        except allocations.AllocationConflict:
            form.add_error(None, allocations.AllocationConflict.message)
            posted = request.POST.copy()
            posted["version"] = str(selectors.allocation_version(review=review))
            form.data = posted
        except allocations.AllocationInvalid as exc:
            form_add_errors(form, exc.errors)
        except services.PanelError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The review's allocation has been saved.")
            return redirect("panel:allocation", review_pk=review.pk)
    history = list(selectors.allocation_list(review=review))
    audit_read(user=user, obj=review)
    return render(
        request,
        "panel/allocation.html",
        {
            "review": review,
            "notification": review.notification,
            "form": form,
            "current": [a for a in history if a.ended_at is None],
            "history": history,
            "target": decision_target(review),
            "target_status": decision_target_status(review),
        },
    )


def _workload_context(request: HttpRequest, form) -> dict:
    editing = None
    if form is not None:
        member_pk = form.data.get("member") if form.is_bound else form.initial.get("member")
        member_id = id_or_none(member_pk)
        if member_id is not None:
            editing = selectors.panel_member_list().filter(pk=member_id).first()
    return {
        "editing": selectors.member_name(editing) if editing else "",
        "rows": selectors.allocation_workload(user=request.user),
        "form": form,
        "can_allocate": policy.can_allocate(request.user),
        "default_cap": settings.PANEL_ALLOCATION_DEFAULT_CAP,
        "unallocated": selectors.panel_queue(
            user=request.user, filters={"allocated_to": selectors.UNALLOCATED}
        ).count(),
    }


@login_required
def workload(request: HttpRequest) -> HttpResponse:
    """Each Panel member's open cases, due soon and overdue; the secretariat marks members
    available or not and sets their caps (`?member=<id>` opens a member's form)."""
    user = request.user
    if request.method == "POST":
        policy.require(policy.can_allocate(user))
    else:
        policy.require(policy.can_see_workload(user))
    form = None
    if request.method == "POST":
        form = forms.MemberProfileForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                allocations.panel_member_profile_update(
                    member=data["member"],
                    by=user,
                    available=data["available"] == "yes",
                    open_case_cap=data["open_case_cap"],
                    expected_version=data["version"],
                )
            except allocations.ProfileConflict as exc:
                form.add_error(None, allocations.ProfileConflict.message)
                posted = request.POST.copy()
                posted["version"] = str(exc.current.version)
                form.data = posted
            except allocations.AllocationInvalid as exc:
                form_add_errors(form, exc.errors)
            except services.PanelError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, f"{selectors.member_name(data['member'])}'s settings have been saved."
                )
                return redirect("panel:workload")
    elif policy.can_allocate(user) and (member_id := id_or_none(request.GET.get("member"))):
        member = selectors.panel_member_list().filter(pk=member_id).first()
        if member is not None:
            profile = PanelMemberProfile.objects.filter(user=member).first()
            form = forms.MemberProfileForm(
                initial={
                    "member": member.pk,
                    "available": "yes" if profile and profile.available else "no",
                    "open_case_cap": profile.open_case_cap if profile else None,
                    "version": profile.version if profile else 0,
                }
            )
    return render(request, "panel/workload.html", _workload_context(request, form))


@login_required
@require_POST
def allocate_automatically(request: HttpRequest) -> HttpResponse:
    """The secretariat's button: allocate every unallocated review awaiting a decision."""
    policy.require(policy.can_allocate(request.user))
    result = allocations.allocation_auto(by=request.user)
    count = len(result.allocated)
    messages.success(
        request,
        f"{count} rapid review{'s' if count != 1 else ''} allocated automatically.",
    )
    if result.left_unallocated:
        left = len(result.left_unallocated)
        messages.error(
            request,
            f"{left} rapid review{'s' if left != 1 else ''} could not be allocated: no "
            "available Panel member is under their cap.",
        )
    return redirect("panel:workload")
