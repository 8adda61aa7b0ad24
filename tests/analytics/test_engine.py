"""The statistics engine against an independent, straightforward computation: random submitted
SINs, rapid reviews and Panel decisions across two reporting years, each expected table built
with plain Python loops over the records and compared cell by cell."""

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from analytics.engine import compute_year, round_half_up, table_get
from notifications.models import Notification
from panel.models import Outcome
from rapidreviews import codes as rr
from rapidreviews.models import RapidReview
from safeguarding.codes import ETHNIC_GROUP_OF, EthnicGroup, Ethnicity, Reason, Sex
from safeguarding.models import LocalAuthority

from ..factories import LaUserFactory
from ..notifications.factories import (
    DraftNotificationFactory,
    NotificationChildFactory,
    SubmittedNotificationFactory,
)
from ..panel.factories import PanelDecisionFactory
from ..rapidreviews.factories import RapidReviewFactory

pytestmark = pytest.mark.django_db

YEAR = 2023
TYPES = {"Death": Reason.DEATH, "Serious harm": Reason.SERIOUS_HARM}


def pct(n: int, d: int) -> str | None:
    if not d:
        return None
    value = Decimal(n) * 100 / Decimal(d)
    return str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def in_year(d: date, year: int) -> bool:
    return date(year, 4, 1) <= d <= date(year + 1, 3, 31)


def codes_of(choices) -> list[str]:
    return [code for code, _ in choices]


def age_group(age: int) -> str:
    return str(rr.age_group(age).label)


# --- Random data -----------------------------------------------------------------------------


def make_records(count: int, seed: int = 7) -> None:
    """`count` submitted SINs in 2022/23 and 2023/24, each with a submitted rapid review with
    random answers, most with a Panel decision."""
    rng = random.Random(seed)
    user = LaUserFactory()
    authorities = list(LocalAuthority.objects.all())
    start = date(2022, 4, 1)
    for _ in range(count):
        incident = start + timedelta(days=rng.randrange(731))
        reason = rng.choice([Reason.DEATH, Reason.SERIOUS_HARM, Reason.SERIOUS_HARM, Reason.OTHER])
        days_to_notify = rng.randrange(0, 30)
        sin = SubmittedNotificationFactory(
            created_by=user,
            local_authority=rng.choice(authorities),
            incident_date=incident,
            date_aware=incident,
            reason=reason,
            imd_decile=rng.choice([None, *range(1, 11)]),
            notified_at=timezone.make_aware(
                datetime.combine(incident + timedelta(days=days_to_notify), time(12))
            ),
            working_days_to_notify=rng.randrange(0, 12),
            imported_children_count=rng.choice([None, None, 1, 3]),
            children=[],
        )
        for i in range(rng.choice([1, 1, 2])):
            NotificationChildFactory(notification=sin, is_child_in_focus=i == 0)
        incident_type = reason if rng.random() < 0.8 else rng.choice(list(Reason))
        age = rng.randrange(0, 18)
        answers = {
            "incident_type": incident_type,
            "sex": rng.choice(list(Sex)),
            "age_years": age,
            "ethnicity": rng.choice(codes_of(Ethnicity.choices)),
            "gender_differs": rng.choice(codes_of(rr.YesNoNotRecorded.choices)),
            "lgbtq": rng.choice(codes_of(rr.YesNoNotRecorded.choices)),
            "disability": rng.choice(codes_of(rr.YesNoNotRecorded.choices)),
            "neurodivergent": rng.choice(codes_of(rr.YesNoNotRecorded.choices)),
            "mental_health": rng.choice(codes_of(rr.MentalHealth.choices)),
            "cause_of_death": rng.choice(codes_of(rr.CauseOfDeath.choices))
            if incident_type == Reason.DEATH
            else "",
            "cause_of_harm": rng.choice(codes_of(rr.CauseOfHarm.choices))
            if incident_type == Reason.SERIOUS_HARM
            else "",
            "family_known_to_csc": rng.choice(codes_of(rr.FamilyKnownToCsc.choices)),
            "child_in_need": rng.choice(codes_of(rr.ChildInNeed.choices)),
            "child_protection_plan": rng.choice(codes_of(rr.ChildProtectionPlan.choices)),
            "looked_after": rng.choice(codes_of(rr.LookedAfter.choices)),
            "care_order": rng.choice(codes_of(rr.CareOrder.choices)),
            "education_status": (
                rng.choice(codes_of(rr.EducationStatus.choices)) if age >= 4 else ""
            ),
            "missing_education": rng.choice(codes_of(rr.MissingEducation.choices))
            if age >= 4
            else "",
            "neet": rng.choice(codes_of(rr.YesNoUnknown.choices)) if age >= 16 else "",
            "send_support": rng.choice(codes_of(rr.YesNoUnknown.choices)),
            "ehc_plan": rng.choice(codes_of(rr.EhcPlan.choices)),
            "speech_language": rng.choice(codes_of(rr.SpeechLanguage.choices)),
            "camhs": rng.choice(codes_of(rr.Camhs.choices)),
            "victim_offender_overlap": rng.choice(codes_of(rr.YesNoUnknown.choices)),
            "lcspr_decision": rng.choice(codes_of(rr.LcsprDecision.choices)),
            "document_page_count": rng.choice([None, *range(3, 34)]),
            **{
                name: rng.choice(codes_of(rr.YesNoUnknown.choices))
                for name, _ in rr.RISK_FACTORS
                if name != "victim_offender_overlap"
            },
            **{
                name: rng.choice(codes_of(rr.AbuseContext.choices))
                for name in ("physical_abuse", "emotional_abuse", "sexual_abuse")
            },
            "child_on_child_abuse": rng.choice(codes_of(rr.ChildOnChildAbuse.choices)),
        }
        review = RapidReviewFactory(
            notification=sin,
            status=RapidReview.Status.SUBMITTED,
            clock_started_on=incident,
            due_date=incident,
            original_due_date=incident,
            submitted_at=timezone.now(),
            working_days_taken=rng.randrange(5, 30),
            submitted_on_time=True,
            **answers,
        )
        for theme in rr.CORE_THEMES:
            present = rng.random() < 0.6
            review.themes.create(
                theme=theme, present=present, good_practice=present and rng.random() < 0.3
            )
        if rng.random() < 0.85:
            PanelDecisionFactory(review=review, outcome=rng.choice(list(Outcome)))


