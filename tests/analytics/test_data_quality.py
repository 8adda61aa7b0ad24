"""Data quality figures (issue 19, item 4): the three tables against a straightforward count
over random records, the Panel's page (partnerships worst first, sorted by a characteristic;
administrators and the Panel only) and the public exports (the table by partnership is
internal only; suppressed all the same if it were shown)."""

import io
import random
from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from analytics import exports
from analytics.cohort_tables import NOT_COMPARED
from analytics.engine import compute_table, compute_year, records_held
from analytics.services import statistics_compute
from analytics.suppression import suppress_table
from analytics.tables import TABLES, TABLES_BY_ID
from analytics.tables import data_quality as t_dq
from panel.models import PanelDecision
from rapidreviews.models import RapidReview
from safeguarding.codes import Role
from safeguarding.models import LocalAuthority

from ..notifications.factories import SubmittedNotificationFactory
from ..panel.factories import PanelDecisionFactory
from ..rapidreviews.factories import RapidReviewFactory
from .test_engine import YEAR, flat, make_records, pct, reviews_of, sins_of
from .test_pages import table_rows, text

pytestmark = pytest.mark.django_db

# What the issue counts as a recording gap, written out independently of the declarations.
GAP_ANSWERS = {"not_recorded", "unknown", "", None}
# The ages each age-dependent question is asked of (the rapid review form's rules).
ASKED_AGES = {
    "education_status": range(4, 18),
    "missing_education": range(4, 16),
    "neet": range(16, 18),
}
FEEDBACK_FIELDS = (
    "analysis_quality",
    "lived_experience",
    "race_ethnicity_culture",
    "characteristics_recorded",
    "good_practice_identified",
)
IDS = ("data_quality_characteristics", "data_quality_partnerships", "panel_quality_feedback")


def characteristic_fields() -> list[str]:
    return [c.field for c in t_dq.CHARACTERISTICS]


def randomise(seed: int = 3) -> None:
    """Every characteristic of the records' reviews a random answer of its code list or
    blank (an age missing now and then), and every decision's feedback likewise."""
    rng = random.Random(seed)
    reviews = list(RapidReview.objects.order_by("pk"))
    names = [f for f in characteristic_fields() if f != "age_years"]
    for review in reviews:
        for name in names:
            choices = [c for c, _ in RapidReview._meta.get_field(name).choices]
            setattr(review, name, rng.choice([*choices, "", ""]))
        if rng.random() < 0.1:
            review.age_years = None
    RapidReview.objects.bulk_update(reviews, [*names, "age_years"])
    decisions = list(PanelDecision.objects.order_by("pk"))
    for decision in decisions:
        for name in FEEDBACK_FIELDS:
            choices = [c for c, _ in PanelDecision._meta.get_field(name).choices]
            setattr(decision, name, rng.choice([*choices, ""]))
    PanelDecision.objects.bulk_update(decisions, list(FEEDBACK_FIELDS))


def _correct_one_decision() -> None:
    """A corrected decision: only the current version counts."""
    current = PanelDecision.objects.filter(
        is_current=True, review__notification__incident_date__gte=date(YEAR, 4, 1)
    ).first()
    PanelDecision.objects.filter(pk=current.pk).update(is_current=False)
    PanelDecisionFactory(
        review=current.review,
        version=current.version + 1,
        analysis_quality="good",
        correction_reason="Corrected.",
    )


@pytest.fixture(scope="module")
def figures(django_db_setup, django_db_blocker):
    """120 random records across two years, computed once for the module (rolled back), with
    what a straightforward count needs of them: each review of the year's answers and
    partnership, its SINs' IMD deciles, its current decisions' feedback."""
    with django_db_blocker.unblock(), transaction.atomic():
        make_records(120, seed=11)
        randomise()
        _correct_one_decision()
        # As a snapshot computes them (on PostgreSQL, from the year's copied records)…
        tables = {t["id"]: t for t in compute_year(YEAR, t_dq.TABLES)["tables"]}
        # … and the queries each takes (which years hold records is asked once per
        # computation, for every table: analytics.engine.records_held).
        held = records_held(YEAR, t_dq.TABLES)
        with CaptureQueriesContext(connection) as queries:
            for spec in t_dq.TABLES:
                compute_table(spec, YEAR, held=held)
        reviews = [
            {
                **{name: getattr(r, name) for name in characteristic_fields()},
                "partnership": r.partnership.name,
            }
            for r in reviews_of(YEAR)
        ]
        decisions = [
            {name: getattr(d, name) for name in FEEDBACK_FIELDS}
            for d in PanelDecision.objects.filter(is_current=True)
            if date(YEAR, 4, 1) <= d.review.notification.incident_date <= date(YEAR + 1, 3, 31)
        ]
        out = {
            "tables": tables,
            "queries": len(queries),
            "reviews": reviews,
            "imd": [s.imd_decile for s in sins_of(YEAR)],
            "decisions": decisions,
        }
        transaction.set_rollback(True)
    return out


