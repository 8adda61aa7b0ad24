"""Rapid review pages: the partnership's queue, the task list, a page per section, the
completeness check and submission. selector -> form -> service -> redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from safeguarding import policy
from safeguarding.audit import audit_list, case_access_log
from safeguarding.calendars import england_calendar
from safeguarding.dates import long_date
from safeguarding.filter_forms import filtered_list
from safeguarding.forms import form_add_errors
from safeguarding.history import case_history
from safeguarding.lists import list_page
from safeguarding.returns import RETURN_QUERY, change_url, return_to_check

from . import codes, forms, reflection, rules, selectors, services
from .models import RapidReview
from .sections import SECTION_BY_KEY, SECTIONS, Section
from .timescales import DUE_SOON_WORKING_DAYS


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """Every review in the user's scope, the most urgent first, 25 a page. Deadlines are
    worked out for the page shown only."""
    today = timezone.localdate()
    calendar = england_calendar()  # once for the request: it reads the one-off holidays
    due_soon_by = calendar.add_working_days(today, DUE_SOON_WORKING_DAYS)
    form = forms.ReviewListFilterForm.for_user(request.GET or None, user=request.user)
    filters, reviews = filtered_list(
        form,
        lambda f: selectors.rapid_review_queue(
            user=request.user, filters=f, today=today, due_soon_by=due_soon_by
        ),
    )
    listing = list_page(request, reviews)
    rows = [
        {
            "review": review,
            "deadline": selectors.rapid_review_deadline(
                review=review, today=today, calendar=calendar, due_soon_by=due_soon_by
            ),
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
        "rapidreviews/review_queue.html",
        {
            "form": form,
            "listing": listing,
            "reviews": rows,
            "due_soon_working_days": DUE_SOON_WORKING_DAYS,
        },
    )


def _section_states(review: RapidReview) -> list[dict]:
    themes = set(review.themes.values_list("theme", flat=True))
    states = []
    for section in SECTIONS:
        if section.key == "themes":
            answered, total = len(themes & set(codes.CORE_THEMES)), len(codes.CORE_THEMES)
        elif section.key == "document":
            answered, total = int(bool(review.document)), 1
        else:
            required = rules.required_fields(section, review)
            answered = sum(1 for f in required if getattr(review, f) not in (None, ""))
            total = len(required)
        saved = review.section_version(section.key) > 0
        status = (
            "completed"
            if saved and answered >= total
            else "in_progress"
            if saved or answered
            else "not_started"
        )
        states.append({"section": section, "status": status})
    return states


@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.rapid_review_get_for_user(user=request.user, pk=pk)
    sections = _section_states(review)
    steps = review.available_transitions(request.user)
    today = timezone.localdate()
    calendar = england_calendar()
    deadline = selectors.rapid_review_deadline(
        review=review,
        today=today,
        calendar=calendar,
        due_soon_by=calendar.add_working_days(today, DUE_SOON_WORKING_DAYS),
    )
    return render(
        request,
        "rapidreviews/review_detail.html",
        {
            "review": review,
            "notification": review.notification,
            "status": deadline.status,
            "deadline": deadline,
            "sections": sections,
            "sections_completed": sum(1 for s in sections if s["status"] == "completed"),
            "answers": selectors.rapid_review_answers(review=review),
            "can_edit": RapidReview.Step.EDIT in steps,
            "can_submit": RapidReview.Step.SUBMIT in steps,
            "can_reopen": RapidReview.Step.REOPEN in steps,
            "can_share": policy.can_share_review(request.user, review)
            and review.status == RapidReview.Status.SUBMITTED,
            "history": case_history(review, with_panel_only=policy.is_panel(request.user)),
            "access_log": case_access_log(user=request.user, records=[review, review.notification]),
            **_extensions_context(request.user, review),
            "type_differs": review.incident_type
            and review.incident_type != review.notification.reason,
            "reflective_questions": reflection.reflective_questions_for(review),
        },
    )


def _check_url(review: RapidReview) -> str:
    return reverse("rapidreviews:review-submit", args=[review.pk])


def _back_url(request: HttpRequest, review: RapidReview) -> str:
    """Where Back, Cancel and a save go: check answers when opened from there."""
    return return_to_check(request, _check_url(review)) or reverse(
        "rapidreviews:review-detail", args=[review.pk]
    )


def _section_initial(review: RapidReview, section) -> dict:
    initial = {name: getattr(review, name) for name in section.fields}
    child = review.notification.child_in_focus
    # Start from what the SIN said; the partnership confirms or corrects it.
    if section.key == "incident" and not review.incident_type:
        initial["incident_type"] = review.notification.reason
    if section.key == "child" and child:
        initial["sex"] = initial["sex"] or child.sex
        if initial["age_years"] is None:
            initial["age_years"] = child.age_years
    return initial


def _section_form(request: HttpRequest, review: RapidReview, section: Section) -> Form:
    """The section's form: bound to what was posted, or filled with the saved answers."""
    is_themes = section.key == "themes"
    if request.method == "POST":
        if is_themes:
            return forms.ThemesForm(request.POST)
        return forms.ReviewSectionForm(request.POST, section=section, review=review)
    version = {"version": review.section_version(section.key)}
    if is_themes:
        themes = list(review.themes.all())
        return forms.ThemesForm(
            initial={
                **version,
                **{f"{t.theme}_present": "yes" if t.present else "no" for t in themes},
                **{f"{t.theme}_good_practice": "yes" if t.good_practice else "no" for t in themes},
            }
        )
    return forms.ReviewSectionForm(
        initial={**version, **_section_initial(review, section)}, section=section, review=review
    )


