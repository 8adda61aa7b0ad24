"""Cohorts of rapid reviews (issue 18, item 4): reads and writes. The definition language is
analytics.cohort_definitions; the comparison tables are analytics.cohort_tables.

Who: administrators build and save cohorts (`policy.can_build_cohorts`); the Panel reads them
(`policy.can_view_cohorts`). Every service checks the policy itself, so the web and any other
caller share one rule.

Sampling (as the Panel's Appendix E describes: a random sample drawn from the cohort for a
closer reading of the reviews): the cohort's rapid review ids in the reporting year are sorted
ascending and `random.Random(seed).sample(ids, n)` picks n of them (all of them when the
cohort has n or fewer). The seed is stored with the cohort, so the same seed and the same
records give the same sample every time, on any machine; drawing again makes a new seed
(`secrets`), and the old and new seeds are recorded in the audit trail. A sample is shown in
the order of the SIN references. Records added to the year later can change a sample drawn
from the same seed, as they change the cohort: the page says when the sample was drawn.
"""

from __future__ import annotations

import csv
import io
import random
import secrets
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from openpyxl import Workbook

from rapidreviews.models import RapidReview
from safeguarding import policy
from safeguarding.audit import audit_list_now, audit_log
from safeguarding.exports import safe_row, safe_workbook
from safeguarding.models import AuditAction, User

from . import cohort_tables
from .cohort_definitions import (
    DefinitionError,
    definition_clean,
    definition_q,
)
from .models import Cohort

SEED_LIMIT = 2**31  # seeds are drawn below this: short enough to read out and write down
SAMPLE_MAX = 500
CASE_LIST_HEADER = ["SIN reference", "In the sample"]


class CohortConflict(Exception):
    """The cohort changed since the form was opened: nothing was saved."""


# --- Reads -----------------------------------------------------------------------------------


def cohort_list(*, user: User) -> QuerySet[Cohort]:
    """The saved cohorts, spotlight ones first, archived ones last."""
    policy.require(policy.can_view_cohorts(user))
    return Cohort.objects.select_related("created_by").order_by(
        "archived", "-spotlight", "name", "id"
    )


def cohort_get_for_user(*, user: User, pk: int) -> Cohort:
    """One saved cohort (403 for anyone but the Panel and administrators, 404 if missing)."""
    policy.require(policy.can_view_cohorts(user))
    return get_object_or_404(Cohort.objects.select_related("created_by", "sampled_by"), pk=pk)


def cohort_reviews(definition: dict) -> tuple[QuerySet[RapidReview], QuerySet[RapidReview]]:
    """(cohort, rest): the reporting year's counted reviews in each."""
    clean = definition_clean(definition)
    cohort_q, rest_q = definition_q(clean)
    # The reviews the comparison's figures are computed from, exactly (one rule for both).
    year = clean["year"]
    return cohort_tables.cohort_reviews(year, cohort_q), cohort_tables.cohort_reviews(year, rest_q)


@dataclass(frozen=True)
class CohortSizes:
    cohort: int
    rest: int


def cohort_sizes(definition: dict) -> CohortSizes:
    cohort, rest = cohort_reviews(definition)
    return CohortSizes(cohort=cohort.count(), rest=rest.count())


def cohort_review_ids(cohort: Cohort) -> list[int]:
    """The saved cohort's rapid review ids in its year, ascending (for a national review that
    takes a saved cohort as its cases)."""
    reviews, _ = cohort_reviews(cohort.definition)
    return sorted(reviews.values_list("pk", flat=True))


def cohort_sample_ids(definition: dict, *, seed: int, size: int) -> list[int]:
    """The sample's rapid review ids, reproducible from the seed (module docstring)."""
    cohort, _ = cohort_reviews(definition)
    ids = sorted(cohort.values_list("pk", flat=True))
    # Reproducibility, not secrecy: the seed is published with the sample.
    return random.Random(seed).sample(ids, min(size, len(ids)))  # noqa: S311


def cohort_cases(ids: list[int]) -> list[RapidReview]:
    """The reviews `ids`, with their SIN references, in reference order."""
    return list(
        RapidReview.objects.filter(pk__in=ids)
        .select_related("notification")
        .order_by("notification__reference", "pk")
    )


def new_seed() -> int:
    return secrets.randbelow(SEED_LIMIT)