# --- Independent expected tables -------------------------------------------------------------


def reviews_of(year: int) -> list[RapidReview]:
    every = RapidReview.objects.select_related("notification").prefetch_related(
        "themes", "panel_decisions"
    )
    return [
        r
        for r in every
        if r.status == RapidReview.Status.SUBMITTED
        and r.notification.status == Notification.Status.SUBMITTED
        and in_year(r.notification.incident_date, year)
    ]


def sins_of(year: int) -> list[Notification]:
    return [
        n
        for n in Notification.objects.prefetch_related("children")
        if n.status == Notification.Status.SUBMITTED and in_year(n.incident_date, year)
    ]


Pred = Callable[[RapidReview], bool]


def flat(table: dict) -> dict[tuple[str, str, str], tuple]:
    """{(group, row, column): (n, pct)} of an engine table."""
    columns = [c["label"] for c in table["columns"]]
    out = {}
    for group in table["groups"]:
        for row in group["rows"]:
            for column, cell in zip(columns, row["cells"], strict=True):
                out[(group["label"], row["label"], column)] = (cell["n"], cell["pct"])
    return out


def expected_by_type(
    reviews, rows: list[tuple[str, str, Pred]], *, direction: str, no_pct=()
) -> dict:
    """Columns Death, Serious harm, Total (which includes other)."""
    column_filters = {
        "Death": lambda r: r.incident_type == Reason.DEATH,
        "Serious harm": lambda r: r.incident_type == Reason.SERIOUS_HARM,
        "Total": lambda r: True,
    }
    out = {}
    for group, label, pred in rows:
        total = sum(1 for r in reviews if pred(r))
        for column, keep in column_filters.items():
            n = sum(1 for r in reviews if pred(r) and keep(r))
            if label in no_pct:
                value = None
            elif direction == "row":
                value = pct(n, total)
            else:
                value = pct(n, sum(1 for r in reviews if keep(r)))
            out[(group, label, column)] = (n, value)
    return out


def yes_rows(group: str, field: str, choices, subtotal: str | None = None):
    rows = []
    yes = [c for c, _ in choices if c not in ("no", "unknown", "not_recorded")]
    for code, label in choices:
        if code in yes:
            rows.append((group, str(label), lambda r, f=field, c=code: getattr(r, f) == c))
    if subtotal:
        rows.append((group, subtotal, lambda r, f=field, y=tuple(yes): getattr(r, f) in y))
    return rows


