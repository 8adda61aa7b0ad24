"""The SIN journey: selector -> form -> service -> redirect."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from rapidreviews.case_links import case_review
from safeguarding import policy
from safeguarding.audit import audit_list, case_access_log
from safeguarding.calendars import england_calendar
from safeguarding.filter_forms import filtered_list
from safeguarding.forms import form_add_errors
from safeguarding.history import case_history
from safeguarding.lists import list_page
from safeguarding.models import AuditAction
from safeguarding.returns import RETURN_QUERY, change_url, return_to_check

from . import attachment_views, forms, links, rules, selectors, services
from .codes import agencies_split
from .history import history_without_review_due
from .models import Notification, NotificationChild

TASK_LIST = "notifications:notification-detail"


def _service_errors_to_form(form, exc: services.NotificationError) -> None:
    if isinstance(exc, services.NotificationInvalid):
        form_add_errors(form, exc.errors)
    else:
        form.add_error(None, str(exc))


def _check_url(notification: Notification) -> str:
    return reverse("notifications:notification-check", args=[notification.pk])


def _after_save(request: HttpRequest, notification: Notification, action: str, next_url: str):
    if not notification.is_draft:
        messages.success(request, "Your changes have been saved and added to the history.")
        return redirect("notifications:notification-detail", pk=notification.pk)
    if action == "draft":
        messages.success(request, "Saved as a draft. You can come back to it at any time.")
        return redirect(TASK_LIST, pk=notification.pk)
    # Opened from "Check your answers": back there, not on through the journey.
    return redirect(return_to_check(request, _check_url(notification)) or next_url)


def _back_url(request: HttpRequest, notification: Notification) -> str:
    return return_to_check(request, _check_url(notification)) or reverse(
        TASK_LIST, args=[notification.pk]
    )


def _section(
    request: HttpRequest,
    pk: int,
    *,
    form_class,
    initial: Callable[[Notification], dict],
    save: Callable[[Notification, dict], object],
    title: str,
    next_url: Callable[[Notification], str],
    template: str = "notifications/section_form.html",
    form_kwargs: Callable[[Notification], dict] | None = None,
    extra: Callable[[Notification], dict] | None = None,
) -> HttpResponse:
    notification = selectors.notification_get_for_editing(user=request.user, pk=pk)
    action = request.POST.get("action", "continue")
    kwargs = {"notification": notification, "save_as_draft": action == "draft"}
    kwargs.update(form_kwargs(notification) if form_kwargs else {})
    conflict = None
    if request.method == "POST":
        form = form_class(request.POST, **kwargs)
        if form.is_valid():
            try:
                save(notification, form.cleaned_data)
            except services.NotificationConflict as exc:
                conflict = exc.current
                form.add_error(None, str(exc))
                # The next save is made knowingly against the version now shown.
                data = request.POST.copy()
                data["version"] = str(conflict.version)
                form.data = data
            except services.NotificationError as exc:
                _service_errors_to_form(form, exc)
            else:
                notification.refresh_from_db()
                return _after_save(request, notification, action, next_url(notification))
    else:
        form = form_class(
            initial={"version": notification.version, **initial(notification)}, **kwargs
        )
    context = {
        "notification": notification,
        "form": form,
        "title": title,
        "conflict": conflict,
        "back_url": _back_url(request, notification),
        **(extra(notification) if extra else {}),
    }
    return render(request, template, context)


@login_required
def notification_index(request: HttpRequest) -> HttpResponse:
    authorities = selectors.notification_filter_authorities(user=request.user)
    form = forms.NotificationFilterForm(request.GET or None, authorities=authorities)
    filters, notifications = filtered_list(
        form,
        lambda filters: selectors.notification_list_page_rows(user=request.user, filters=filters),
    )
    listing = list_page(request, notifications)
    selectors.notification_due_dates_add(listing.page.object_list)
    audit_list(
        user=request.user,
        model=Notification,
        ids=[n.pk for n in listing.page.object_list],
        filters=filters,
        page=listing.page.number,
    )
    return render(
        request,
        "notifications/notification_list.html",
        {"form": form, "listing": listing, "can_start": policy.can_notify(request.user)},
    )


@login_required
def notification_start(request: HttpRequest) -> HttpResponse:
    """The first section, incident details, on no record yet: the draft is created by the
    first save, so a user who starts and cancels leaves nothing behind."""
    policy.require(policy.can_notify(request.user))
    blank = Notification(local_authority=request.user.local_authority)
    action = request.POST.get("action", "continue")
    form = forms.IncidentForm(
        request.POST if request.method == "POST" else None,
        notification=blank,
        save_as_draft=action == "draft",
        initial={"version": blank.version},
    )
    if request.method == "POST" and form.is_valid():
        if action == "draft" and not any(
            form.cleaned_data.get(name) for name in ("incident_date", "date_aware", "reason")
        ):
            # Nothing typed yet: a draft with no answers would only be something to delete.
            messages.info(request, "Nothing was saved: the notification had no answers yet.")
            return redirect("notifications:notification-list")
        try:
            notification = services.notification_start(
                local_authority=request.user.local_authority,
                by=request.user,
                incident_date=form.cleaned_data["incident_date"],
                date_aware=form.cleaned_data["date_aware"],
                reason=form.cleaned_data["reason"],
            )
        except services.NotificationError as exc:
            _service_errors_to_form(form, exc)
        else:
            return _after_save(request, notification, action, _children_url(notification))
    back_url = reverse("notifications:notification-list")
    return render(
        request,
        "notifications/section_form.html",
        {"notification": blank, "form": form, "title": "Incident details", "back_url": back_url},
    )


@login_required
def notification_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """The page behind "Delete this draft": a confirmation, then the deletion on POST."""
    notification = selectors.notification_get_for_editing(user=request.user, pk=pk)
    if not notification.is_draft:
        messages.error(request, "A submitted notification cannot be deleted.")
        return redirect("notifications:notification-detail", pk=notification.pk)
    if request.method == "POST":
        name = notification.draft_name
        try:
            services.notification_draft_delete(notification=notification, by=request.user)
        except services.NotificationError as exc:
            messages.error(request, str(exc))
            return redirect("notifications:notification-detail", pk=notification.pk)
        messages.success(request, f"{name} has been deleted.")
        return redirect("notifications:notification-list")
    return render(request, "notifications/notification_delete.html", {"notification": notification})


def _section_statuses(notification: Notification) -> list[dict]:
    children = list(notification.children.all())
    incident = [notification.incident_date, notification.date_aware, notification.reason]
    circumstances = [
        notification.abuse_or_neglect,
        notification.child_looked_after_death is not None or None,
        notification.summary,
    ]

    def status(values) -> str:
        filled = sum(1 for value in values if value not in (None, ""))
        return "completed" if filled == len(values) else "in_progress" if filled else "not_started"

    sections = [
        {
            "title": "Incident details",
            "url": reverse("notifications:notification-incident", args=[notification.pk]),
            "status": status(incident),
        },
        {
            "title": "Children",
            "url": reverse("notifications:notification-children", args=[notification.pk]),
            "status": "completed" if children else "not_started",
        },
        {
            "title": "Circumstances",
            "url": reverse("notifications:notification-circumstances", args=[notification.pk]),
            "status": status(circumstances),
        },
        # Issue 16: the statutory form's incident questions (optional) and the notifier.
        {
            "title": "Where and how it happened",
            "url": reverse("notifications:notification-incident-place", args=[notification.pk]),
            "status": "completed"
            if any(getattr(notification, name) for name in INCIDENT_PLACE_FIELDS)
            else "optional",
            "optional": True,
        },
        {
            "title": "Notifier and sign-off",
            "url": reverse("notifications:notification-notifier", args=[notification.pk]),
            "status": status([notification.notifier_name, notification.notifier_email]),
        },
        # Optional: never hold up "Check answers and submit".
        {
            "title": "Other areas to tell",
            "url": reverse("notifications:notification-shares", args=[notification.pk]),
            "status": "completed" if notification.shares.exists() else "optional",
            "optional": True,
        },
        {
            "title": "Attachments (optional)",
            "url": reverse("notifications:attachment-list", args=[notification.pk]),
            "status": "completed" if notification.attachments.exists() else "optional",
            "optional": True,
        },
    ]
    ready = all(
        section["status"] == "completed" for section in sections if not section.get("optional")
    )
    sections.append(
        {
            "title": "Check answers and submit",
            "url": reverse("notifications:notification-check", args=[notification.pk]),
            "status": "not_started" if ready else "cannot_start",
        }
    )
    return sections


@login_required
def notification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notification = selectors.notification_get_for_user(user=request.user, pk=pk)
    can_edit = policy.can_edit_notification(request.user, notification)
    # Every entry: the timeline lists each amendment.
    history = case_history(notification, limit=None)
    if notification.is_draft:
        return render(
            request,
            "notifications/notification_task_list.html",
            {
                "notification": notification,
                "sections": _section_statuses(notification),
                "children": notification.children.all(),
                "due_by": selectors.notification_due_by(notification),
            },
        )
    shared_only = selectors.notification_read_through_share(
        user=request.user, notification=notification
    )
    review = case_review(request.user, notification)
    if review is None:
        history = history_without_review_due(history)
    return render(
        request,
        "notifications/notification_detail.html",
        {
            "notification": notification,
            "children": notification.children.all(),
            "history": history,
            "amendments": [
                item
                for item in history
                if item.action == AuditAction.UPDATE and item.at >= notification.notified_at
            ],
            # The review only as far as the reader may see it: never for an area the SIN was
            # shared with; for DfE and Ofsted viewers once the Panel shares it with them.
            "review": review,
            "access_log": case_access_log(
                user=request.user,
                records=[notification, getattr(notification, "rapid_review", None)],
            ),
            "can_edit": can_edit,
            "shared_only": shared_only,
            "shares": selectors.notification_shares(notification=notification),
            "can_withdraw": policy.can_withdraw_notification(request.user, notification),
            "show_names": policy.can_see_child_identity(request.user, notification),
            **attachment_views.attachments_context(request.user, notification),
            "linked_cases": links.linked_cases_for(user=request.user, notification=notification),
            "can_link": policy.can_link_cases(request.user, notification),
        },
    )


def _version(data: dict) -> int:
    return data["version"]


@login_required
def notification_incident(request: HttpRequest, pk: int) -> HttpResponse:
    return _section(
        request,
        pk,
        form_class=forms.IncidentForm,
        title="Incident details",
        initial=lambda n: {
            "incident_date": n.incident_date,
            "date_aware": n.date_aware,
            "reason": n.reason,
        },
        save=lambda n, data: services.notification_incident_update(
            notification=n,
            by=request.user,
            incident_date=data["incident_date"],
            date_aware=data["date_aware"],
            reason=data["reason"],
            expected_version=_version(data),
            amendment_reason=data.get("amendment_reason", ""),
        ),
        next_url=lambda n: reverse("notifications:notification-children", args=[n.pk]),
    )


@login_required
def notification_circumstances(request: HttpRequest, pk: int) -> HttpResponse:
    return _section(
        request,
        pk,
        form_class=forms.CircumstancesForm,
        title="Circumstances",
        initial=lambda n: {
            "abuse_or_neglect": n.abuse_or_neglect,
            "child_looked_after_death": forms.bool_to_yes_no(n.child_looked_after_death),
            "placement_postcode": n.placement_postcode,
            "imd_decile": n.imd_decile if n.imd_source == "entered" else None,
            "summary": n.summary,
        },
        save=lambda n, data: services.notification_circumstances_update(
            notification=n,
            by=request.user,
            abuse_or_neglect=data["abuse_or_neglect"],
            child_looked_after_death=forms.yes_no_to_bool(data["child_looked_after_death"]),
            placement_postcode=data["placement_postcode"],
            imd_decile=data["imd_decile"],
            summary=data["summary"],
            expected_version=_version(data),
            amendment_reason=data.get("amendment_reason", ""),
        ),
        next_url=lambda n: reverse("notifications:notification-incident-place", args=[n.pk]),
    )


# --- Issue 16: where and how it happened; the notifier and sign-off ------------------------

INCIDENT_PLACE_FIELDS = tuple(services.IncidentPlaceData.__annotations__)
NOTIFIER_FIELDS = tuple(services.NotifierData.__annotations__)


@login_required
def notification_incident_place(request: HttpRequest, pk: int) -> HttpResponse:
    def initial(n: Notification) -> dict:
        values = {name: getattr(n, name) for name in INCIDENT_PLACE_FIELDS}
        values["agencies_involved"] = agencies_split(n.agencies_involved)
        return values

    return _section(
        request,
        pk,
        form_class=forms.IncidentPlaceForm,
        title="Where and how it happened",
        initial=initial,
        save=lambda n, data: services.notification_incident_place_update(
            notification=n,
            by=request.user,
            data=services.IncidentPlaceData(
                **{
                    **{name: data[name] for name in INCIDENT_PLACE_FIELDS},
                    "agencies_involved": tuple(data["agencies_involved"]),
                }
            ),
            expected_version=_version(data),
            amendment_reason=data.get("amendment_reason", ""),
        ),
        next_url=lambda n: reverse("notifications:notification-notifier", args=[n.pk]),
    )


@login_required
def notification_notifier(request: HttpRequest, pk: int) -> HttpResponse:
    return _section(
        request,
        pk,
        form_class=forms.NotifierForm,
        title="Notifier and sign-off",
        initial=lambda n: {name: getattr(n, name) for name in NOTIFIER_FIELDS},
        save=lambda n, data: services.notification_notifier_update(
            notification=n,
            by=request.user,
            data=services.NotifierData(**{name: data[name] for name in NOTIFIER_FIELDS}),
            expected_version=_version(data),
            amendment_reason=data.get("amendment_reason", ""),
        ),
        next_url=lambda n: reverse("notifications:notification-check", args=[n.pk]),
    )


@login_required
def notification_children(request: HttpRequest, pk: int) -> HttpResponse:
    notification = selectors.notification_get_for_editing(user=request.user, pk=pk)
    children = list(notification.children.all())
    return render(
        request,
        "notifications/notification_children.html",
        {
            "notification": notification,
            "children": children,
            "suggested": rules.choose_child_in_focus(children, notification.incident_date),
            "max_children": settings.NOTIFICATION_MAX_CHILDREN,
        },
    )


def _child_data(data: dict) -> services.ChildData:
    return services.ChildData(
        child_reference=data["child_reference"],
        name=data["name"],
        date_of_birth=data["date_of_birth"],
        age_years=data["age_years"],
        sex=data["sex"],
        harm=data["harm"],
        **{field: data[field] for field in services.CHILD_STATUTORY_FIELDS},
    )


def _children_url(notification: Notification) -> str:
    return reverse("notifications:notification-children", args=[notification.pk])


@login_required
def child_add(request: HttpRequest, pk: int) -> HttpResponse:
    def initial(notification: Notification) -> dict:
        letter = chr(ord("A") + notification.children.count() % 26)
        return {"child_reference": f"Child {letter}"}

    return _section(
        request,
        pk,
        form_class=forms.ChildForm,
        title="Add a child",
        initial=initial,
        save=lambda n, data: services.notification_child_add(
            notification=n,
            by=request.user,
            data=_child_data(data),
            expected_version=_version(data),
            amendment_reason=data.get("amendment_reason", ""),
        ),
        next_url=_children_url,
    )


@login_required
def child_edit(request: HttpRequest, pk: int, child_pk: int) -> HttpResponse:
    notification = selectors.notification_get_for_editing(user=request.user, pk=pk)
    child = selectors.child_get(notification=notification, pk=child_pk)
    return _section(
        request,
        pk,
        form_class=forms.ChildForm,
        title=f"Change {child.child_reference}",
        initial=lambda n: {
            field: getattr(child, field)
            for field in (*services.CHILD_FIELDS, *services.CHILD_STATUTORY_FIELDS)
        },
        save=lambda n, data: services.notification_child_update(
            child=child,
            by=request.user,
            data=_child_data(data),
            expected_version=_version(data),
            amendment_reason=data.get("amendment_reason", ""),
        ),
        next_url=_children_url,
    )


@login_required
def child_remove(request: HttpRequest, pk: int, child_pk: int) -> HttpResponse:
    notification = selectors.notification_get_for_editing(user=request.user, pk=pk)
    child = selectors.child_get(notification=notification, pk=child_pk)
    return _section(
        request,
        pk,
        form_class=forms.ChildRemoveForm,
        title=f"Remove {child.child_reference}?",
        initial=lambda n: {},
        save=lambda n, data: services.notification_child_remove(
            child=child,
            by=request.user,
            expected_version=_version(data),
            amendment_reason=data.get("amendment_reason", ""),
        ),
        next_url=_children_url,
        extra=lambda n: {"child": child},
    )


@login_required
def child_in_focus(request: HttpRequest, pk: int) -> HttpResponse:
    notification = selectors.notification_get_for_editing(user=request.user, pk=pk)
    children = list(notification.children.all())
    suggested = rules.choose_child_in_focus(children, notification.incident_date)

    def save(n: Notification, data: dict):
        chosen: NotificationChild = selectors.child_get(notification=n, pk=int(data["child"]))
        return services.notification_child_in_focus_set(
            notification=n,
            by=request.user,
            child=chosen,
            override_reason=data["override_reason"],
            expected_version=_version(data),
            amendment_reason=data.get("amendment_reason", ""),
        )

    return _section(
        request,
        pk,
        form_class=forms.ChildInFocusForm,
        title="Child in focus",
        initial=lambda n: {
            "child": str(n.child_in_focus.pk) if n.child_in_focus else "",
            "override_reason": n.child_in_focus_override_reason,
        },
        save=save,
        next_url=_children_url,
        form_kwargs=lambda n: {"children": children, "suggested": suggested},
        extra=lambda n: {"suggested": suggested},
    )


def _section_url(notification: Notification, field: str) -> str:
    if field in ("incident_date", "date_aware", "reason"):
        name = "notifications:notification-incident"
    elif field == "children":
        name = "notifications:notification-children"
    elif field in INCIDENT_PLACE_FIELDS:
        name = "notifications:notification-incident-place"
    elif field in NOTIFIER_FIELDS:
        name = "notifications:notification-notifier"
    else:
        name = "notifications:notification-circumstances"
    return reverse(name, args=[notification.pk])


@login_required
def notification_check(request: HttpRequest, pk: int) -> HttpResponse:
    notification = selectors.notification_get_for_editing(user=request.user, pk=pk)
    if not notification.is_draft:
        return redirect("notifications:notification-detail", pk=notification.pk)
    today = timezone.localdate()
    children = list(notification.children.all())
    days = (
        rules.working_days_taken(notification.date_aware, today, england_calendar())
        if notification.date_aware
        else None
    )
    late = days is not None and days > 5
    form = forms.SubmitForm(
        request.POST if request.method == "POST" else None,
        late=late,
        initial={"version": notification.version},
    )
    problems = rules.submission_errors(notification, children=children, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            services.notification_submit(
                notification=notification,
                by=request.user,
                lateness_reason=form.cleaned_data.get("lateness_reason", ""),
                expected_version=form.cleaned_data["version"],
            )
        except services.NotificationError as exc:
            _service_errors_to_form(form, exc)
        else:
            return redirect("notifications:notification-confirmation", pk=notification.pk)
    return render(
        request,
        "notifications/notification_check.html",
        {
            "notification": notification,
            "children": children,
            "form": form,
            "days": days,
            "late": late,
            "shares": selectors.notification_shares(notification=notification),
            "return_query": RETURN_QUERY,
            **attachment_views.attachments_context(request.user, notification),
            "problems": [
                (message, change_url(_section_url(notification, field)))
                for field, field_messages in problems.items()
                for message in field_messages
            ],
        },
    )


@login_required
def notification_confirmation(request: HttpRequest, pk: int) -> HttpResponse:
    notification = selectors.notification_get_for_user(user=request.user, pk=pk)
    if notification.is_draft:
        return redirect(TASK_LIST, pk=notification.pk)
    return render(
        request,
        "notifications/notification_confirmation.html",
        {
            "notification": notification,
            "review": getattr(notification, "rapid_review", None),
            "shares": selectors.notification_shares(notification=notification),
        },
    )


# --- Other areas to tell (issue 16, item 3) -----------------------------------------------------


def _shares_url(notification: Notification) -> str:
    return reverse("notifications:notification-shares", args=[notification.pk])


@login_required
def notification_shares(request: HttpRequest, pk: int) -> HttpResponse:
    """The areas named on the SIN, and a form to name another. On a submitted SIN adding one
    is an amendment (with a reason) and the area is told at once."""

    def save(notification: Notification, data: dict):
        authority, partnership = selectors.share_area_from_choice(data["area"])
        return services.notification_share_add(
            notification=notification,
            by=request.user,
            target=services.ShareTarget(local_authority=authority, partnership=partnership),
            expected_version=_version(data),
            amendment_reason=data.get("amendment_reason", ""),
        )

    return _section(
        request,
        pk,
        form_class=forms.ShareAddForm,
        title="Other areas to tell",
        initial=lambda n: {},
        save=save,
        next_url=_shares_url,
        template="notifications/notification_shares.html",
        form_kwargs=lambda n: {"areas": selectors.share_area_choices()},
        extra=lambda n: {"shares": selectors.notification_shares(notification=n)},
    )


@login_required
def notification_share_remove(request: HttpRequest, pk: int, share_pk: int) -> HttpResponse:
    notification = selectors.notification_get_for_editing(user=request.user, pk=pk)
    share = selectors.share_get(notification=notification, pk=share_pk)
    return _section(
        request,
        pk,
        form_class=forms.ShareRemoveForm,
        title=f"Stop telling {share}?",
        initial=lambda n: {},
        save=lambda n, data: services.notification_share_remove(
            share=share,
            by=request.user,
            expected_version=_version(data),
            amendment_reason=data.get("amendment_reason", ""),
        ),
        next_url=_shares_url,
        extra=lambda n: {"back_url": _shares_url(n)},
    )


# --- Withdrawn or not progressed (issue 16) ---------------------------------------------------


def _withdrawal_page(
    request: HttpRequest,
    pk: int,
    *,
    form_class,
    template: str,
    allowed: Callable[[Notification], str | None],
    save: Callable[[Notification, dict], Notification],
    done: str,
) -> HttpResponse:
    """A confirm page of the Panel secretariat's: the form, then the service (version-checked:
    on a conflict the page shows the current state and keeps what was typed)."""
    notification = selectors.notification_get_for_withdrawal(user=request.user, pk=pk)
    refusal = allowed(notification)
    if refusal:
        messages.error(request, refusal)
        return redirect("notifications:notification-detail", pk=notification.pk)
    conflict = None
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                save(notification, form.cleaned_data)
            except services.NotificationConflict as exc:
                conflict = exc.current
                data = request.POST.copy()
                data["version"] = str(conflict.version)
                form = form_class(data)
                form.is_valid()
                form.add_error(None, str(exc))
            except services.NotificationError as exc:
                _service_errors_to_form(form, exc)
            else:
                messages.success(request, done)
                return redirect("notifications:notification-detail", pk=notification.pk)
    else:
        form = form_class(initial={"version": notification.version})
    review = getattr(notification, "rapid_review", None)
    return render(
        request,
        template,
        {
            "notification": conflict or notification,
            "form": form,
            "conflict": conflict,
            "review": review,
            "review_overdue": review is not None and review.due_date < timezone.localdate(),
        },
    )


@login_required
def notification_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _withdrawal_page(
        request,
        pk,
        form_class=forms.WithdrawForm,
        template="notifications/notification_withdraw.html",
        allowed=lambda n: (
            "Only a submitted notification can be withdrawn."
            if n.is_draft
            else "This notification is already marked withdrawn or not progressed."
            if n.is_withdrawn
            else None
        ),
        save=lambda n, data: services.notification_withdraw(
            notification=n,
            by=request.user,
            withdrawal=data["withdrawal"],
            reason=data["reason"],
            expected_version=data["version"],
        ),
        done="The notification has been marked withdrawn or not progressed. The partnership "
        "and the local authority have been told.",
    )


@login_required
def notification_reinstate(request: HttpRequest, pk: int) -> HttpResponse:
    return _withdrawal_page(
        request,
        pk,
        form_class=forms.ReinstateForm,
        template="notifications/notification_reinstate.html",
        allowed=lambda n: (
            None
            if n.is_withdrawn
            else "This notification is not marked withdrawn or not progressed."
        ),
        save=lambda n, data: services.notification_reinstate(
            notification=n,
            by=request.user,
            reason=data["reason"],
            expected_version=data["version"],
        ),
        done="The notification has been reinstated. The partnership and the local authority "
        "have been told.",
    )