def cases_listed_audit(*, user: User, ids: list[int], filters: dict) -> None:
    """Record that `user` saw the rapid reviews `ids` listed in answer to a form (the
    builder's sample), as a list page's read is recorded."""
    audit_list_now(user=user, model=RapidReview, ids=ids, filters=filters)


# --- Writes ----------------------------------------------------------------------------------


def _require_builder(by: User) -> None:
    if not policy.can_build_cohorts(by):
        raise PermissionDenied("Only administrators build and save cohorts")


def _sample_fields(sample_seed: int | None, sample_size: int | None) -> tuple:
    if sample_seed is None or not sample_size:
        return None, None
    if not 1 <= sample_size <= SAMPLE_MAX:
        raise DefinitionError([f"A sample is 1 to {SAMPLE_MAX} cases"])
    return int(sample_seed), int(sample_size)


@transaction.atomic
def cohort_create(
    *,
    by: User,
    name: str,
    description: str,
    definition: dict,
    sample_seed: int | None = None,
    sample_size: int | None = None,
) -> Cohort:
    """Save a new cohort with its definition (checked) and, if one was drawn, its sample."""
    _require_builder(by)
    clean = definition_clean(definition)
    seed, size = _sample_fields(sample_seed, sample_size)
    now = timezone.now()
    cohort = Cohort.objects.create(
        name=name.strip(),
        description=description.strip(),
        definition=clean,
        created_by=by,
        updated_by=by,
        sample_seed=seed,
        sample_size=size,
        sampled_at=now if seed is not None else None,
        sampled_by=by if seed is not None else None,
    )
    audit_log(
        actor=by,
        action=AuditAction.CREATE,
        obj=cohort,
        changes={"definition": clean, "sample_seed": seed, "sample_size": size},
        message=f"Saved {cohort}",
    )
    return cohort


def _locked(cohort: Cohort, expected_version: int) -> Cohort:
    locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if locked.version != expected_version:
        raise CohortConflict(
            "Someone else changed this cohort while you were working on it: nothing was "
            "saved. Check the cohort as it is now, then make your change again"
        )
    return locked


@transaction.atomic
def cohort_update(
    *,
    cohort: Cohort,
    by: User,
    expected_version: int,
    name: str,
    description: str,
    definition: dict,
    sample_seed: int | None = None,
    sample_size: int | None = None,
) -> Cohort:
    """Change a saved cohort (refused with CohortConflict if it changed since `expected_version`).
    A changed sample seed or size is recorded as a new draw."""
    _require_builder(by)
    clean = definition_clean(definition)
    seed, size = _sample_fields(sample_seed, sample_size)
    locked = _locked(cohort, expected_version)
    before = {
        "name": locked.name,
        "description": locked.description,
        "definition": locked.definition,
        "sample_seed": locked.sample_seed,
        "sample_size": locked.sample_size,
    }
    after = {
        "name": name.strip(),
        "description": description.strip(),
        "definition": clean,
        "sample_seed": seed,
        "sample_size": size,
    }
    changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    if not changes:
        return locked
    for key, value in after.items():
        setattr(locked, key, value)
    fields = [*after, "version", "updated_by", "updated_at"]
    if "sample_seed" in changes or "sample_size" in changes:
        locked.sampled_at = timezone.now() if seed is not None else None
        locked.sampled_by = by if seed is not None else None
        fields += ["sampled_at", "sampled_by"]
    locked.version += 1
    locked.updated_by = by
    locked.save(update_fields=fields)
    audit_log(actor=by, action=AuditAction.UPDATE, obj=locked, changes=changes)
    return locked


@transaction.atomic
def cohort_sample_draw(*, cohort: Cohort, by: User, expected_version: int, size: int) -> Cohort:
    """Draw a new sample of `size` cases: a new seed, stored; the old and new seeds are in the
    audit trail, so every sample drawn can be reproduced."""
    _require_builder(by)
    if not 1 <= size <= SAMPLE_MAX:
        raise DefinitionError([f"A sample is 1 to {SAMPLE_MAX} cases"])
    locked = _locked(cohort, expected_version)
    seed = new_seed()
    changes = {"sample_seed": [locked.sample_seed, seed], "sample_size": [locked.sample_size, size]}
    locked.sample_seed, locked.sample_size = seed, size
    locked.sampled_at, locked.sampled_by = timezone.now(), by
    locked.version += 1
    locked.updated_by = by
    locked.save(
        update_fields=[
            "sample_seed",
            "sample_size",
            "sampled_at",
            "sampled_by",
            "version",
            "updated_by",
            "updated_at",
        ]
    )
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=locked,
        changes=changes,
        message=f"Drew a new sample of {size} case(s) from {locked} (seed {seed})",
    )
    return locked