def ethnic_group(r) -> str:
    group = ETHNIC_GROUP_OF.get(r.ethnicity)
    return str(EthnicGroup(group).label) if group else "Unknown"


def school_age(r) -> bool:
    return 4 <= r.age_years <= 15 and r.education_status not in ("nursery", "")


def assert_tables_equal(actual: dict, expected: dict) -> None:
    for key, value in expected.items():
        assert key in actual, f"missing cell {key}"
        assert actual[key] == value, f"{key}: engine {actual[key]}, expected {value}"
    assert set(actual) == set(expected)


@pytest.fixture(scope="module")
def figures(django_db_setup, django_db_blocker):
    """60 random records, computed once for the module (rolled back at the end)."""
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            make_records(60)
            result = {
                "this": compute_year(YEAR),
                "reviews": reviews_of(YEAR),
                "previous_reviews": reviews_of(YEAR - 1),
                "sins": sins_of(YEAR),
                "previous_sins": sins_of(YEAR - 1),
            }
            transaction.set_rollback(True)
    return result


def test_input_counts_are_the_years_submitted_records(figures):
    counts = figures["this"]["input_counts"]
    assert counts["sins"] == len(figures["sins"])
    assert counts["reviews"] == len(figures["reviews"])
    assert counts["sins_previous_year"] == len(figures["previous_sins"])
    assert counts["decisions"] == sum(
        1 for r in figures["reviews"] for d in r.panel_decisions.all() if d.is_current
    )
    assert counts["sins"] > 10 and counts["sins_previous_year"] > 10


@pytest.mark.parametrize(
    ("table_id", "incident_type", "field", "choices", "group"),
    [
        (
            "table_2_cause_of_death",
            Reason.DEATH,
            "cause_of_death",
            rr.CauseOfDeath.choices,
            "Likely cause of death",
        ),
        (
            "table_3_cause_of_harm",
            Reason.SERIOUS_HARM,
            "cause_of_harm",
            rr.CauseOfHarm.choices,
            "Likely cause of harm",
        ),
    ],
)
def test_tables_2_and_3_cause_by_sex(figures, table_id, incident_type, field, choices, group):
    reviews = [r for r in figures["reviews"] if r.incident_type == incident_type]
    columns = {"Female": Sex.FEMALE, "Male": Sex.MALE, "Total": None}
    expected = {}
    for code, label in [*choices, ("__total__", "Total")]:
        for column, sex in columns.items():
            in_column = [r for r in reviews if sex is None or r.sex == sex]
            n = sum(1 for r in in_column if code == "__total__" or getattr(r, field) == code)
            expected[(group, str(label), column)] = (n, pct(n, len(in_column)))
    table = table_get(figures["this"], table_id)
    assert_tables_equal(flat(table), expected)
    # Causes largest first, as the report orders them; Total last.
    totals = [row["cells"][-1]["n"] for row in table["groups"][0]["rows"][:-1]]
    assert totals == sorted(totals, reverse=True)
    assert table["groups"][0]["rows"][-1]["label"] == "Total"


def test_table_4_csc_column_percentages(figures):
    rows = (
        yes_rows(
            "Family known to CSC",
            "family_known_to_csc",
            rr.FamilyKnownToCsc.choices,
            "Total known",
        )
        + yes_rows(
            "Child in need (CIN)", "child_in_need", rr.ChildInNeed.choices, "Total CIN status"
        )
        + yes_rows(
            "Child protection plan (CPP)",
            "child_protection_plan",
            rr.ChildProtectionPlan.choices,
            "Total CPP status",
        )
        + yes_rows(
            "Child looked after",
            "looked_after",
            rr.LookedAfter.choices,
            "Total Looked After status",
        )
        + yes_rows(
            "Child subject to a care order",
            "care_order",
            rr.CareOrder.choices,
            "Total care order status",
        )
        + [("", "Total incidents", lambda r: True)]
    )
    expected = expected_by_type(
        figures["reviews"], rows, direction="column", no_pct={"Total incidents"}
    )
    assert_tables_equal(flat(table_get(figures["this"], "table_4_csc")), expected)


