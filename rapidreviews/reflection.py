"""Reflective questions where they help (issue 18, item 5): which of the annual report's
spotlight themes a case falls within, and the questions for the partnership to consider then.

A case matches a theme by the same criteria as the theme's cohort in Appendix F
(analytics.tables.appendix_f): the Q objects are imported from there, never restated, so the
pages and the figures always agree on which cases a theme concerns. They are evaluated here
in Python on the review already loaded (`q_matches`), so a page asks the database nothing to
decide; tests check that the Python reading and the database's agree on random records."""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from analytics.tables.appendix_f import (
    AGED_1_5,
    AGED_11_17,
    EXTRAFAMILIAL_HARM,
    HAS_MENTAL_HEALTH_CONDITION,
    PARENT_MENTAL_HEALTH,
)

from .codes import ReflectionAudience, SpotlightTheme
from .models import RapidReview, ReflectiveQuestion

# Each theme's cases: the cohort of its Appendix F table (chapters 4, 5 and 6 of the report).
THEME_COHORTS: dict[str, Q] = {
    # Table A: a child aged 11 to 17 with a mental health condition (4.5, 4.7).
    SpotlightTheme.CHILD_MENTAL_HEALTH: AGED_11_17 & HAS_MENTAL_HEALTH_CONDITION,
    # Table B: a child aged 1 to 5 with a parent with a mental health condition (5.5).
    SpotlightTheme.PARENT_MENTAL_HEALTH: AGED_1_5 & PARENT_MENTAL_HEALTH,
    # Table C: a child aged 11 to 17 who experienced extrafamilial harm (6.4, 6.6).
    SpotlightTheme.EXTRAFAMILIAL_HARM: AGED_11_17 & EXTRAFAMILIAL_HARM,
}

# The rapid review's section pages that show the questions: where the partnership writes its
# reflection on the case.
REFLECTION_SECTIONS = frozenset({"narrative"})

_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
    "in": lambda value, options: value in options,
}


def _lookup_matches(obj: Any, lookup: str, wanted: Any) -> bool:
    """One `field__lookup=value` condition on the instance, as the database reads it: a
    comparison with NULL is not a match (the ORM's negation then makes it one, as below)."""
    name, _, kind = lookup.partition("__")
    kind = kind or "exact"
    if kind == "exact" and wanted is None:
        kind, wanted = "isnull", True
    if kind == "isnull":
        return (getattr(obj, name) is None) == bool(wanted)
    if "__" in kind or kind not in _COMPARISONS or hasattr(wanted, "resolve_expression"):
        # A relation, an unusual lookup or an expression: not something a cohort of coded
        # answers needs, and not something to guess at.
        raise ValueError(f"q_matches cannot evaluate {lookup!r} in Python")
    value = getattr(obj, name)
    if value is None:
        return False
    return _COMPARISONS[kind](value, wanted)


def q_matches(q: Q, obj: Any) -> bool:
    """Whether the instance `obj` meets `q`, read in Python with the ORM's two-valued logic
    (a negated condition on a NULL field matches, as `exclude()` does). Supports the lookups
    cohorts of coded answers use on the row's own fields: exact, in, gt, gte, lt, lte, isnull."""
    results = [
        q_matches(child, obj) if isinstance(child, Q) else _lookup_matches(obj, *child)
        for child in q.children
    ]
    if q.connector == Q.OR:
        matched = any(results)
    elif q.connector == Q.XOR:
        matched = sum(results) % 2 == 1
    else:
        matched = all(results)
    return not matched if q.negated else matched


def matching_themes(review: RapidReview) -> list[str]:
    """The spotlight themes the case falls within, from the review's coded answers as they are
    now (a draft included), in the report's order. No database query."""
    return [theme for theme, cohort in THEME_COHORTS.items() if q_matches(cohort, review)]


@dataclass(frozen=True)
class AudienceQuestions:
    audience: str
    label: str
    questions: tuple[ReflectiveQuestion, ...]


@dataclass(frozen=True)
class ThemeQuestions:
    theme: str
    label: str
    audiences: tuple[AudienceQuestions, ...]


def reflective_questions_for(review: RapidReview) -> list[ThemeQuestions]:
    """The active questions of the themes the case matches, grouped by theme and audience in
    the report's order; empty when no theme matches. One query when a theme matches, none
    otherwise. The pages that call this are already scoped to who may see the case."""
    themes = matching_themes(review)
    if not themes:
        return []
    by_key: dict[tuple[str, str], list[ReflectiveQuestion]] = {}
    for question in ReflectiveQuestion.objects.filter(theme__in=themes, active=True).order_by(
        "order", "id"
    ):
        by_key.setdefault((question.theme, question.audience), []).append(question)
    groups = []
    for theme in themes:
        audiences = tuple(
            AudienceQuestions(audience.value, audience.label, tuple(by_key[theme, audience]))
            for audience in ReflectionAudience
            if by_key.get((theme, audience))
        )
        if audiences:
            groups.append(ThemeQuestions(theme, SpotlightTheme(theme).label, audiences))
    return groups
