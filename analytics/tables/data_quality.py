"""Data quality (issue 19, item 4): how often the coded characteristics of the child in focus
were not recorded or not known, nationally and by partnership, and the Panel's quality
feedback on the rapid reviews (report 3.26, 3.28, 3.96-3.97: the Panel comments on
under-recording of gender, sexual identity, ethnicity and disability).

A characteristic counts as a recording gap when its answer is one of its "not recorded" or
"unknown" codes (DOMAIN.md §4), or blank: a historic import leaves a blank for "not known"
(DOMAIN.md §6), and a live submission cannot leave a question it asks blank. Each is counted
among the reviews the question applies to (rapidreviews.rules: education status from 4 to 17,
missing education 4 to 15, NEET 16 and 17), which are its percentage's denominator.

Three tables, a chapter of their own after the report's tables and the LCSPRs':
- `data_quality_characteristics`: England, one row per characteristic (crosstab: the row
  groups gather characteristics asked of the same reviews, so that the group's total row is
  each row's denominator; one aggregate query per group);
- `data_quality_partnerships`: by the partnership that made the review, the characteristics
  the Panel's form flags as a recording gap (rules.NOT_RECORDED_ANSWERS) and every
  characteristic together (engine kind "partnerships": one GROUP BY query). Internal only:
  partnerships are named and most have a handful of reviews a year, so public exports leave
  it out (a note says so) rather than print a table of `c`;
- `panel_quality_feedback`: the Panel's structured feedback on the year's reviews
  (PanelDecision.QUALITY_FIELDS, current decisions), each question's answers as shares of the
  decisions (engine kind "answers": one aggregate query).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from rapidreviews import codes as rr
from rapidreviews import rules
from rapidreviews.models import RapidReview

from .common import aged, ages_text
from .needs import ABUSE_TYPES
from .spec import DECISION, REVIEW, SIN, Column, Row, RowGroup, TableSpec

CHAPTER = "Data quality"
GAP_CODES = frozenset({"not_recorded", "unknown", ""})
REVIEWS_ASKED = "Rapid reviews asked"


@dataclass(frozen=True)
class Characteristic:
    """A coded question about the child in focus: `gap` the records where it was not recorded
    or not known, `applies` those it is asked of (its percentage's denominator)."""

    field: str
    label: str
    gap: Q
    applies: Q = Q()


def _label(field_name: str) -> str:
    label = str(RapidReview._meta.get_field(field_name).verbose_name)
    return label[:1].upper() + label[1:]


def coded(field_name: str, applies: Q | None = None) -> Characteristic:
    """A coded answer of the rapid review: a gap when blank or one of its "not recorded" /
    "unknown" codes (taken from its code list)."""
    choices = RapidReview._meta.get_field(field_name).choices or ()
    gaps = sorted(code for code, _ in choices if code in GAP_CODES) + [""]
    gap = Q(**{f"{field_name}__in": gaps})
    return Characteristic(field_name, _label(field_name), gap, applies or Q())


AGE = Characteristic("age_years", "Age", Q(age_years__isnull=True))
EDUCATION_AGE = aged(rules.EDUCATION_AGE)
SCHOOL_AGE = aged(rules.SCHOOL_AGE)
POST_16 = aged(rules.POST_16)

# (heading, the reviews its questions are asked of, the characteristics).
SECTIONS: tuple[tuple[str, Q, tuple[Characteristic, ...]], ...] = (
    (
        "The child in focus",
        Q(),
        (
            coded("sex"),
            AGE,
            coded("gender_differs"),
            coded("lgbtq"),
            coded("disability"),
            coded("neurodivergent"),
            coded("ethnicity"),
            coded("mental_health"),
            coded("young_carer"),
        ),
    ),
    (
        "Children's social care",
        Q(),
        tuple(
            coded(name)
            for name in (
                "family_known_to_csc",
                "child_in_need",
                "child_protection_plan",
                "looked_after",
                "care_order",
            )
        ),
    ),
    (
        "Needs of the child",
        Q(),
        tuple(
            coded(name)
            for name in ("send_support", "ehc_plan", "speech_language", "camhs", "youth_offending")
        ),
    ),
    (
        f"Needs of the child: children aged {ages_text(rules.EDUCATION_AGE)}",
        EDUCATION_AGE,
        (coded("education_status", EDUCATION_AGE),),
    ),
    (
        f"Needs of the child: children aged {ages_text(rules.SCHOOL_AGE)}",
        SCHOOL_AGE,
        (coded("missing_education", SCHOOL_AGE),),
    ),
    (
        f"Needs of the child: children aged {ages_text(rules.POST_16, joined='and')}",
        POST_16,
        (coded("neet", POST_16),),
    ),
    (
        "Parents or relevant adults",
        Q(),
        tuple(
            coded(name)
            for name in (
                "young_parent",
                "parent_under_18",
                "parent_care_leaver",
                "parent_disability",
                "parent_mental_health",
                "parent_substance_misuse",
            )
        ),
    ),
    (
        "Risk factors and abuse",
        Q(),
        tuple(coded(name) for name, _ in rr.RISK_FACTORS)
        + tuple(coded(name) for name, *_ in ABUSE_TYPES),
    ),
)

# Every characteristic of the rapid review, in the sections' order.
CHARACTERISTICS: tuple[Characteristic, ...] = tuple(c for _, _, cs in SECTIONS for c in cs)
BY_FIELD = {c.field: c for c in CHARACTERISTICS}
# The characteristics the report names as under-recorded (3.26, 3.28, 3.97), which the form
# flags as a recording gap when answered "not recorded" (rules.NOT_RECORDED_ANSWERS).
FLAGGED: tuple[Characteristic, ...] = tuple(BY_FIELD[name] for name in rules.NOT_RECORDED_ANSWERS)
ANY_GAP = Q()
for _characteristic in CHARACTERISTICS:
    ANY_GAP |= _characteristic.applies & _characteristic.gap
del _characteristic

ALL_CHARACTERISTICS = "All characteristics"
PARTNERSHIP_TOTAL = "Rapid reviews"


def _section_group(heading: str, applies: Q, characteristics) -> RowGroup:
    return RowGroup(
        heading,
        tuple(Row(c.label, q=c.gap) for c in characteristics)
        + (Row(REVIEWS_ASKED, kind="total", show_pct=False),),
        filter=applies,
    )


GAP_NOTE = (
    "A characteristic is counted when the review recorded it as not recorded, unknown or not "
    "known, or left it blank (historic records imported without it)."
)

TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "data_quality_characteristics",
        "Characteristics of the child not recorded or unknown, {fy}",
        REVIEW,
        chapter=CHAPTER,
        groups=(
            *(_section_group(*section) for section in SECTIONS),
            RowGroup(
                "Any characteristic",
                (
                    Row("Rapid reviews with any characteristic not recorded or unknown", q=ANY_GAP),
                    Row("Rapid reviews", kind="total", show_pct=False),
                ),
            ),
            RowGroup(
                "Serious Incident Notifications",
                (
                    Row("IMD decile unknown", q=Q(imd_decile__isnull=True)),
                    Row("SINs", kind="total", show_pct=False),
                ),
                source=SIN,
            ),
        ),
        columns=(Column("England"),),
        notes=(
            GAP_NOTE,
            "Each percentage is of the rapid reviews the question is asked of (the group's "
            "total): education status of children aged "
            f"{ages_text(rules.EDUCATION_AGE)}, missing education of those aged "
            f"{ages_text(rules.SCHOOL_AGE)}, NEET of those aged "
            f"{ages_text(rules.POST_16, joined='and')}; a review without an age is asked none "
            "of these.",
            "The IMD decile is unknown when the SIN's placement postcode gave none.",
        ),
    ),
    TableSpec(
        "data_quality_partnerships",
        "Characteristics of the child not recorded or unknown, by partnership, {fy}",
        REVIEW,
        chapter=CHAPTER,
        kind="partnerships",
        columns=(
            *(Column(c.label) for c in FLAGGED),
            Column(f"{ALL_CHARACTERISTICS} (share of answers)"),
            Column(PARTNERSHIP_TOTAL, is_total=True),
        ),
        percent="row",
        internal=True,
        options={"characteristics": FLAGGED, "all": CHARACTERISTICS},
        notes=(
            GAP_NOTE,
            "The partnerships that made a rapid review of an incident in the year, by the "
            "partnership that made it. Each characteristic's percentage is of the "
            "partnership's rapid reviews; 'All characteristics' counts every characteristic "
            "of the Data quality table that was not recorded or unknown, as a share of every "
            "answer asked for.",
            "Internal only: left out of public exports (partnerships are named and most have "
            "a few reviews a year).",
        ),
    ),
    TableSpec(
        "panel_quality_feedback",
        "The Panel's feedback on the quality of rapid reviews (3.96-3.97), {fy}",
        DECISION,
        chapter=CHAPTER,
        kind="answers",
        percent="row",
        options={
            "questions": (
                (
                    "How well the review did it",
                    ("analysis_quality", "lived_experience", "race_ethnicity_culture"),
                ),
                (
                    "Whether the review did it",
                    ("characteristics_recorded", "good_practice_identified"),
                ),
            ),
            "not_recorded": "Not recorded",
            "total": "Decisions",
        },
        notes=(
            "The Panel's current decision on each submitted rapid review of an incident in the "
            "year. Row percentages: each answer as a share of the decisions.",
            "Not recorded: decisions imported from historic records, which hold no feedback.",
            "x: the answer is not on that question's scale.",
        ),
    ),
)