def test_table_b_characteristics_row_percentages(figures):
    rows = [("", "Total", lambda r: True)]
    rows += [("Sex", str(label), lambda r, c=code: r.sex == c) for code, label in Sex.choices]
    rows += [
        ("Age group", str(label), lambda r, lab=str(label): age_group(r.age_years) == lab)
        for _, label in rr.AgeGroup.choices
    ]
    rows += [
        ("Ethnic group", label, lambda r, lab=label: ethnic_group(r) == lab)
        for label in [str(lab) for _, lab in EthnicGroup.choices] + ["Unknown"]
    ]
    rows += [
        ("Gender", "Different to sex", lambda r: r.gender_differs == "yes"),
        ("LGBTQ+", "Yes", lambda r: r.lgbtq == "yes"),
        (
            "Mental health conditions",
            "Yes – diagnosed/undiagnosed",
            lambda r: (
                r.mental_health in ("diagnosed", "undiagnosed", "both", "unknown_if_diagnosed")
            ),
        ),
        ("Neurodiverse", "Yes", lambda r: r.neurodivergent == "yes"),
        ("Disability", "Yes", lambda r: r.disability == "yes"),
    ]
    expected = expected_by_type(figures["reviews"], rows, direction="row")
    assert_tables_equal(flat(table_get(figures["this"], "table_b_characteristics")), expected)


def test_table_c_needs_row_percentages_with_age_denominators(figures):
    education = [
        "mainstream",
        "sen_ben",
        "alternative_provision",
        "not_enrolled_no_education",
        "elective_home_education",
        "unknown",
    ]
    labels = dict(rr.EducationStatus.choices)
    rows = [("", "Total 4- to 15-year-olds", school_age)]
    rows += [
        (
            "Education status",
            str(labels[code]),
            lambda r, c=code: school_age(r) and r.education_status == c,
        )
        for code in education
    ]
    rows += [
        (g, lab, lambda r, p=p: school_age(r) and p(r))
        for g, lab, p in yes_rows(
            "Child missing school", "missing_education", rr.MissingEducation.choices
        )
    ]
    rows += [
        ("", "Total 16- to 17-year-olds", lambda r: r.age_years >= 16),
        (
            "Not in education, employment or training",
            "Yes",
            lambda r: r.age_years >= 16 and r.neet == "yes",
        ),
        ("", "All children", lambda r: True),
        ("SEND support", "Yes", lambda r: r.send_support == "yes"),
    ]
    rows += yes_rows("EHC plan", "ehc_plan", rr.EhcPlan.choices)
    rows += yes_rows("Speech and language support", "speech_language", rr.SpeechLanguage.choices)
    rows += yes_rows("CAMHS", "camhs", rr.Camhs.choices)
    expected = expected_by_type(figures["reviews"], rows, direction="row", no_pct={"All children"})
    assert_tables_equal(flat(table_get(figures["this"], "table_c_needs")), expected)


def test_table_d_risk_factors_row_percentages(figures):
    environment = dict(rr.RISK_FACTORS)
    rows = [("", "Total", lambda r: True)]
    rows += [
        ("Environment", environment[name], lambda r, f=name: getattr(r, f) == "yes")
        for name in (
            "neglect",
            "housing_issues",
            "financial_hardship",
            "domestic_abuse",
            "intergenerational_abuse",
        )
    ]
    rows += yes_rows("Physical abuse", "physical_abuse", rr.AbuseContext.choices)
    rows += yes_rows("Emotional abuse", "emotional_abuse", rr.AbuseContext.choices)
    rows += yes_rows("Sexual abuse/exploitation", "sexual_abuse", rr.AbuseContext.choices)
    rows += yes_rows("Child on child abuse", "child_on_child_abuse", rr.ChildOnChildAbuse.choices)
    rows += [("Victim/offender overlap", "Yes", lambda r: r.victim_offender_overlap == "yes")]
    expected = expected_by_type(figures["reviews"], rows, direction="row")
    assert_tables_equal(flat(table_get(figures["this"], "table_d_risk_factors")), expected)


def test_chart_1_sins_by_reason_this_and_previous_year(figures):
    columns = {"2022/23": figures["previous_sins"], "2023/24": figures["sins"]}
    expected = {}
    for code, label in [*Reason.choices, ("__total__", "Total")]:
        for column, sins in columns.items():
            n = sum(1 for s in sins if code == "__total__" or s.reason == code)
            expected[("Reason for notification", str(label), column)] = (n, pct(n, len(sins)))
    assert_tables_equal(flat(table_get(figures["this"], "chart_1_reason")), expected)