def asked(review: dict, name: str) -> bool:
    if name not in ASKED_AGES:
        return True
    return review["age_years"] is not None and review["age_years"] in ASKED_AGES[name]


def is_gap(review: dict, name: str) -> bool:
    return review[name] in GAP_ANSWERS


def label(name: str, model=RapidReview) -> str:
    text_ = str(model._meta.get_field(name).verbose_name)
    return text_[:1].upper() + text_[1:]


# --- The tables against a straightforward count ----------------------------------------------


def test_characteristics_table_counts_each_gap_among_the_reviews_asked(figures):
    table = figures["tables"]["data_quality_characteristics"]
    reviews = figures["reviews"]
    expected = {}
    for group in table["groups"]:
        for row in group["rows"]:
            if row["kind"] == "total":
                continue
            name = next(
                (f for f in characteristic_fields() if label(f) == row["label"]), row["label"]
            )
            if row["label"] == "Age":
                mine = reviews
                gaps = sum(1 for r in mine if r["age_years"] is None)
            elif group["label"] == "Any characteristic":
                mine = reviews
                gaps = sum(
                    1
                    for r in mine
                    if any(asked(r, f) and is_gap(r, f) for f in characteristic_fields())
                )
            elif group["label"] == "Serious Incident Notifications":
                mine = figures["imd"]
                gaps = sum(1 for decile in mine if decile is None)
            else:
                mine = [r for r in reviews if asked(r, name)]
                gaps = sum(1 for r in mine if is_gap(r, name))
            expected[(group["label"], row["label"], "England")] = (gaps, pct(gaps, len(mine)))
            total = next(r for r in group["rows"] if r["kind"] == "total")
            expected[(group["label"], total["label"], "England")] = (len(mine), None)
    assert flat(table) == expected
    # Every characteristic is a row, each once, with the report's named ones among them.
    rows = [r["label"] for g in table["groups"] for r in g["rows"] if r["kind"] == "cell"]
    for name in ("gender_differs", "lgbtq", "disability", "ethnicity", "education_status"):
        assert label(name) in rows
    assert len(rows) == len(set(rows)) == len(t_dq.CHARACTERISTICS) + 2  # any; IMD decile
    # Education status is counted among the children aged 4 to 17 only.
    education = next(g for g in table["groups"] if "4 to 17" in g["label"])
    assert education["rows"][-1]["cells"][0]["n"] == sum(
        1 for r in reviews if r["age_years"] is not None and 4 <= r["age_years"] <= 17
    )
    assert 0 < education["rows"][-1]["cells"][0]["n"] < len(reviews)


def test_partnerships_table_counts_each_partnerships_reviews(figures):
    table = figures["tables"]["data_quality_partnerships"]
    reviews = figures["reviews"]
    flagged = ["gender_differs", "lgbtq", "disability", "neurodivergent", "ethnicity"]
    flagged.append("mental_health")
    every = characteristic_fields()
    by_partnership: dict[str, list[dict]] = {}
    for review in reviews:
        by_partnership.setdefault(review["partnership"], []).append(review)

    def line(mine: list[dict]) -> list[tuple]:
        cells = []
        for name in flagged:
            gaps = sum(1 for r in mine if is_gap(r, name))
            cells.append((gaps, pct(gaps, len(mine))))
        gaps = sum(1 for r in mine for f in every if asked(r, f) and is_gap(r, f))
        answers = sum(1 for r in mine for f in every if asked(r, f))
        return [*cells, (gaps, pct(gaps, answers)), (len(mine), None)]

    expected = [
        (name, "cell", line(by_partnership[name]))
        for name in sorted(by_partnership, key=str.casefold)
    ]
    expected.append(("England", "total", line(reviews)))
    got = [
        (row["label"], row["kind"], [(c["n"], c["pct"]) for c in row["cells"]])
        for row in table["groups"][0]["rows"]
    ]
    assert got == expected
    assert len(got) > 10  # many partnerships, each with its own figures
    assert [c["label"] for c in table["columns"]] == [
        *(label(name) for name in flagged),
        "All characteristics (share of answers)",
        "Rapid reviews",
    ]
    assert table["percent"] == "row" and table["internal"] is True


