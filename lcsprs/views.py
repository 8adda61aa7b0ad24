"""LCSPR pages: the list, one page per LCSPR with its timeline and the form for its next step,
and commissioning one from a submitted rapid review. selector -> form -> service -> redirect."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from rapidreviews.reflection import reflective_questions_for
from rapidreviews.selectors import rapid_review_get_for_user
from safeguarding import policy
from safeguarding.audit import audit_list, case_access_log
from safeguarding.dates import long_date
from safeguarding.downloads import safe_download
from safeguarding.errors import DomainNotFound
from safeguarding.filter_forms import filtered_list
from safeguarding.forms import form_add_errors
from safeguarding.history import case_history
from safeguarding.lists import list_page
from safeguarding.selectors import partnership_list

from . import forms, selectors, services
from .models import Lcspr
from .timescales import PANEL_NOTICE_DAYS, lcspr_due_date


def _list_status(lcspr: Lcspr) -> str:
    """From the queue's annotations, as `selectors.lcspr_display_status` says for one."""
    if lcspr.overdue:
        return "overdue"
    return "due_soon" if lcspr.due_soon else lcspr.status


@login_required
def lcspr_list(request: HttpRequest) -> HttpResponse:
    """Overdue first, then by due date (published last), whichever page: `lcspr_queue`."""
    user, today = request.user, timezone.localdate()
    form = forms.LcsprFilterForm(request.GET or None, partnerships=partnership_list(user=user))
    filters, lcsprs = filtered_list(
        form, lambda f: selectors.lcspr_queue(user=user, today=today, filters=f)
    )
    listing = list_page(request, lcsprs)
    rows = [{"lcspr": lcspr, "status": _list_status(lcspr)} for lcspr in listing.page]
    audit_list(
        user=user,
        model=Lcspr,
        ids=[row["lcspr"].pk for row in rows],
        filters=filters,
        page=listing.page.number,
    )
    return render(
        request,
        "lcsprs/lcspr_list.html",
        {
            "form": form,
            "listing": listing,
            "rows": rows,
            "due_soon_months": selectors.DUE_SOON_MONTHS,
        },
    )


# Each step's form on the LCSPR's page, by the name the template shows it under.
STEP_FORMS = {
    Lcspr.Step.START: ("start_form", forms.StartForm),
    Lcspr.Step.FINAL_REPORT: ("final_report_form", forms.FinalReportForm),
    Lcspr.Step.PUBLISH: ("publish_form", forms.PublishForm),
    Lcspr.Step.PLANNED_PUBLICATION: ("planned_form", forms.PlannedPublicationForm),
}


def _step_forms(user, lcspr: Lcspr) -> dict[str, object]:
    """The forms for the steps the LCSPR offers this user now (`available_transitions`),
    unbound, at the LCSPR's current version."""
    initial = {
        "version": lcspr.version,
        "received_on": timezone.localdate(),
        "planned_on": lcspr.planned_publication_date,
    }
    step: dict[str, object] = {}
    for available in lcspr.available_transitions(user):
        if available not in STEP_FORMS:
            continue  # a step on its own page (the final report, the Panel's feedback)
        name, form_class = STEP_FORMS[available]
        step[name] = form_class(
            initial={k: v for k, v in initial.items() if k in form_class.base_fields}
        )
    return step


def _render_detail(request: HttpRequest, lcspr: Lcspr, bound: dict | None = None) -> HttpResponse:
    today = timezone.localdate()
    step = _step_forms(request.user, lcspr)
    error_form = None
    for name, form in (bound or {}).items():
        error_form = form
        if name in step:
            step[name] = form  # what the user typed stays in the form, with its errors
    return render(
        request,
        "lcsprs/lcspr_detail.html",
        {
            "lcspr": lcspr,
            "review": lcspr.rapid_review,
            "notification": lcspr.rapid_review.notification,
            "status": selectors.lcspr_display_status(lcspr=lcspr, today=today),
            "final_report_due": lcspr.final_report_due_date,
            "final_report_missing": selectors.lcspr_final_report_missing(lcspr=lcspr, today=today),
            "timeline": selectors.lcspr_timeline(lcspr=lcspr),
            "notice_days": PANEL_NOTICE_DAYS,
            "history": case_history(lcspr, with_panel_only=policy.is_panel(request.user)),
            "access_log": case_access_log(
                user=request.user,
                records=[lcspr, lcspr.rapid_review, lcspr.rapid_review.notification],
            ),
            "error_form": error_form,
            "form": error_form,  # base.html prefixes the title with "Error:"
            "can_correct_dates": bool(lcspr.correctable_dates(request.user)),
            "records_receipt": policy.can_record_lcspr_receipt(request.user, lcspr),
            "reflective_questions": reflective_questions_for(lcspr.rapid_review),
            "final_reports": list(selectors.lcspr_final_report_list(lcspr=lcspr)),
            "can_upload_final_report": lcspr.step_allowed(
                Lcspr.Step.UPLOAD_FINAL_REPORT, request.user
            ),
            "can_give_feedback": lcspr.step_allowed(Lcspr.Step.FEEDBACK, request.user),
            "feedback_rows": selectors.lcspr_feedback_rows(lcspr=lcspr),
            **step,
        },
    )