def test_chart_4_age_group_by_year(figures):
    columns = {"2022/23": figures["previous_reviews"], "2023/24": figures["reviews"]}
    expected = {}
    for label in [str(lab) for _, lab in rr.AgeGroup.choices] + ["Total"]:
        for column, reviews in columns.items():
            n = sum(1 for r in reviews if label == "Total" or age_group(r.age_years) == label)
            expected[("Age group", label, column)] = (n, pct(n, len(reviews)))
    assert_tables_equal(flat(table_get(figures["this"], "chart_4_age_year")), expected)


def test_chart_5_and_6_age_group_by_type_and_sex(figures):
    reviews = figures["reviews"]
    groups = [str(lab) for _, lab in rr.AgeGroup.choices] + ["Total"]

    def of(label):
        return [r for r in reviews if label == "Total" or age_group(r.age_years) == label]

    chart_5 = {}
    for label in groups:
        row = of(label)
        for column, code in [*((str(lab), c) for c, lab in Reason.choices), ("Total", None)]:
            n = sum(1 for r in row if code is None or r.incident_type == code)
            chart_5[("Age group", label, column)] = (n, pct(n, len(row)))
    assert_tables_equal(flat(table_get(figures["this"], "chart_5_age_type")), chart_5)

    chart_6 = {}
    for label in groups:
        for column, sex in [("Female", "female"), ("Male", "male"), ("Total", None)]:
            in_column = [r for r in reviews if sex is None or r.sex == sex]
            n = sum(1 for r in of(label) if sex is None or r.sex == sex)
            chart_6[("Age group", label, column)] = (n, pct(n, len(in_column)))
    assert_tables_equal(flat(table_get(figures["this"], "chart_6_age_sex")), chart_6)


def test_chart_12_learning_themes_with_good_practice(figures):
    reviews = figures["reviews"]
    table = table_get(figures["this"], "chart_12_learning_themes")
    rows = {row["label"]: row["cells"] for row in table["groups"][0]["rows"]}
    for code, label in rr.LearningTheme.choices:
        featured = sum(1 for r in reviews for t in r.themes.all() if t.theme == code and t.present)
        good = sum(
            1
            for r in reviews
            for t in r.themes.all()
            if t.theme == code and t.present and t.good_practice
        )
        assert rows[str(label)][0] == {"n": featured, "pct": pct(featured, len(reviews))}
        assert rows[str(label)][1] == {"n": good, "pct": pct(good, featured)}


