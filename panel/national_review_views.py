"""National review pages (issue 18, item 3): the list, a review's page with its cases as the
reader may see them, proposing a case for a review (from the case), deciding a proposed case,
and moving a review along its statuses. selector -> form -> service -> redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from analytics import cohorts as cohort_services
from analytics.cohort_definitions import DefinitionError
from rapidreviews.models import RapidReview
from rapidreviews.selectors import rapid_review_get_for_user
from safeguarding import policy
from safeguarding.forms import form_add_errors

from . import national_review_forms as forms
from . import national_review_selectors as selectors
from . import national_reviews as services
from .models import NationalReview


@login_required
def national_review_list(request: HttpRequest) -> HttpResponse:
    """Every national review, the newest first, filtered by status."""
    status = request.GET.get("status", "")
    if status not in NationalReview.Status.values:
        status = ""
    reviews = selectors.national_review_list(user=request.user, status=status)
    return render(
        request,
        "panel/national_reviews/national_review_list.html",
        {
            "reviews": reviews,
            "status": status,
            "statuses": NationalReview.Status.choices,
        },
    )


@login_required
def national_review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The review and its cases as the reader may see them."""
    user = request.user
    review = selectors.national_review_get_for_user(user=user, pk=pk)
    cases = selectors.national_review_cases(user=user, review=review)
    can_manage = policy.can_manage_national_reviews(user, review)
    return render(
        request,
        "panel/national_reviews/national_review_detail.html",
        {
            "review": review,
            "cases": cases,
            "can_manage": can_manage,
            "steps": services.national_review_steps(review) if can_manage else [],
            "accepting": review.status in NationalReview.ACCEPTING_STATUSES,
            "can_add_cohort": review.status in NationalReview.OPEN_STATUSES
            and policy.can_add_cohort_to_national_review(user, review),
        },
    )


@login_required
def national_review_propose(request: HttpRequest, review_pk: int) -> HttpResponse:
    """Propose the case (its rapid review) for an existing national review or a new one."""
    user = request.user
    rapid_review = rapid_review_get_for_user(user=user, pk=review_pk, with_shared=False)
    policy.require(policy.can_propose_national_review(user, rapid_review))
    choices = selectors.national_review_choices(user=user, rapid_review=rapid_review)
    if request.method == "POST":
        form = forms.ProposeForm(request.POST, reviews=choices)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = services.national_review_propose_case(
                    rapid_review=rapid_review,
                    by=user,
                    reason=data["reason"],
                    review=form.chosen_review(),
                    title=data["title"],
                    theme=data["theme"],
                    learning_theme=data["learning_theme"],
                )
            except services.NationalReviewInvalid as exc:
                form_add_errors(form, exc.errors)
            except services.NationalReviewError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    f"{rapid_review.notification.reference} has been proposed for the national "
                    f"review “{case.review.title}”. The secretariat will decide.",
                )
                return redirect("panel:national-review-detail", pk=case.review_id)
    else:
        form = forms.ProposeForm(reviews=choices)
    return render(
        request,
        "panel/national_reviews/national_review_propose.html",
        {"form": form, "rapid_review": rapid_review},
    )


