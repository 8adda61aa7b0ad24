"""A cohort of rapid reviews compared with the rest of the year (analytics.cohort_tables): the
engine's figures for the three spotlight cohorts equal the Appendix F tables cell by cell, on
random records and on the published 2023-24 dataset; a cohort of everyone is the ordinary table;
a cohort and its complement add up to it; the year and the record rules are the engine's; the
queries do not grow with the records; and the exports suppress small numbers, a cohort's cell
together with the rest's."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from analytics import tables as t
from analytics.cohort_tables import (
    COHORT_SPECS,
    COHORT_SPECS_BY_ID,
    NOT_COMPARED,
    SPOTLIGHT_COHORTS,
    cohort_reviews,
    comparable,
    compare,
    comparison_csv,
    comparison_xlsx,
    not_compared_reason,
)
from analytics.engine import compute_table, compute_year, table_get
from notifications.models import Withdrawal
from rapidreviews.models import RapidReview
from safeguarding.codes import Reason
from safeguarding.services import reference_data_load

from ..notifications.factories import SubmittedNotificationFactory
from ..rapidreviews.factories import RapidReviewFactory
from .test_appendix_f import add_spotlight_answers
from .test_engine import YEAR, flat, make_records
from .test_published_tables import DATA

pytestmark = pytest.mark.django_db

COHORT, REST = "Cohort", "Rest of the year"


def specs(*ids: str) -> tuple[t.TableSpec, ...]:
    return tuple(COHORT_SPECS_BY_ID[i] for i in ids)


# A table of each record set and kind: SINs, reviews (with an annotation's group and a theme's
# row), decisions, themes, regions, and one over SINs and reviews.
EACH_KIND = specs(
    "chart_1_reason",
    "sin_children",
    "rr_incident_type",
    "table_1_ethnicity",
    "panel_agreement",
    "chart_12_learning_themes",
    "table_a_regions",
    "table_f_c_extrafamilial_harm",
    "timeliness",
)
EVERYONE, NOBODY = Q(), Q(pk__in=[])


def spotlight_columns(table: dict) -> tuple[str, str]:
    """An Appendix F table's spotlight column and the other children's (its first and last)."""
    return table["columns"][0]["label"], table["columns"][-1]["label"]


def all_ages(group: str) -> bool:
    return "(all ages)" in group


def assert_spotlight_equal(appendix_f: dict, compared: dict, *, within_only: bool) -> int:
    """Cell by cell: the comparison's Cohort and Rest columns against the Appendix F table's
    two. With `within_only`, the groups of all ages are skipped (a cohort drawn within the
    comparison age holds no other ages). Returns the cells compared."""
    ours, theirs = flat(compared), flat(appendix_f)
    spotlight, others = spotlight_columns(appendix_f)
    checked = 0
    assert {(g, r) for g, r, _ in ours} == {(g, r) for g, r, _ in theirs}
    for (group, row, column), figures in ours.items():
        if within_only and all_ages(group):
            continue
        source = spotlight if column == COHORT else others
        assert figures == theirs[(group, row, source)], (group, row, column)
        checked += 1
    return checked


# --- Random records ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def figures(django_db_setup, django_db_blocker):
    """120 random records across two years (as test_appendix_f's), the year computed and each
    spotlight cohort compared two ways, once for the module (rolled back)."""
    with django_db_blocker.unblock(), transaction.atomic():
        make_records(120, seed=23)
        add_spotlight_answers(seed=23)
        out = {"year": compute_year(YEAR), "within": {}, "where": {}}
        for key, spot in SPOTLIGHT_COHORTS.items():
            specs = (COHORT_SPECS_BY_ID[spot.table_id],)
            out["within"][key] = compare(YEAR, spot.cohort, spot.rest, specs=specs)
            out["where"][key] = compare(YEAR, spot.where, ~spot.where, specs=specs)
        out["everyone"] = compare(YEAR, EVERYONE, NOBODY)
        girls = Q(sex="female")
        out["girls"] = compare(YEAR, girls, ~girls)
        out["ordinary"] = {spec.id: compute_table(comparable(spec), YEAR) for spec in COHORT_SPECS}
        out["reviews"] = RapidReview.objects.filter(
            status=RapidReview.Status.SUBMITTED,
            notification__incident_date__range=(date(2023, 4, 1), date(2024, 3, 31)),
        ).count()
        out["girls_reviews"] = RapidReview.objects.filter(
            status=RapidReview.Status.SUBMITTED,
            sex="female",
            notification__incident_date__range=(date(2023, 4, 1), date(2024, 3, 31)),
        ).count()
        out["girls_sins"] = RapidReview.objects.filter(
            status=RapidReview.Status.SUBMITTED,
            sex="female",
            notification__status="submitted",
            notification__incident_date__range=(date(2023, 4, 1), date(2024, 3, 31)),
        ).count()
        transaction.set_rollback(True)
    return out


@pytest.mark.parametrize("key", list(SPOTLIGHT_COHORTS))
def test_a_spotlight_cohort_within_its_age_equals_appendix_f(figures, key):
    spot = SPOTLIGHT_COHORTS[key]
    compared = figures["within"][key]["tables"][0]
    assert [c["label"] for c in compared["columns"]] == [COHORT, REST]
    checked = assert_spotlight_equal(
        table_get(figures["year"], spot.table_id), compared, within_only=True
    )
    assert checked > 50


@pytest.mark.parametrize("key", list(SPOTLIGHT_COHORTS))
def test_a_spotlight_cohorts_criteria_equal_appendix_f_in_every_cell(figures, key):
    """Appendix F's groups of all ages count the children who meet the criteria at any age:
    the cohort of the criteria alone (`where`) gives every cell, those groups too."""
    spot = SPOTLIGHT_COHORTS[key]
    compared = figures["where"][key]["tables"][0]
    assert_spotlight_equal(table_get(figures["year"], spot.table_id), compared, within_only=False)


def test_the_spotlight_cohorts_sizes(figures):
    result = figures["within"]["child_mental_health"]
    table = table_get(figures["year"], "table_f_a_child_mental_health")
    spotlight, others = spotlight_columns(table)
    totals = flat(table)
    assert result["cohort_size"] == totals[("Death and serious harm", "Total", spotlight)][0]
    assert result["rest_size"] == totals[("Death and serious harm", "Total", others)][0]
    assert result["cohort_size"] >= 5 and result["rest_size"] >= 5


def _parts(table: dict) -> tuple[dict, dict]:
    """{(group, row, column): (n, pct)} of the cohort's and of the rest's columns, each under
    the ordinary table's column label."""
    one = len(table["columns"]) == 2
    cohort, rest = {}, {}
    for (g, r, c), value in flat(table).items():
        if one:
            target = cohort if c == COHORT else rest
            column = None
        elif c.endswith(" – cohort"):
            target, column = cohort, c.removesuffix(" – cohort")
        else:
            target, column = rest, c.removesuffix(" – rest")
        target[(g, r, column)] = value
    return cohort, rest


# Table A for a cohort: its SINs by region in place of the population and the rates (the
# ordinary table's rate cell holds the SINs as its n).
REGION_COLUMNS = {
    "Rate per 100,000 pop. 2023/24": "SINs 2023/24 (% of England's)",
    "% of region's SINs for deaths": "% of region's SINs for deaths",
    "% of region's SINs for serious harm": "% of region's SINs for serious harm",
    "% of SINs for incidents occurring in region's 20% most deprived areas": (
        "% of SINs for incidents occurring in region's 20% most deprived areas"
    ),
}


def _ordinary(table: dict) -> dict:
    """The ordinary table's cells keyed as _parts keys them; for Table A, the cells a cohort
    has (their counts only: its percentages are of other denominators)."""
    one = len(table["columns"]) == 1
    out = {(g, r, None if one else c): v for (g, r, c), v in flat(table).items()}
    if table["id"] == "table_a_regions":
        out = {
            (g, r, REGION_COLUMNS[c]): (v[0], None)
            for (g, r, c), v in out.items()
            if c in REGION_COLUMNS
        }
    return out


def _counts(cells: dict, table_id: str) -> dict:
    if table_id != "table_a_regions":
        return cells
    return {key: (n, None) for key, (n, _) in cells.items()}


def test_everyone_against_nobody_is_the_ordinary_table(figures):
    result = figures["everyone"]
    assert result["cohort_size"] == figures["reviews"] and result["rest_size"] == 0
    assert [table["id"] for table in result["tables"]] == [s.id for s in COHORT_SPECS]
    for table in result["tables"]:
        cohort, rest = _parts(table)
        ordinary = _ordinary(figures["ordinary"][table["id"]])
        assert _counts(cohort, table["id"]) == ordinary, table["id"]
        assert all(n in (0, None) for n, _ in rest.values()), table["id"]


def test_a_cohort_and_its_complement_add_up_to_the_ordinary_table(figures):
    result = figures["girls"]
    assert result["cohort_size"] == figures["girls_reviews"]
    assert result["cohort_size"] + result["rest_size"] == figures["reviews"]
    compared_cells = 0
    for table in result["tables"]:
        cohort, rest = _parts(table)
        ordinary = _ordinary(figures["ordinary"][table["id"]])
        assert set(cohort) == set(ordinary) == set(rest), table["id"]
        for key, (n, _) in ordinary.items():
            if not isinstance(n, int) or cohort[key][0] is None:
                continue
            # Counts, and a statistic's records (its n): they add up alike.
            assert cohort[key][0] + rest[key][0] == n, (table["id"], key)
            compared_cells += 1
    assert compared_cells > 1000


def test_the_cohort_specs_leave_out_what_cannot_be_split():
    ids = {spec.id for spec in COHORT_SPECS}
    assert "chart_3_regions" not in ids and "100,000" in NOT_COMPARED["chart_3_regions"]
    # Only the LCSPR tables (counted by the date considered, not the incident year), the
    # rates and the data quality by partnership and of the Panel's feedback (kinds computed
    # for the whole year only) are left out.
    lcspr_ids = {spec.id for spec in t.TABLES if spec.source == t.LCSPR}
    whole_year = {"data_quality_partnerships", "panel_quality_feedback"}
    assert lcspr_ids and set(NOT_COMPARED) == {"chart_3_regions"} | lcspr_ids | whole_year
    assert ids | set(NOT_COMPARED) == set(t.TABLES_BY_ID)
    for table_id in (
        "table_a_regions",
        "table_b_characteristics",
        "table_c_needs",
        "table_d_risk_factors",
        "table_f_a_child_mental_health",
        "table_f_b_parent_mental_health",
        "table_f_c_extrafamilial_harm",
        "chart_12_learning_themes",
        "timeliness",
        "panel_agreement",
    ):
        assert table_id in ids
    timeliness = COHORT_SPECS_BY_ID["timeliness"]
    assert not any(g.withdrawn for g in timeliness.groups)
    assert all(spec.years == (0,) for spec in COHORT_SPECS)
    assert "census_column" not in COHORT_SPECS_BY_ID["table_1_ethnicity"].options


def test_a_table_of_records_outside_a_review_is_not_compared():
    spec = t.TableSpec("other", "Other records", "meeting", groups=(), columns=())
    assert "do not belong to a rapid review" in not_compared_reason(spec)


def test_the_lcspr_tables_are_not_compared_by_cohort():
    lcspr_tables = [spec for spec in t.TABLES if spec.source == t.LCSPR]
    assert lcspr_tables
    for spec in lcspr_tables:
        assert "considered" in not_compared_reason(spec)
        assert spec.id not in COHORT_SPECS_BY_ID
    grouped = dataclasses.replace(
        COHORT_SPECS_BY_ID["timeliness"],
        groups=(t.RowGroup("LCSPRs", (t.total_row(),), source="lcspr"),),
    )
    assert not_compared_reason(grouped) is not None
    assert not_compared_reason(COHORT_SPECS_BY_ID["timeliness"]) is None


def test_a_table_over_two_years_shows_the_reporting_year(figures):
    table = table_get(figures["girls"], "chart_1_reason")
    assert [c["label"] for c in table["columns"]] == [COHORT, REST]
    months = table_get(figures["girls"], "chart_2_month")
    month_rows = [r["label"] for r in months["groups"][0]["rows"]]
    assert month_rows[0] == "April 2023" and month_rows[-2] == "March 2024"
    assert months["columns"][0]["label"] == "Death – cohort"
    assert months["columns"][1]["label"] == "Death – rest"


def test_table_a_gives_a_cohorts_sins_by_region(figures):
    table = table_get(figures["girls"], "table_a_regions")
    assert [c["label"] for c in table["columns"]][:2] == [
        "SINs 2023/24 (% of England's) – cohort",
        "SINs 2023/24 (% of England's) – rest",
    ]
    england = table["groups"][0]["rows"][-1]
    assert england["label"] == "England"
    assert england["cells"][0] == {"n": figures["girls_sins"], "pct": "100.0"}
    assert not any("100,000" in note for note in table["notes"])


def test_largest_first_rows_are_ordered_by_cohort_and_rest_together(figures):
    table = table_get(figures["girls"], "table_2_cause_of_death")
    ordinary = figures["ordinary"]["table_2_cause_of_death"]
    labels = [r["label"] for r in table["groups"][0]["rows"]]
    assert labels == [r["label"] for r in ordinary["groups"][0]["rows"]]


# --- Records at the edges ------------------------------------------------------------------------


def review(incident: date, *, age: int = 14, sex: str = "male", **sin) -> RapidReview:
    notification = SubmittedNotificationFactory(
        incident_date=incident, date_aware=incident, reason=Reason.DEATH, **sin
    )
    return RapidReviewFactory(
        notification=notification,
        status=RapidReview.Status.SUBMITTED,
        submitted_at=timezone.now(),
        working_days_taken=10,
        incident_type=Reason.DEATH,
        sex=sex,
        age_years=age,
        mental_health="diagnosed",
    )


def total(result: dict, table_id: str, group: str = "Incident type") -> tuple[int, int]:
    table = flat(table_get(result, table_id))
    return table[(group, "Total", COHORT)][0], table[(group, "Total", REST)][0]


def test_the_year_boundary():
    review(date(2023, 3, 31))
    review(date(2023, 4, 1))
    review(date(2024, 3, 31), sex="female")
    review(date(2024, 4, 1))
    result = compare(
        YEAR, Q(sex="male"), ~Q(sex="male"), specs=specs("rr_incident_type", "chart_1_reason")
    )
    assert (result["cohort_size"], result["rest_size"]) == (1, 1)
    assert cohort_reviews(YEAR, Q(sex="male")).get().notification.incident_date == date(2023, 4, 1)
    assert result["period"] == {"start": "2023-04-01", "end": "2024-03-31"}
    assert total(result, "rr_incident_type") == (1, 1)
    reason = flat(table_get(result, "chart_1_reason"))
    assert reason[("Reason for notification", "Total", COHORT)][0] == 1


def test_withdrawn_sins_are_left_out_as_elsewhere():
    review(date(2023, 6, 1))
    review(
        date(2023, 6, 2),
        withdrawal=Withdrawal.WITHDRAWN,
        withdrawal_reason="Asked.",
        withdrawn_at=timezone.now(),
    )
    review(
        date(2023, 6, 3),
        sex="female",
        withdrawal=Withdrawal.NOT_MEETING_CRITERIA,
        withdrawal_reason="Not a serious incident.",
        withdrawn_at=timezone.now(),
    )
    result = compare(
        YEAR, Q(sex="male"), ~Q(sex="male"), specs=specs("rr_incident_type", "timeliness")
    )
    assert (result["cohort_size"], result["rest_size"]) == (1, 0)
    assert cohort_reviews(YEAR, Q()).count() == 1
    assert total(result, "rr_incident_type") == (1, 0)
    timeliness = table_get(result, "timeliness")
    assert [g["label"] for g in timeliness["groups"]] == [
        "Serious Incident Notifications",
        "Rapid reviews",
    ]
    sins = flat(timeliness)
    assert sins[("Serious Incident Notifications", "Total SINs", COHORT)][0] == 1
    assert sins[("Serious Incident Notifications", "Total SINs", REST)][0] == 0


def test_a_sin_counts_through_its_reviews_cohort_and_a_theme_through_its_review():
    boy = review(date(2023, 6, 1))
    boy.themes.create(theme="cross_boundary", present=True)
    girl = review(date(2023, 6, 2), sex="female")
    girl.themes.create(theme="cross_boundary", present=False)
    # A SIN without a submitted review is in neither.
    SubmittedNotificationFactory(incident_date=date(2023, 6, 3), reason=Reason.DEATH)
    result = compare(
        YEAR,
        Q(sex="male"),
        ~Q(sex="male"),
        specs=specs("chart_1_reason", "chart_12_learning_themes"),
    )
    assert total(result, "chart_1_reason", "Reason for notification") == (1, 1)
    themes = flat(table_get(result, "chart_12_learning_themes"))
    group = "Learning and practice theme"
    assert themes[(group, "Cross-boundary working", "Featured – cohort")] == (1, "100.0")
    assert themes[(group, "Cross-boundary working", "Featured – rest")] == (0, "0.0")


def test_a_cohort_by_a_relation_and_an_annotation():
    """A condition on the review's themes counts each review once, and an annotation of the
    engine's (the age group) may define a cohort."""
    raised = review(date(2023, 6, 1), age=12)
    raised.themes.create(theme="cross_boundary", present=True)
    raised.themes.create(theme="coordination", present=True)
    review(date(2023, 6, 2), age=3)
    themed = Q(themes__present=True, themes__theme__in=["cross_boundary", "coordination"])
    result = compare(YEAR, themed, ~themed, specs=(COHORT_SPECS_BY_ID["rr_incident_type"],))
    assert (result["cohort_size"], result["rest_size"]) == (1, 1)
    assert total(result, "rr_incident_type") == (1, 1)
    by_age = compare(
        YEAR, Q(age_group="11_15"), ~Q(age_group="11_15"), specs=specs("chart_1_reason")
    )
    assert (by_age["cohort_size"], by_age["rest_size"]) == (1, 1)


def test_the_queries_do_not_grow_with_the_reviews():
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            compare(YEAR, Q(sex="female"), ~Q(sex="female"), specs=EACH_KIND)
        return len(captured)

    make_records(5, seed=3)
    few = queries()
    make_records(40, seed=4)
    assert queries() == few


def test_a_table_that_cannot_be_split_is_refused():
    with pytest.raises(ValueError, match="cannot be compared"):
        compare(YEAR, EVERYONE, NOBODY, specs=(t.TABLES_BY_ID["chart_3_regions"],))


def test_the_result_is_json_serialisable(figures):
    result = figures["girls"]
    assert json.loads(json.dumps(result)) == result


# --- Exports --------------------------------------------------------------------------------------


def _csv(content: bytes) -> dict[tuple[str, str, str, str], tuple[str, str]]:
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
    return {(r["table"], r["group"], r["row"], r["column"]): (r["n"], r["pct"]) for r in rows}


@pytest.fixture(scope="module")
def small_cohort(django_db_setup, django_db_blocker):
    """Two 14-year-old girls against eight boys: a cohort too small to publish (compared once
    for the module, rolled back)."""
    with django_db_blocker.unblock(), transaction.atomic():
        for day in range(1, 3):
            review(date(2023, 6, day), sex="female")
        for day in range(3, 11):
            review(date(2023, 6, day))
        result = compare(YEAR, Q(sex="female"), ~Q(sex="female"))
        transaction.set_rollback(True)
    return result


def test_the_internal_csv_shows_every_count(small_cohort):
    cells = _csv(comparison_csv(small_cohort, public=False))
    key = ("rr_incident_type", "Incident type", "Death")
    assert cells[(*key, COHORT)] == ("2", "100.0")
    assert cells[(*key, REST)] == ("8", "100.0")


def test_the_public_csv_suppresses_a_small_cohort_and_its_twin(small_cohort):
    cells = _csv(comparison_csv(small_cohort, public=True))
    key = ("rr_incident_type", "Incident type", "Death")
    # 2 is small; 8 is not, but with the year's published 10 it would give the 2 away.
    assert cells[(*key, COHORT)] == ("c", "c")
    assert cells[(*key, REST)] == ("c", "c")
    zero = ("rr_incident_type", "Incident type", "Serious harm")
    assert cells[(*zero, COHORT)][0] == "0"
    assert "c" not in {n for (table, *_), (n, _) in cells.items() if table == "review_length"}


def test_the_public_xlsx_suppresses_and_says_so(small_cohort):
    small_cohort = {**small_cohort, "cohort_name": "Girls"}
    book = load_workbook(io.BytesIO(comparison_xlsx(small_cohort, public=True)))
    assert book.sheetnames[0] == "About"
    # One sheet per table, named by its title (analytics.exports.sheet_names).
    assert len(book.sheetnames) == 1 + len(COHORT_SPECS)
    assert "Rapid reviews by incident type" in book.sheetnames
    about = {row[0]: row[1] for row in book["About"].iter_rows(min_row=3, values_only=True)}
    assert about["Cohort"] == "Girls"
    assert about["Rapid reviews in the cohort"] == "c"
    assert about["Rapid reviews in the rest"] == "c"
    assert "suppressed together" in " ".join(str(v) for v in about.values())
    sheet = book["Rapid reviews by incident type"]
    death = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "Death")
    assert death[1:5] == ("c", "c", "c", "c")
    internal = load_workbook(io.BytesIO(comparison_xlsx(small_cohort, public=False)))
    about = {row[0]: row[1] for row in internal["About"].iter_rows(min_row=3, values_only=True)}
    assert about["Rapid reviews in the cohort"] == 2
    rows = internal["Rapid reviews by incident type"].iter_rows(values_only=True)
    death = next(r for r in rows if r[0] == "Death")
    assert death[1] == 2 and death[3] == 8