def test_timeliness_review_length_and_panel_agreement(figures):
    sins, reviews = figures["sins"], figures["reviews"]
    timeliness = flat(table_get(figures["this"], "timeliness"))
    on_time = sum(1 for s in sins if s.working_days_to_notify <= 5)
    assert timeliness[
        ("Serious Incident Notifications", "Submitted within 5 working days", "2023/24")
    ] == (on_time, pct(on_time, len(sins)))
    days = [(timezone.localdate(s.notified_at) - s.incident_date).days for s in sins]
    table = table_get(figures["this"], "timeliness")
    mean_cell = table["groups"][0]["rows"][1]["cells"][1]
    assert mean_cell["n"] == len(days)
    assert mean_cell["value"] == str(
        (Decimal(sum(days)) / len(days)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    )
    within = sum(1 for r in reviews if r.working_days_taken <= 15)
    assert timeliness[("Rapid reviews", "Submitted within 15 working days", "2023/24")] == (
        within,
        pct(within, len(reviews)),
    )

    pages = [r.document_page_count for r in reviews if r.document_page_count is not None]
    length = table_get(figures["this"], "review_length")["groups"][0]["rows"]
    assert [row["cells"][0].get("value") for row in length] == [
        str((Decimal(sum(pages)) / len(pages)).quantize(Decimal("0.1"), ROUND_HALF_UP)),
        str(min(pages)),
        str(max(pages)),
    ]

    decisions = [d for r in reviews for d in r.panel_decisions.all() if d.is_current]
    agreement = flat(table_get(figures["this"], "panel_agreement"))
    for code, label in [("agree", "Agreed"), ("disagree", "Did not agree")]:
        n = sum(1 for d in decisions if d.outcome == code)
        assert agreement[("Panel decision", label, "2023/24")] == (n, pct(n, len(decisions)))
    disagreed = [d for d in decisions if d.outcome == "disagree"]
    n = sum(1 for d in disagreed if d.review.lcspr_decision == "no_lcspr")
    assert agreement[
        ("Did not agree, by the partnership's decision", "LCSPR not needed", "2023/24")
    ] == (n, pct(n, len(disagreed)))


def test_children_per_incident_use_the_imported_count_else_the_child_rows(figures):
    sins = figures["sins"]

    def children(s):
        return s.imported_children_count or len(s.children.all())

    table = flat(table_get(figures["this"], "sin_children"))
    assert table[("", "Children reported", "Total")][0] == sum(children(s) for s in sins)
    several = sum(1 for s in sins if children(s) > 1)
    assert table[("", "Incidents with more than one child", "Total")] == (
        several,
        pct(several, len(sins)),
    )


def test_regions_rates_per_100000_children(figures):
    table = table_get(figures["this"], "table_a_regions")
    england = table["groups"][0]["rows"][-1]
    assert england["label"] == "England"
    assert england["cells"][0]["n"] == 11_998_646
    sins = figures["sins"]
    rate = england["cells"][2]
    assert rate["n"] == len(sins)
    assert rate["value"] == str(
        (Decimal(len(sins)) * 100_000 / 11_998_646).quantize(Decimal("0.01"), ROUND_HALF_UP)
    )
    known = [s for s in sins if s.imd_decile is not None]
    deprived = sum(1 for s in known if s.imd_decile <= 2)
    assert england["cells"][5] == {"n": deprived, "pct": pct(deprived, len(known))}
    # No mid-2022 population is loaded: the previous year's rate is not available.
    assert "value" not in england["cells"][1]


# --- Boundaries, drafts, query count ---------------------------------------------------------


def _sin(incident: date, **kwargs) -> Notification:
    sin = SubmittedNotificationFactory(incident_date=incident, date_aware=incident, **kwargs)
    RapidReviewFactory(
        notification=sin,
        status=RapidReview.Status.SUBMITTED,
        submitted_at=timezone.now(),
        working_days_taken=10,
        incident_type=sin.reason,
        sex="female",
        age_years=3,
    )
    return sin


def test_the_reporting_year_runs_from_1_april_to_31_march_by_incident_date():
    _sin(date(2023, 3, 31))  # 2022/23
    _sin(date(2023, 4, 1))  # 2023/24
    _sin(date(2024, 3, 31))  # 2023/24
    _sin(date(2024, 4, 1))  # 2024/25
    assert compute_year(2023)["input_counts"]["sins"] == 2
    assert compute_year(2023)["input_counts"]["reviews"] == 2
    assert compute_year(2022)["input_counts"]["sins"] == 1
    assert compute_year(2024)["input_counts"]["sins"] == 1


def test_drafts_and_unsubmitted_reviews_never_count():
    _sin(date(2023, 6, 1))
    DraftNotificationFactory(incident_date=date(2023, 6, 1), reason=Reason.DEATH)
    unsubmitted = SubmittedNotificationFactory(incident_date=date(2023, 6, 2))
    RapidReviewFactory(notification=unsubmitted, status=RapidReview.Status.DRAFTING)
    result = compute_year(2023)
    assert result["input_counts"]["sins"] == 2  # the draft is left out
    assert result["input_counts"]["reviews"] == 1  # the drafting review is left out
    chart_1 = flat(table_get(result, "chart_1_reason"))
    assert chart_1[("Reason for notification", "Death", "2023/24")] == (0, "0.0")


def _queries_for(count: int, seed: int) -> int:
    make_records(count, seed=seed)
    with CaptureQueriesContext(connection) as queries:
        compute_year(YEAR)
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_records():
    small = _queries_for(10, seed=1)
    large = _queries_for(40, seed=2)  # 50 records in all
    assert small == large
    # One query per row group (and the year's copies): about 105 with Appendix F, 151 with the
    # LCSPR chapter and the data quality chapter's 12 (issue 19).
    assert small < 165


def test_round_half_up():
    assert round_half_up(Fraction(1, 8) * 100, 1) == "12.5"
    assert round_half_up(Fraction(125, 100), 1) == "1.3"
    assert round_half_up(Fraction(58 * 100, 160), 1) == "36.3"
    assert round_half_up(Fraction(0), 1) == "0.0"