def test_panel_feedback_table_counts_the_current_decisions_answers(figures):
    table = figures["tables"]["panel_quality_feedback"]
    decisions = figures["decisions"]
    columns = [c["label"] for c in table["columns"]]
    assert columns == [
        "Good", "Adequate", "Needs improvement", "Yes", "Partly", "No", "Not recorded",
        "Decisions",
    ]  # fmt: skip
    expected = {}
    for name in FEEDBACK_FIELDS:
        scale = dict(PanelDecision._meta.get_field(name).choices)
        row = label(name, PanelDecision)
        for column in columns[:-1]:
            code = "" if column == "Not recorded" else None
            code = next((c for c, lab in scale.items() if lab == column), code)
            if code is None:
                expected[row, column] = (None, None)  # not on the question's scale: x
                continue
            n = sum(1 for d in decisions if d[name] == code)
            expected[row, column] = (n, pct(n, len(decisions)))
        expected[row, "Decisions"] = (len(decisions), None)
    got = {(row, column): value for (_, row, column), value in flat(table).items()}
    assert got == expected


def test_the_tables_are_a_query_per_row_group(figures):
    characteristics = TABLES_BY_ID["data_quality_characteristics"]
    # One aggregate per row group, one GROUP BY by partnership, one aggregate of the answers.
    assert figures["queries"] <= len(characteristics.groups) + 2


def test_the_data_quality_chapter_closes_the_figures():
    assert [spec.id for spec in TABLES][-3:] == list(IDS)
    assert {TABLES_BY_ID[i].chapter for i in IDS} == {"Data quality"}
    # By partnership and the Panel's answers are not computed for a cohort of reviews.
    assert {"data_quality_partnerships", "panel_quality_feedback"} <= set(NOT_COMPARED)


# --- The page --------------------------------------------------------------------------------

LEEDS, YORK, BRADFORD = "Leeds", "York", "Bradford"


def _review(authority: str, day: int, **answers) -> RapidReview:
    sin = SubmittedNotificationFactory(
        local_authority=LocalAuthority.objects.get(name=authority),
        incident_date=date(2023, 6, day),
        reason="death",
    )
    values = {
        "ethnicity": "white_british",
        "gender_differs": "no",
        "lgbtq": "no",
        "disability": "no",
        "neurodivergent": "no",
        "mental_health": "none",
        **answers,
    }
    return RapidReviewFactory(
        notification=sin,
        status=RapidReview.Status.SUBMITTED,
        submitted_at=timezone.now(),
        working_days_taken=12,
        incident_type="death",
        sex="male",
        age_years=2,
        **values,
    )


@pytest.fixture
def page_snapshot():
    """Leeds: ethnicity unknown in 1 of 2 reviews; York: disability not recorded in 2 of 2;
    Bradford: all recorded, and a Panel decision with its feedback."""
    _review(LEEDS, 1, ethnicity="unknown")
    _review(LEEDS, 2)
    _review(YORK, 3, disability="not_recorded")
    _review(YORK, 4, disability="not_recorded")
    PanelDecisionFactory(review=_review(BRADFORD, 5))
    return statistics_compute(year=2023, by=None)


def _url(**params) -> str:
    url = reverse("analytics:statistics-data-quality", args=[2023])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def _partnership_of(authority: str) -> str:
    return LocalAuthority.objects.get(name=authority).partnership.name


def _order(response) -> list[str]:
    rows = table_rows(response.content.decode(), "data-quality-partnerships")
    return [row[0] for row in rows[1:]]