@transaction.atomic
def cohort_archive(*, cohort: Cohort, by: User, expected_version: int, archived: bool) -> Cohort:
    """Archive a cohort (kept, listed last) or bring it back."""
    _require_builder(by)
    locked = _locked(cohort, expected_version)
    if locked.archived == archived:
        return locked
    locked.archived = archived
    locked.version += 1
    locked.updated_by = by
    locked.save(update_fields=["archived", "version", "updated_by", "updated_at"])
    changes = {"archived": [not archived, archived]}
    audit_log(actor=by, action=AuditAction.UPDATE, obj=locked, changes=changes)
    return locked


# --- Exports ---------------------------------------------------------------------------------

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class CohortExport:
    content: bytes
    content_type: str
    filename: str


def _slug(cohort: Cohort) -> str:
    years = f"{cohort.year}-{(cohort.year + 1) % 100:02d}"
    return f"cohort-{cohort.pk}-{years}"


def case_list_rows(cohort: Cohort) -> tuple[list[RapidReview], set[int]]:
    cohort_qs, _ = cohort_reviews(cohort.definition)
    ids = list(cohort_qs.values_list("pk", flat=True))
    sampled = (
        set(cohort_sample_ids(cohort.definition, seed=cohort.sample_seed, size=cohort.sample_size))
        if cohort.has_sample
        else set()
    )
    return cohort_cases(ids), sampled


def case_list_export(*, cohort: Cohort, fmt: str, by: User) -> CohortExport:
    """The cohort's cases as CSV or XLSX: pseudonymous SIN references only (never a name, a
    date of birth or any free text), and whether each is in the stored sample. Audited as an
    export of the cohort, naming the reviews listed."""
    policy.require(policy.can_view_cohorts(by))
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"Unknown export format {fmt!r}")
    cases, sampled = case_list_rows(cohort)
    rows = [[case.notification.reference, "Yes" if case.pk in sampled else "No"] for case in cases]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CASE_LIST_HEADER)
        writer.writerows(safe_row(row) for row in rows)
        content = out.getvalue().encode("utf-8")
    else:
        book = Workbook()
        sheet = book.active
        sheet.title = "Cases"
        sheet.append(CASE_LIST_HEADER)
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        safe_workbook(book).save(buffer)
        content = buffer.getvalue()
    audit_log(
        actor=by,
        action=AuditAction.EXPORT,
        obj=cohort,
        changes={"format": fmt, "ids": [case.pk for case in cases]},
        message=f"Exported the case list of {cohort} as {fmt.upper()}",
    )
    return CohortExport(content, CONTENT_TYPES[fmt], f"{_slug(cohort)}-cases.{fmt}")


def comparison_export(*, cohort: Cohort, fmt: str, public: bool, by: User) -> CohortExport:
    """The cohort compared with the rest of its year (analytics.cohort_tables), as CSV or
    XLSX; `public` suppresses small numbers. Audited as an export of the cohort."""
    policy.require(policy.can_view_cohorts(by))
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"Unknown export format {fmt!r}")
    result = cohort_compare(cohort.definition)
    writer = cohort_tables.comparison_csv if fmt == "csv" else cohort_tables.comparison_xlsx
    content = writer(result, public=public)
    kind = "public" if public else "internal"
    audit_log(
        actor=by,
        action=AuditAction.EXPORT,
        obj=cohort,
        changes={"format": fmt, "public": public},
        message=f"Exported the comparison of {cohort} with the rest of the year as {kind} "
        f"{fmt.upper()}",
    )
    return CohortExport(content, CONTENT_TYPES[fmt], f"{_slug(cohort)}-comparison-{kind}.{fmt}")


def cohort_compare(definition: dict) -> dict:
    """Every comparison table for the cohort and the rest of its year (analytics.cohort_tables)."""
    clean = definition_clean(definition)
    cohort_q, rest_q = definition_q(clean)
    return cohort_tables.compare(clean["year"], cohort_q, rest_q)
