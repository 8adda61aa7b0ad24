"""The cohort pages (issue 18, item 4): list, builder, a saved cohort, its comparison with the
rest of the year, its sample, and the downloads. The Panel reads; administrators save.
Selector -> form -> service -> redirect; the rules are in analytics.cohorts."""

from __future__ import annotations

import functools
import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from rapidreviews.models import RapidReview
from safeguarding import policy
from safeguarding.audit import audit_list, audit_list_now
from safeguarding.limits import id_or_none

from . import cohort_tables, cohorts, selectors
from .cohort_definitions import (
    FIELDS_BY_NAME,
    PRESETS,
    DefinitionError,
    definition_clean,
    definition_text,
)
from .cohort_forms import (
    CohortForm,
    Row,
    condition_forms,
    definition_from_forms,
    rows_add,
    rows_from_definition,
    rows_from_state,
    rows_state,
    whole_definition_errors,
)
from .layout import table_layout
from .models import Cohort
from .suppression import SUPPRESSED, is_small
from .views import PUBLIC_VALUES, financial_year

DEFAULT_SAMPLE_SIZE = 10


def _usable_definition(view):
    """A saved cohort whose definition no longer fits the code lists (a code withdrawn since
    it was saved) is shown with its problems, never as a server error."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DefinitionError as problem:
            return render(
                request,
                "analytics/cohorts/cohort_problem.html",
                {"problems": problem.messages, "pk": kwargs.get("pk")},
                status=409,
            )

    return wrapped


# Actions of the builder's submit buttons that check the cohort (the others only edit it).
CHECKING = {"refresh", "sample", "save"}


def _years() -> list[tuple[int, str]]:
    return [(y, financial_year(y)) for y in selectors.statistics_years()]


def _state(request: HttpRequest) -> dict[str, list[str]]:
    return {key: request.POST.getlist(key) for key in request.POST}


HEADER_FIELDS = ("year", "name", "description", "sample_size", "add_part")


def _added(request: HttpRequest, rows: list[Row]) -> list[Row] | None:
    """The rows after "Add condition", or None when no field was chosen."""
    choice = request.POST.get("add_field", "")
    part = request.POST.get("add_part") or "where"
    known = choice in FIELDS_BY_NAME or choice.removeprefix("preset:") in PRESETS
    if not known or part not in ("within", "where"):
        return None
    return rows_add(rows, part=part, choice=choice, joined=bool(request.POST.get("add_or")))


def _builder(request: HttpRequest, cohort: Cohort | None, *, saving: bool = False) -> HttpResponse:
    """The builder: GET shows the cohort (a saved one's definition, or an empty one); each
    button posts the whole cohort back and the page comes back with what was typed kept.
    "Add condition" and "Remove" only change the conditions; "Show the size", "Draw a
    sample" and "Save" check everything, with each error beside its field."""
    years = _years()
    context: dict = {"cohort": cohort, "can_save": policy.can_build_cohorts(request.user)}
    if request.method == "POST":
        action = "save" if saving else request.POST.get("action", "refresh")
        rows = rows_from_state(_state(request))
        checking = action in CHECKING
        context["sample_seed"] = request.POST.get("sample_seed", "")
        # The version the user started from, kept through every re-render (size, add, remove,
        # sample), so a save still refuses what someone else changed meanwhile.
        context["version"] = request.POST.get("version", "")
        if checking:
            form = CohortForm(request.POST, years=years)
            form.is_valid()
        else:
            initial = {key: request.POST.get(key, "") for key in HEADER_FIELDS}
            if action == "add":
                added = _added(request, rows)
                if added is None:
                    # Only this problem: the rest of the cohort is not being checked yet.
                    form = CohortForm(request.POST, years=years)
                    form.is_valid()
                    form._errors = forms.utils.ErrorDict()
                    form.add_error("add_field", "Choose a field to add a condition")
                else:
                    rows = added
                    form = CohortForm(initial=initial, years=years)
            else:
                index = _number(action.removeprefix("remove-"))
                if action.startswith("remove-") and index is not None:
                    rows = [row for i, row in enumerate(rows) if i != index]
                form = CohortForm(initial=initial, years=years)
    else:
        action, checking = "show", cohort is not None
        initial = {"sample_size": DEFAULT_SAMPLE_SIZE}
        context["sample_seed"] = ""
        rows = []
        if cohort is not None:
            initial |= {
                "year": cohort.year,
                "name": cohort.name,
                "description": cohort.description,
                "sample_size": cohort.sample_size or DEFAULT_SAMPLE_SIZE,
            }
            rows = rows_from_definition(cohort.definition)
            if cohort.sample_seed is not None:
                context["sample_seed"] = cohort.sample_seed
        else:
            year = _number(request.GET.get("year", ""))
            if year is not None:
                initial["year"] = year
        form = CohortForm(initial=initial, years=years)
    condition_rows = condition_forms(rows, bound=checking)
    definition = None
    if checking:
        checked = [row.check() for row in condition_rows]  # every row, so each shows its errors
        rows_ok = all(checked)
        year = form.cleaned_data.get("year") if form.is_bound else cohort.year
        candidate = definition_from_forms(year, condition_rows)
        if form.is_bound:
            for error in whole_definition_errors(candidate):
                form.add_error("add_field", error)
        if rows_ok and (not form.is_bound or form.is_valid()):
            definition = definition_clean(candidate)
    response = _builder_action(request, cohort, action, form, definition, context)
    if response is not None:
        return response
    context |= {
        "form": form,
        "rows": condition_rows,
        "hidden": rows_state(rows),
        "definition": definition,
        "text": definition_text(definition) if definition else None,
        "financial_year": financial_year(definition["year"]) if definition else "",
        "sizes": cohorts.cohort_sizes(definition) if definition else None,
        "has_errors": bool(form.errors)
        or any(row.is_bound and row.errors for row in condition_rows),
    }
    return render(request, "analytics/cohorts/cohort_builder.html", context)


def _builder_action(request, cohort, action, form, definition, context) -> HttpResponse | None:
    """Draw a sample or save, once the cohort checks out; None to show the builder."""
    if definition is None:
        return None
    if action == "sample":
        size = form.cleaned_data.get("sample_size") or DEFAULT_SAMPLE_SIZE
        seed = cohorts.new_seed()
        ids = cohorts.cohort_sample_ids(definition, seed=seed, size=size)
        cohorts.cases_listed_audit(
            user=request.user, ids=ids, filters={"cohort_sample_seed": seed, "size": size}
        )
        context |= {"sample_seed": seed, "sample": cohorts.cohort_cases(ids), "sample_size": size}
        return None
    if action != "save":
        return None
    name = form.cleaned_data.get("name", "")
    if not name.strip():
        form.add_error("name", "Enter a name for the cohort")
        return None
    # The seed the builder drew (cohorts.new_seed): below SEED_LIMIT, or it is not one.
    seed_text = request.POST.get("sample_seed", "").strip()
    seed = _number(seed_text)
    if seed_text and (seed is None or seed >= cohorts.SEED_LIMIT):
        form.add_error("sample_size", "The sample could not be read: draw it again")
        return None
    size = form.cleaned_data.get("sample_size") if seed is not None else None
    fields = {
        "by": request.user,
        "name": name,
        "description": form.cleaned_data.get("description", ""),
        "definition": definition,
        "sample_seed": seed,
        "sample_size": size or (DEFAULT_SAMPLE_SIZE if seed is not None else None),
    }
    try:
        if cohort is None:
            saved = cohorts.cohort_create(**fields)
        else:
            saved = cohorts.cohort_update(
                cohort=cohort, expected_version=_version(request), **fields
            )
    except cohorts.CohortConflict as conflict:
        form.add_error(None, str(conflict))
        # Saving again now acts on the cohort as it is (the conflict was reported).
        cohort.refresh_from_db()
        context["version"] = cohort.version
        return None
    except DefinitionError as problem:
        for message in problem.messages:
            form.add_error(None, message)
        return None
    messages.success(request, f"Saved the cohort ‘{saved.name}’.")
    return redirect("analytics:cohort-detail", pk=saved.pk)


def _number(text: str) -> int | None:
    """A number typed into a query string or a form (ASCII digits that fit), else None."""
    return 0 if str(text).strip() == "0" else id_or_none(text)


def _version(request: HttpRequest) -> int:
    """The version the form was opened at; -1 (never current) when missing or unreadable."""
    version = _number(request.POST.get("version", ""))
    return -1 if version is None else version


@login_required
def cohort_list(request: HttpRequest) -> HttpResponse:
    saved = list(cohorts.cohort_list(user=request.user))
    return render(
        request,
        "analytics/cohorts/cohort_list.html",
        {
            "cohorts": [(c, financial_year(c.year)) for c in saved],
            "can_save": policy.can_build_cohorts(request.user),
        },
    )


@login_required
def cohort_new(request: HttpRequest) -> HttpResponse:
    policy.require(policy.can_view_cohorts(request.user))
    return _builder(request, None)


@login_required
def cohort_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _builder(request, cohorts.cohort_get_for_user(user=request.user, pk=pk))


@login_required
@require_POST
def cohort_save(request: HttpRequest) -> HttpResponse:
    """The builder's Save button (administrators): a new cohort, or the one being edited."""
    policy.require(policy.can_build_cohorts(request.user))
    cohort_id = request.POST.get("cohort", "")
    cohort = None
    if cohort_id:
        pk = _number(cohort_id)
        if pk is None:
            raise Http404("No such cohort")
        cohort = cohorts.cohort_get_for_user(user=request.user, pk=pk)
    return _builder(request, cohort, saving=True)


def _cohort_context(request: HttpRequest, cohort: Cohort) -> dict:
    return {
        "cohort": cohort,
        "financial_year": financial_year(cohort.year),
        "text": definition_text(cohort.definition),
        "can_save": policy.can_build_cohorts(request.user),
    }


@login_required
@_usable_definition
def cohort_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohorts.cohort_get_for_user(user=request.user, pk=pk)
    context = _cohort_context(request, cohort)
    context["sizes"] = cohorts.cohort_sizes(cohort.definition)
    context["definition_json"] = json.dumps(cohort.definition, indent=2)
    return render(request, "analytics/cohorts/cohort_detail.html", context)


@login_required
@_usable_definition
def cohort_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """The cohort beside the rest of its year, on every comparison table."""
    cohort = cohorts.cohort_get_for_user(user=request.user, pk=pk)
    public = request.GET.get("public", "").lower() in PUBLIC_VALUES
    result = cohorts.cohort_compare(cohort.definition)
    threshold = settings.STATISTICS_SUPPRESSION_THRESHOLD
    tables = [
        cohort_tables.suppress_comparison(t, threshold) if public else t for t in result["tables"]
    ]
    # As published: both sizes `c` when either is small (the year's total gives one away).
    small = public and any(
        is_small(n, threshold) for n in (result["cohort_size"], result["rest_size"])
    )
    context = _cohort_context(request, cohort) | {
        "result": result,
        "cohort_size": SUPPRESSED if small else result["cohort_size"],
        "rest_size": SUPPRESSED if small else result["rest_size"],
        "public": public,
        "layouts": [table_layout(t) for t in tables],
        "threshold": threshold,
    }
    return render(request, "analytics/cohorts/cohort_compare.html", context)


def _download(export: cohorts.CohortExport) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@_usable_definition
def cohort_compare_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    cohort = cohorts.cohort_get_for_user(user=request.user, pk=pk)
    if fmt not in cohorts.CONTENT_TYPES:
        raise Http404("No such export format")
    public = request.GET.get("public", "").lower() in PUBLIC_VALUES
    with transaction.atomic():
        export = cohorts.comparison_export(cohort=cohort, fmt=fmt, public=public, by=request.user)
    return _download(export)


@login_required
@_usable_definition
def cohort_cases_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    cohort = cohorts.cohort_get_for_user(user=request.user, pk=pk)
    if fmt not in cohorts.CONTENT_TYPES:
        raise Http404("No such export format")
    with transaction.atomic():
        export = cohorts.case_list_export(cohort=cohort, fmt=fmt, by=request.user)
    return _download(export)


@login_required
@_usable_definition
def cohort_sample(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored sample's cases (GET, audited as a list), or a new draw (POST,
    administrators): a new seed, recorded."""
    cohort = cohorts.cohort_get_for_user(user=request.user, pk=pk)
    context = _cohort_context(request, cohort)
    error = ""
    if request.method == "POST":
        policy.require(policy.can_build_cohorts(request.user))
        size_text = request.POST.get("sample_size", "").strip()
        size = _number(size_text)
        if size is None or not 1 <= size <= cohorts.SAMPLE_MAX:
            error = f"Enter a number of cases from 1 to {cohorts.SAMPLE_MAX}"
        else:
            try:
                cohorts.cohort_sample_draw(
                    cohort=cohort, by=request.user, expected_version=_version(request), size=size
                )
            except cohorts.CohortConflict as conflict:
                error = str(conflict)
            else:
                messages.success(request, "Drew a new sample.")
                return redirect("analytics:cohort-sample", pk=cohort.pk)
        context["size_typed"] = size_text
    sample = []
    if cohort.has_sample:
        ids = cohorts.cohort_sample_ids(
            cohort.definition, seed=cohort.sample_seed, size=cohort.sample_size
        )
        sample = cohorts.cohort_cases(ids)
        # Shown again after a refused draw too: a POST, which the middleware's notes miss.
        record = audit_list_now if request.method == "POST" else audit_list
        record(
            user=request.user,
            model=RapidReview,
            ids=[case.pk for case in sample],
            filters={"cohort": cohort.pk, "sample_seed": cohort.sample_seed},
        )
    context |= {"sample": sample, "error": error, "max_size": cohorts.SAMPLE_MAX}
    return render(request, "analytics/cohorts/cohort_sample.html", context)


@login_required
@require_POST
def cohort_archive(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohorts.cohort_get_for_user(user=request.user, pk=pk)
    policy.require(policy.can_build_cohorts(request.user))
    try:
        cohorts.cohort_archive(
            cohort=cohort,
            by=request.user,
            expected_version=_version(request),
            archived=not cohort.archived,
        )
    except cohorts.CohortConflict as conflict:
        messages.error(request, str(conflict))
    return redirect(reverse("analytics:cohort-detail", args=(cohort.pk,)))