@pytest.mark.parametrize("role", [Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT, Role.ADMINISTRATOR])
def test_the_panel_sees_the_partnerships_that_record_least(client, make_user, page_snapshot, role):
    client.force_login(make_user(role))
    by_ethnicity = client.get(_url(characteristic="ethnicity"))
    assert by_ethnicity.status_code == 200
    leeds, york, bradford = (_partnership_of(a) for a in (LEEDS, YORK, BRADFORD))
    assert _order(by_ethnicity) == [leeds, bradford, york, "England"]  # ties by name
    rows = table_rows(by_ethnicity.content.decode(), "data-quality-partnerships")
    assert rows[1] == [leeds, "1", "50.0", rows[1][3], "2"]
    assert rows[-1][:3] == ["England", "1", "20.0"]

    by_disability = client.get(_url(characteristic="disability"))
    assert _order(by_disability)[:1] == [york]
    assert 'value="disability" selected' in by_disability.content.decode()

    # Every characteristic together by default, and for a value that is not a column.
    for response in (client.get(_url()), client.get(_url(characteristic="nonsense"))):
        assert response.status_code == 200
        assert _order(response)[-2:] == [bradford, "England"]
        assert "All characteristics (share of answers): not recorded" in text(response)
    page = text(client.get(_url()))
    assert "The Panel's feedback on the quality of rapid reviews" in page
    assert "Thoroughness of analysis" in page


@pytest.mark.parametrize("role", [Role.LA_USER, Role.PARTNERSHIP_LEAD])
def test_local_authority_users_and_partnership_leads_may_not_see_it(
    client, make_user, page_snapshot, role
):
    client.force_login(make_user(role))
    assert client.get(_url()).status_code == 403


def test_the_page_before_any_figures_says_so(client, make_user):
    client.force_login(make_user(Role.PANEL_MEMBER))
    response = client.get(_url())
    assert response.status_code == 200
    assert "The figures for 2023 to 2024 have not been computed" in text(response)


def test_the_year_navigation_links_the_page(client, make_user, page_snapshot):
    client.force_login(make_user(Role.PANEL_MEMBER))
    response = client.get(reverse("analytics:statistics-year", args=[2023]))
    assert _url() in response.content.decode()


# --- Public exports -------------------------------------------------------------------------


def test_public_exports_leave_the_table_by_partnership_out(page_snapshot):
    internal = exports.snapshot_csv(page_snapshot, public=False, threshold=5)
    public = exports.snapshot_csv(page_snapshot, public=True, threshold=5)
    assert "data_quality_partnerships," in internal
    assert "data_quality_partnerships," not in public
    assert "data_quality_characteristics," in public
    workbook = load_workbook(
        io.BytesIO(exports.snapshot_xlsx(page_snapshot, public=True, threshold=5))
    )
    about = {row[0].value: row[1].value for row in workbook["About"].iter_rows() if row[0].value}
    assert "by partnership" in about["Not in this export"]
    assert all("partnership" not in (sheet.title or "") for sheet in workbook.worksheets)
    assert len(workbook.sheetnames) == 1 + len(page_snapshot.tables) - 1


def test_the_table_by_partnership_would_be_suppressed_all_the_same(page_snapshot):
    table = suppress_table(page_snapshot.table("data_quality_partnerships"), 5)
    figures = [
        (row["label"], c["n"], c["pct"]) for row in table["groups"][0]["rows"] for c in row["cells"]
    ]
    # Two reviews a partnership: every count from 1 to 4 is hidden, with its percentage.
    assert not [f for f in figures if isinstance(f[1], int) and 0 < f[1] < 5]
    leeds = next(r for r in table["groups"][0]["rows"] if r["label"] == _partnership_of(LEEDS))
    assert leeds["cells"][-1]["n"] == "c"
    assert {c["pct"] for c in leeds["cells"]} <= {"c", "0.0", None}


def test_a_line_without_figures_shows_x_not_a_dash_nor_none():
    """Missing is `x` (with "not available" for screen readers), as on every statistics page."""
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    from analytics.data_quality import PartnershipLine

    line = PartnershipLine(name="Leeds", reviews=None, n=None, pct=None, all_pct=None)
    html = render_to_string(
        "analytics/_data_quality_line.html",
        {"line": line, "ranking": SimpleNamespace(is_all=False), "bold": False},
    )
    assert "None" not in html and "–" not in html
    assert html.count('<span aria-hidden="true">x</span>') == 4
    assert html.count("not available") == 4