def test_row_percentages_follow_each_parts_total(small_cohort):
    from analytics.cohort_tables import suppress_comparison

    table = table_get(small_cohort, "chart_5_age_type")
    shown = suppress_comparison(table, 5)
    row = next(r for g in shown["groups"] for r in g["rows"] if r["label"] == "11-15")
    labels = [c["label"] for c in shown["columns"]]
    cells = dict(zip(labels, row["cells"], strict=True))
    assert cells["Total – cohort"]["n"] == "c"
    assert cells["Total – rest"]["n"] == "c"  # its twin
    assert cells["Death – cohort"]["pct"] == "c"


# --- The published 2023-24 dataset ---------------------------------------------------------------


@pytest.fixture(scope="module")
def published(django_db_setup, django_db_blocker):
    """The synthetic 2023-24 dataset imported, the year computed and each spotlight cohort
    compared within its age, once for the module (rolled back)."""
    with django_db_blocker.unblock(), transaction.atomic():
        reference_data_load()
        call_command("import_records", str(DATA), stdout=io.StringIO(), stderr=io.StringIO())
        year = compute_year(YEAR)
        out = {
            "year": year,
            "compared": {
                key: compare(
                    YEAR, spot.cohort, spot.rest, specs=(COHORT_SPECS_BY_ID[spot.table_id],)
                )
                for key, spot in SPOTLIGHT_COHORTS.items()
            },
        }
        transaction.set_rollback(True)
    return out


@pytest.mark.parametrize("key", list(SPOTLIGHT_COHORTS))
def test_the_published_datasets_spotlight_cohorts_equal_appendix_f(published, key):
    spot = SPOTLIGHT_COHORTS[key]
    table = table_get(published["year"], spot.table_id)
    compared = published["compared"][key]["tables"][0]
    assert assert_spotlight_equal(table, compared, within_only=True) > 50
    spotlight, _ = spotlight_columns(table)
    assert published["compared"][key]["cohort_size"] > 0


def test_every_comparison_table_lays_out_and_charts(figures):
    """The pages, the workbook and the charts read a comparison table as any other."""
    from analytics.charts import chart_svg
    from analytics.cohort_tables import suppress_comparison
    from analytics.layout import table_layout

    for table in figures["girls"]["tables"]:
        for shown in (table, suppress_comparison(table, 5)):
            layout = table_layout(shown)
            assert len(layout.columns) == len(table["columns"])
            chart_svg(shown)
    svg = chart_svg(table_get(figures["girls"], "chart_6_age_sex"))
    assert svg is not None and "Female – cohort" in svg and "Female – rest" in svg