@login_required
def lcspr_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, selectors.lcspr_get_for_user(user=request.user, pk=pk))


def _confirmed_data(request: HttpRequest, warning: services.LcsprNoticePassed, **extra):
    """What the user typed, with the date they were warned about marked as confirmable."""
    data = request.POST.copy()
    data["notice_confirmed_for"] = warning.planned_on.isoformat()
    for key, value in extra.items():
        data[key] = value
    return data


def _render_notice_warning(
    request: HttpRequest, lcspr: Lcspr, form: forms.VersionedForm, warning
) -> HttpResponse:
    """The planned date's 7-day notice has passed: show the warning, with the date as typed,
    so the user corrects it or saves it knowingly."""
    form.data = _confirmed_data(request, warning)
    return render(
        request,
        "lcsprs/lcspr_planned_publication_confirm.html",
        {
            "lcspr": lcspr,
            "notification": lcspr.rapid_review.notification,
            "planned_form": form,
            "warning": str(warning),
        },
    )


def _step(
    request: HttpRequest,
    lcspr: Lcspr,
    *,
    form: forms.VersionedForm,
    name: str,
    save: Callable[[dict], object],
    success: str,
) -> HttpResponse:
    """Run one step's service with the form's data; on a problem, show the LCSPR's page again
    with the form as typed and the message next to its field."""
    if form.is_valid():
        try:
            save(form.cleaned_data)
        except services.LcsprConflict as exc:
            lcspr = exc.current
            form.add_error(None, str(exc))
            data = request.POST.copy()
            data["version"] = str(lcspr.version)
            form.data = data
        except services.LcsprNoticePassed as exc:
            return _render_notice_warning(request, lcspr, form, exc)
        except services.LcsprInvalid as exc:
            form_add_errors(form, exc.errors)
        except services.LcsprError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, success)
            return redirect("lcsprs:lcspr-detail", pk=lcspr.pk)
    return _render_detail(request, lcspr, bound={name: form})


@require_POST
@login_required
def lcspr_start(request: HttpRequest, pk: int) -> HttpResponse:
    lcspr = selectors.lcspr_get_for_editing(user=request.user, pk=pk)
    return _step(
        request,
        lcspr,
        form=forms.StartForm(request.POST),
        name="start_form",
        save=lambda data: services.lcspr_start(
            lcspr=lcspr, by=request.user, expected_version=data["version"]
        ),
        success="The LCSPR is marked as in progress.",
    )