@login_required
def national_review_case_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept or decline a case proposed for a national review (a reason to decline)."""
    user = request.user
    case = selectors.national_review_case_get_for_user(user=user, pk=pk)
    policy.require(policy.can_manage_national_reviews(user, case))
    if request.method == "POST":
        form = forms.CaseDecisionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["decision"] == forms.ACCEPT:
                    services.national_review_case_accept(case=case, by=user, reason=data["reason"])
                else:
                    services.national_review_case_decline(case=case, by=user, reason=data["reason"])
            except services.NationalReviewInvalid as exc:
                form_add_errors(form, exc.errors)
            except services.NationalReviewError as exc:
                form.add_error(None, str(exc))
            else:
                verb = "accepted into" if data["decision"] == forms.ACCEPT else "declined for"
                messages.success(
                    request,
                    f"{case.rapid_review.notification.reference} has been {verb} the national "
                    "review.",
                )
                return redirect("panel:national-review-detail", pk=case.review_id)
    else:
        form = forms.CaseDecisionForm()
    return render(
        request,
        "panel/national_reviews/national_review_case_decide.html",
        {"form": form, "case": case, "review": case.review},
    )


def _with_version(request: HttpRequest, version: int):
    data = request.POST.copy()
    data["version"] = str(version)
    return data


@login_required
def national_review_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the review one step: commission or decline it, record its start or publication."""
    user = request.user
    review = selectors.national_review_get_for_user(user=user, pk=pk)
    policy.require(policy.can_manage_national_reviews(user, review))
    steps = services.national_review_steps(review)
    if request.method == "POST":
        form = forms.StatusForm(request.POST, steps=steps)
        if form.is_valid():
            try:
                data = form.cleaned_data
                review = services.national_review_move(
                    review=review,
                    by=user,
                    target=data["target"],
                    expected_version=data["version"],
                    reason=data["reason"],
                    published_on=data["published_on"],
                    published_url=data["published_url"],
                )
            except services.NationalReviewConflict as exc:
                # What they chose stays; sending again now acts on the review as it is.
                steps = services.national_review_steps(exc.current)
                form = forms.StatusForm(_with_version(request, exc.current.version), steps=steps)
                form.is_valid()
                form.add_error(None, str(exc))
                review = exc.current
            except services.NationalReviewInvalid as exc:
                form_add_errors(form, exc.errors)
            except services.NationalReviewError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, f"The national review is now {review.get_status_display().lower()}."
                )
                return redirect("panel:national-review-detail", pk=review.pk)
    else:
        form = forms.StatusForm(initial={"version": review.version}, steps=steps)
    return render(
        request,
        "panel/national_reviews/national_review_status.html",
        {"form": form, "review": review, "steps": steps},
    )


@login_required
def national_review_cohort(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a saved cohort's cases (every case, or its stored sample) into the review: accepted
    when the secretariat adds them to a commissioned review, otherwise proposed for its
    decision (services.national_review_add_cases)."""
    user = request.user
    review = selectors.national_review_get_for_user(user=user, pk=pk)
    policy.require(policy.can_add_cohort_to_national_review(user, review))
    if review.status not in NationalReview.OPEN_STATUSES:
        messages.error(
            request,
            f"This national review is {review.get_status_display().lower()}: it takes no more "
            "cases.",
        )
        return redirect("panel:national-review-detail", pk=review.pk)
    cohorts = cohort_services.cohort_list(user=user).filter(archived=False)
    if request.method == "POST":
        form = forms.CohortCasesForm(request.POST, cohorts=cohorts)
        if form.is_valid():
            cohort = form.chosen_cohort()
            try:
                ids = _cohort_ids(cohort, sample=form.cleaned_data["which"] == forms.SAMPLE)
            except DefinitionError as problem:
                # Saved before a code it uses was withdrawn: fix it on the cohort's page.
                for message in problem.messages:
                    form.add_error("cohort", f"“{cohort.name}” cannot be used: {message}")
        if form.is_valid():
            try:
                added = services.national_review_add_cases(
                    review,
                    RapidReview.objects.filter(pk__in=ids).select_related("notification"),
                    by=user,
                    reason=form.cleaned_data["reason"],
                )
            except services.NationalReviewInvalid as exc:
                for field, problems in exc.errors.items():
                    for problem in problems:
                        form.add_error("reason" if field == "reason" else None, problem)
            except services.NationalReviewError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _cohort_added_message(cohort.name, ids, added))
                return redirect("panel:national-review-detail", pk=review.pk)
    else:
        form = forms.CohortCasesForm(cohorts=cohorts)
    return render(
        request,
        "panel/national_reviews/national_review_cohort.html",
        {"form": form, "review": review, "has_cohorts": bool(form.cohorts)},
    )


def _cohort_ids(cohort, *, sample: bool) -> list[int]:
    """The saved cohort's cases in its reporting year, or only its stored sample."""
    if sample:
        return cohort_services.cohort_sample_ids(
            cohort.definition, seed=cohort.sample_seed, size=cohort.sample_size
        )
    return cohort_services.cohort_review_ids(cohort)


def _cohort_added_message(name: str, ids: list[int], added) -> str:
    """What happened to a cohort's cases: how many were added (accepted or proposed) and how
    many the review held already."""
    verb = "accepted into" if added and added[0].status == "accepted" else "proposed for"
    count = len(added)
    text = f"{count} case{'' if count == 1 else 's'} from “{name}” "
    text += f"{'was' if count == 1 else 'were'} {verb} the review."
    if held := len(ids) - count:
        text += f" {held} {'was' if held == 1 else 'were'} in it already."
    return text