def _section_save(
    request: HttpRequest, review: RapidReview, section: Section, form: Form
) -> RapidReview | None:
    """Save the valid form's answers through the service. Problems go on the form, what was
    typed stays in it; a conflict returns the review as someone else saved it."""
    try:
        if section.key == "themes":
            services.rapid_review_themes_save(
                review=review,
                by=request.user,
                themes=form.themes(),
                expected_version=form.cleaned_data["version"],
            )
        else:
            services.rapid_review_section_save(
                review=review,
                by=request.user,
                section_key=section.key,
                values=form.answers(),
                expected_version=form.cleaned_data["version"],
            )
    except services.RapidReviewConflict as exc:
        form.add_error(None, str(exc))
        data = request.POST.copy()
        data["version"] = str(exc.current.section_version(section.key))
        form.data = data
        return exc.current
    except services.RapidReviewInvalid as exc:
        form_add_errors(form, exc.errors)
    except services.RapidReviewError as exc:
        form.add_error(None, str(exc))
    return None


@login_required
def review_section(request: HttpRequest, pk: int, section_key: str) -> HttpResponse:
    review = selectors.rapid_review_get_for_editing(user=request.user, pk=pk)
    section = SECTION_BY_KEY.get(section_key)
    if section is None:
        raise Http404
    if not review.step_allowed(RapidReview.Step.EDIT, request.user):
        messages.error(request, "This rapid review has been submitted and is read-only.")
        return redirect("rapidreviews:review-detail", pk=review.pk)
    form = _section_form(request, review, section)
    conflict = None
    if request.method == "POST" and form.is_valid():
        conflict = _section_save(request, review, section, form)
        if conflict is None and not form.errors:
            messages.success(request, f"{section.title} saved.")
            return redirect(_back_url(request, review))
    saved = None
    if conflict is not None:
        answers = selectors.rapid_review_answers(review=conflict)
        saved = next(part for part in answers if part.section.key == section.key)
    return render(
        request,
        "rapidreviews/review_section.html",
        {
            "review": review,
            "notification": review.notification,
            "section": section,
            "form": form,
            "conflict": conflict,
            "saved": saved,
            "back_url": _back_url(request, review),
            "reflective_questions": reflection.reflective_questions_for(review)
            if section.key in reflection.REFLECTION_SECTIONS
            else [],
        },
    )