@require_POST
@login_required
def lcspr_final_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The Panel records that it received the final report."""
    lcspr = selectors.lcspr_get_for_user(user=request.user, pk=pk)
    policy.require(policy.can_record_lcspr_receipt(request.user, lcspr))
    return _step(
        request,
        lcspr,
        form=forms.FinalReportForm(request.POST),
        name="final_report_form",
        save=lambda data: services.lcspr_final_report_record(
            lcspr=lcspr,
            by=request.user,
            received_on=data["received_on"],
            expected_version=data["version"],
        ),
        success="The Panel's receipt of the final report is recorded.",
    )


@require_POST
@login_required
def lcspr_planned_publication(request: HttpRequest, pk: int) -> HttpResponse:
    lcspr = selectors.lcspr_get_for_editing(user=request.user, pk=pk)
    form = forms.PlannedPublicationForm(request.POST)
    return _step(
        request,
        lcspr,
        form=form,
        name="planned_form",
        save=lambda data: services.lcspr_planned_publication_set(
            lcspr=lcspr,
            by=request.user,
            planned_on=data["planned_on"],
            expected_version=data["version"],
            notice_passed_confirmed=form.notice_confirmed(data["planned_on"]),
        ),
        success="The planned publication date is saved.",
    )


@require_POST
@login_required
def lcspr_publish(request: HttpRequest, pk: int) -> HttpResponse:
    lcspr = selectors.lcspr_get_for_editing(user=request.user, pk=pk)
    return _step(
        request,
        lcspr,
        form=forms.PublishForm(request.POST),
        name="publish_form",
        save=lambda data: services.lcspr_publish(
            lcspr=lcspr,
            by=request.user,
            published_on=data["published_on"],
            url=data["url"],
            expected_version=data["version"],
        ),
        success="The LCSPR is recorded as published.",
    )


def _conflict(request: HttpRequest, form, exc: services.LcsprConflict) -> Lcspr:
    """A stale page: say so, and carry the current version so the user can try again."""
    form.add_error(None, str(exc))
    data = request.POST.copy()
    data["version"] = str(exc.current.version)
    form.data = data
    return exc.current


@login_required
def lcspr_final_report_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """The partnership uploads its final report, or replaces it with a reason."""
    lcspr = selectors.lcspr_get_for_editing(user=request.user, pk=pk)
    refusal = services.lcspr_final_report_upload_refusal(lcspr=lcspr, by=request.user)
    if refusal:
        messages.error(request, f"{refusal}.")
        return redirect("lcsprs:lcspr-detail", pk=lcspr.pk)
    replacing = lcspr.has_final_report
    if request.method == "POST":
        form = forms.FinalReportUploadForm(request.POST, request.FILES, replacing=replacing)
        if form.is_valid():
            try:
                report = services.lcspr_final_report_upload(
                    lcspr=lcspr,
                    by=request.user,
                    uploaded_file=form.cleaned_data["document"],
                    reason=form.cleaned_data.get("reason", ""),
                    expected_version=form.cleaned_data["version"],
                )
            except services.LcsprConflict as exc:
                lcspr = _conflict(request, form, exc)
            except services.LcsprInvalid as exc:
                form_add_errors(form, exc.errors)
            except services.LcsprError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    f"The final report is uploaded (version {report.number}). The Panel "
                    "has been told.",
                )
                return redirect("lcsprs:lcspr-detail", pk=lcspr.pk)
    else:
        form = forms.FinalReportUploadForm(initial={"version": lcspr.version}, replacing=replacing)
    return render(
        request,
        "lcsprs/lcspr_final_report_upload.html",
        {
            "lcspr": lcspr,
            "notification": lcspr.rapid_review.notification,
            "form": form,
            "replacing": replacing,
            "current": next(iter(selectors.lcspr_final_report_list(lcspr=lcspr)), None),
            "notice_days": PANEL_NOTICE_DAYS,
        },
    )


@never_cache
@login_required
def lcspr_final_report_download(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """One version of the final report, to anyone who may see the LCSPR (audited)."""
    lcspr = selectors.lcspr_get_for_user(user=request.user, pk=pk)
    report = selectors.lcspr_final_report_get(lcspr=lcspr, number=number)
    try:
        download = services.lcspr_final_report_download(report=report, by=request.user)
    except DomainNotFound as exc:
        raise Http404 from exc
    return safe_download(download)


@login_required
def lcspr_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    """The Panel records its structured feedback on the final report, or corrects it."""
    lcspr = selectors.lcspr_get_for_user(user=request.user, pk=pk)
    policy.require(policy.can_give_lcspr_feedback(request.user, lcspr))
    if not lcspr.step_allowed(Lcspr.Step.FEEDBACK, request.user):
        messages.error(
            request, "The Panel gives its feedback once it has received the final report."
        )
        return redirect("lcsprs:lcspr-detail", pk=lcspr.pk)
    correcting = bool(lcspr.panel_feedback)
    if request.method == "POST":
        form = forms.FeedbackForm(request.POST)
        if form.is_valid():
            try:
                services.lcspr_feedback_record(
                    lcspr=lcspr,
                    by=request.user,
                    answers=form.answers(),
                    expected_version=form.cleaned_data["version"],
                )
            except services.LcsprConflict as exc:
                lcspr = _conflict(request, form, exc)
            except services.LcsprInvalid as exc:
                form_add_errors(form, exc.errors)
            except services.LcsprError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    "The Panel's feedback is "
                    + ("corrected" if correcting else "recorded")
                    + ". The partnership has been told.",
                )
                return redirect("lcsprs:lcspr-detail", pk=lcspr.pk)
    else:
        themes = selectors.lcspr_learning_theme_codes(lcspr=lcspr)
        form = forms.FeedbackForm(initial=forms.FeedbackForm.initial_for(lcspr, themes))
    return render(
        request,
        "lcsprs/lcspr_feedback.html",
        {
            "lcspr": lcspr,
            "notification": lcspr.rapid_review.notification,
            "form": form,
            "correcting": correcting,
            "current": next(iter(selectors.lcspr_final_report_list(lcspr=lcspr)), None),
        },
    )


def _correction_choices(lcspr: Lcspr, user) -> list[tuple[str, str]]:
    return [
        (which, f"{Lcspr.CorrectableDate(which).label}: {long_date(lcspr.date_value(which))}")
        for which in lcspr.correctable_dates(user)
    ]


def _correct(request: HttpRequest, lcspr: Lcspr, form: forms.CorrectDateForm) -> dict | None:
    """Run the correction: None once saved, else the page's extra context (the form then
    carries the problem)."""
    data = form.cleaned_data
    try:
        services.lcspr_date_correct(
            lcspr=lcspr,
            by=request.user,
            which=data["which"],
            new_date=data["new_date"],
            reason=data["reason"],
            expected_version=data["version"],
            notice_passed_confirmed=form.notice_confirmed(data["new_date"]),
        )
    except services.LcsprConflict as exc:
        form.add_error(None, str(exc))
        form.data = request.POST.copy()
        form.data["version"] = str(exc.current.version)
        return {"lcspr": exc.current}
    except services.LcsprNoticePassed as exc:
        form.data = _confirmed_data(request, exc)
        return {"warning": str(exc)}
    except services.LcsprInvalid as exc:
        form_add_errors(form, exc.errors)
    except services.LcsprError as exc:
        form.add_error(None, str(exc))
    else:
        return None
    return {}


@login_required
def lcspr_date_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct one of the LCSPR's dates, with a reason (the dates the user may set)."""
    lcspr = selectors.lcspr_get_for_user(user=request.user, pk=pk)
    policy.require(policy.can_correct_lcspr_dates(request.user, lcspr))
    choices = _correction_choices(lcspr, request.user)
    if not choices:
        messages.info(request, "There are no dates you can correct on this LCSPR yet.")
        return redirect("lcsprs:lcspr-detail", pk=lcspr.pk)
    bound = request.POST if request.method == "POST" else None
    initial = {"version": lcspr.version}
    if len(choices) == 1:
        initial["which"] = choices[0][0]  # the only date they may correct, already chosen
    form = forms.CorrectDateForm(bound, choices=choices, initial=initial)
    extra: dict | None = {}
    if bound is not None and form.is_valid():
        extra = _correct(request, lcspr, form)
        if extra is None:
            messages.success(request, "The date is corrected.")
            return redirect("lcsprs:lcspr-detail", pk=lcspr.pk)
    context = {"lcspr": lcspr, "notification": lcspr.rapid_review.notification, "form": form}
    return render(request, "lcsprs/lcspr_date_correct.html", {**context, **extra})


@login_required
def lcspr_commission(request: HttpRequest, review_pk: int) -> HttpResponse:
    """A lead commissions an LCSPR after the rapid review was submitted."""
    review = rapid_review_get_for_user(user=request.user, pk=review_pk, with_shared=False)
    user = request.user
    policy.require(policy.can_edit_review(user, review))
    refusal = services.lcspr_open_refusal(review=review, by=user)
    if refusal:
        messages.error(request, f"{refusal}.")
        return redirect("rapidreviews:review-detail", pk=review.pk)
    form = forms.CommissionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            lcspr = services.lcspr_open_later(
                review=review, by=user, reason=form.cleaned_data["reason"]
            )
        except services.LcsprInvalid as exc:
            form_add_errors(form, exc.errors)
        except services.LcsprError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"LCSPR commissioned, due {lcspr.due_date:%-d %B %Y}.")
            return redirect("lcsprs:lcspr-detail", pk=lcspr.pk)
    return render(
        request,
        "lcsprs/lcspr_commission.html",
        {
            "review": review,
            "notification": review.notification,
            "form": form,
            "due_date": lcspr_due_date(timezone.localdate(review.submitted_at)),
        },
    )