@login_required
def review_submit(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.rapid_review_get_for_editing(user=request.user, pk=pk)
    if not review.step_allowed(RapidReview.Step.SUBMIT, request.user):
        return redirect("rapidreviews:review-detail", pk=review.pk)
    check = services.rapid_review_completeness(review)
    form = forms.SubmitReviewForm(
        request.POST if request.method == "POST" else None, warnings=bool(check.not_recorded)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.rapid_review_submit(
                review=review,
                by=request.user,
                accept_not_recorded=form.cleaned_data.get("accept_not_recorded", False),
            )
        except services.RapidReviewInvalid as exc:
            form_add_errors(form, exc.errors)
        except services.RapidReviewError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("rapidreviews:review-confirmation", pk=review.pk)
    return render(
        request,
        "rapidreviews/review_submit.html",
        {
            "review": review,
            "notification": review.notification,
            "check": check,
            "form": form,
            "answers": _check_answers(review),
            "return_query": RETURN_QUERY,
            "document_change_url": change_url(
                reverse("rapidreviews:review-document", args=[review.pk])
            ),
        },
    )


def _check_answers(review: RapidReview) -> list[dict]:
    """Every section's answers with the address of its "Change" link, which comes back to
    check answers once the section is saved."""
    return [
        {
            "section": part.section,
            "rows": part.rows,
            "change_url": change_url(
                reverse("rapidreviews:review-section", args=[review.pk, part.section.key])
            ),
        }
        for part in selectors.rapid_review_answers(review=review)
    ]


@login_required
def review_confirmation(request: HttpRequest, pk: int) -> HttpResponse:
    """The end of the journey: the GOV.UK confirmation panel, once the review is submitted."""
    review = selectors.rapid_review_get_for_user(user=request.user, pk=pk)
    if review.status != RapidReview.Status.SUBMITTED:
        return redirect("rapidreviews:review-detail", pk=review.pk)
    return render(
        request,
        "rapidreviews/review_confirmation.html",
        {"review": review, "notification": review.notification},
    )


@login_required
def review_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.rapid_review_get_for_user(user=request.user, pk=pk)
    policy.require(policy.can_reopen_review(request.user, review))
    form = forms.ReopenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rapid_review_reopen(
                review=review, by=request.user, reason=form.cleaned_data["reason"]
            )
        except services.RapidReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The rapid review has been reopened for the partnership.")
            return redirect("rapidreviews:review-detail", pk=review.pk)
    return render(
        request,
        "rapidreviews/review_reopen.html",
        {"review": review, "notification": review.notification, "form": form},
    )


@login_required
def review_share(request: HttpRequest, pk: int) -> HttpResponse:
    """Share a submitted review with DfE and Ofsted, or stop sharing it: a confirmation page,
    then a POST that says which of the two it wants (never a toggle)."""
    review = selectors.rapid_review_get_for_user(user=request.user, pk=pk)
    policy.require(policy.can_share_review(request.user, review))
    form = forms.ShareForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        share = form.cleaned_data["share"] == forms.ShareForm.SHARE
        try:
            services.rapid_review_sharing_set(review=review, by=request.user, share=share)
        except services.RapidReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                "The rapid review is shared with DfE and Ofsted."
                if share
                else "The rapid review is no longer shared with DfE and Ofsted.",
            )
            return redirect("rapidreviews:review-detail", pk=review.pk)
    return render(
        request,
        "rapidreviews/review_share.html",
        {"review": review, "notification": review.notification, "form": form},
    )


DOCUMENT_CONFLICT = (
    "Someone else uploaded a document after you opened this page, so yours has not been "
    "saved. Check the current document below, then upload yours again to replace it."
)


@login_required
def review_document(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload (or replace) the full review document."""
    review = selectors.rapid_review_get_for_editing(user=request.user, pk=pk)
    if not review.step_allowed(RapidReview.Step.EDIT, request.user):
        messages.error(request, "This rapid review has been submitted and is read-only.")
        return redirect("rapidreviews:review-detail", pk=review.pk)
    if request.method == "POST":
        form = forms.ReviewDocumentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.rapid_review_document_upload(
                    review=review,
                    by=request.user,
                    uploaded_file=form.cleaned_data["document"],
                    expected_version=form.cleaned_data["version"],
                )
            except services.RapidReviewConflict as exc:
                review = exc.current
                form.add_error(None, DOCUMENT_CONFLICT)
                data = request.POST.copy()
                data["version"] = str(review.section_version("document"))
                form.data = data
            except services.RapidReviewInvalid as exc:
                form_add_errors(form, exc.errors)
            except services.RapidReviewError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Full review document uploaded.")
                return redirect(_back_url(request, review))
    else:
        form = forms.ReviewDocumentForm(initial={"version": review.section_version("document")})
    return render(
        request,
        "rapidreviews/review_document.html",
        {
            "review": review,
            "notification": review.notification,
            "section": SECTION_BY_KEY["document"],
            "form": form,
            "back_url": _back_url(request, review),
        },
    )


@never_cache
@login_required
def review_document_download(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.rapid_review_get_for_user(user=request.user, pk=pk)
    try:
        download = services.rapid_review_document_download(review=review, by=request.user)
    except services.RapidReviewError as exc:
        raise Http404 from exc
    return FileResponse(
        download.file,
        as_attachment=True,
        filename=download.filename,
        content_type=download.content_type,
    )


def _extensions_context(user, review: RapidReview) -> dict:
    """The review page's "Extensions" section: every request, and what this user may do."""
    return {
        "extensions": list(selectors.rapid_review_extension_list(review=review)),
        "can_request_extension": services.rapid_review_extension_refusal(review=review, by=user)
        is None,
        "can_decide_extension": policy.can_decide_extension(user, review),
    }


@login_required
def extension_request(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.rapid_review_get_for_editing(user=request.user, pk=pk)
    refusal = services.rapid_review_extension_refusal(review=review, by=request.user)
    if refusal:
        messages.error(request, f"{refusal}.")
        return redirect("rapidreviews:review-detail", pk=review.pk)
    form = forms.ExtensionRequestForm(
        request.POST if request.method == "POST" else None, due_date=review.due_date
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.rapid_review_extension_request(
                review=review,
                by=request.user,
                reason=form.cleaned_data["reason"],
                proposed_date=form.cleaned_data["proposed_date"],
            )
        except services.RapidReviewInvalid as exc:
            forms.add_rule_errors(form, exc.errors)
        except services.RapidReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, "Your request for an extension has been sent to the Panel secretariat."
            )
            return redirect("rapidreviews:review-detail", pk=review.pk)
    return render(
        request,
        "rapidreviews/extension_request.html",
        {"review": review, "notification": review.notification, "form": form},
    )


@login_required
def extension_decide(request: HttpRequest, pk: int, ext_pk: int) -> HttpResponse:
    extension = selectors.rapid_review_extension_get_for_deciding(
        user=request.user, review_pk=pk, pk=ext_pk
    )
    review = extension.review
    if extension.status != extension.Status.PENDING:
        messages.error(request, "This extension request has already been decided.")
        return redirect("rapidreviews:review-detail", pk=review.pk)
    form = forms.ExtensionDecisionForm(
        request.POST if request.method == "POST" else None,
        initial={"new_due_date": extension.proposed_date},
        due_date=review.due_date,
        proposed_date=extension.proposed_date,
    )
    if request.method == "POST" and form.is_valid():
        try:
            decided = services.rapid_review_extension_decide(
                extension=extension,
                by=request.user,
                approve=form.approve,
                decision_reason=form.cleaned_data["decision_reason"],
                new_due_date=form.cleaned_data["new_due_date"],
            )
        except services.RapidReviewInvalid as exc:
            forms.add_rule_errors(form, exc.errors)
        except services.RapidReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"Extension approved: the rapid review is now due on "
                f"{long_date(decided.new_due_date)}."
                if decided.new_due_date
                else "Extension declined. The partnership's leads have been told.",
            )
            return redirect("rapidreviews:review-detail", pk=review.pk)
    return render(
        request,
        "rapidreviews/extension_decide.html",
        {
            "review": review,
            "notification": review.notification,
            "extension": extension,
            "form": form,
        },
    )
