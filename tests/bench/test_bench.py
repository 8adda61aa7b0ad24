"""`make bench` itself: its dataset generator at a tiny scale, its import file, and the report's
ratios and PASS/FAIL lines. Nothing here is timed; the bench measures, these tests do not."""

from pathlib import Path

import pytest
from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse

from analytics.importer import records_import
from bench import dataset, report, stats
from bench.handsql import hand_tables
from notifications.models import Notification, NotificationChild, ReferenceSequence
from panel.models import PanelDecision, ResponseLetter
from rapidreviews.models import RapidReview, RapidReviewTheme


@pytest.fixture
def tiny(db):
    return dataset.generate("tiny")


def test_tiny_dataset_has_every_kind_of_record(tiny):
    assert tiny.sins == Notification.objects.count() >= 60
    assert tiny.reviews == RapidReview.objects.count() > 0
    for model in (NotificationChild, RapidReviewTheme, PanelDecision, ResponseLetter):
        assert model.objects.exists(), model
    assert Notification.objects.filter(status="draft").exists() or tiny.sins < 100
    assert RapidReview.objects.filter(status="submitted").exists()


def test_every_submitted_sin_has_a_reference_a_review_and_one_to_three_children(tiny):
    submitted = Notification.objects.filter(status="submitted")
    assert not submitted.filter(reference__isnull=True).exists()
    assert not submitted.filter(rapid_review__isnull=True).exists()
    counts = set(Notification.objects.annotate(n=Count("children")).values_list("n", flat=True))
    assert counts <= {1, 2, 3}
    focus = Notification.objects.annotate(
        n=Count("children", filter=Q(children__is_child_in_focus=True))
    )
    assert set(focus.values_list("n", flat=True)) == {1}


def test_references_continue_after_the_generated_ones(tiny):
    sequence = ReferenceSequence.objects.filter(prefix="SIN").order_by("-year").first()
    references = Notification.objects.filter(reference__startswith=f"SIN-{sequence.year}-")
    assert references.count() == sequence.last_number


def test_coded_answers_come_from_the_code_lists(tiny):
    for name, choices in dataset._coded_review_fields().items():
        values = set(RapidReview.objects.values_list(name, flat=True))
        assert values <= {*choices, ""}, name
    decided = RapidReview.objects.filter(panel_decisions__isnull=False).distinct()
    assert decided.filter(panel_decisions__is_current=True).count() == decided.count()


def test_columns_the_generator_does_not_name_get_their_default():
    version = Notification._meta.get_field("version")
    assert dataset._default_sql(version) == ("%s", [1])
    assert dataset._default_sql(Notification._meta.get_field("anonymised_at")) is None
    assert dataset._default_sql(Notification._meta.get_field("summary")) == ("''", [])


def test_panel_stage_is_set_consistently(tiny):
    sent = RapidReview.objects.filter(response_letters__status="sent").distinct()
    assert set(sent.values_list("panel_stage", flat=True)) == {"letter_sent"}
    waiting = RapidReview.objects.filter(status="submitted", panel_decisions__isnull=True)
    assert set(waiting.values_list("panel_stage", flat=True)) <= {"awaiting"}


def test_hand_written_sql_counts_the_year_the_engine_counts(tiny):
    from analytics.engine import records_q

    year = Notification.objects.filter(status="submitted").latest("incident_date")
    fy = year.incident_date.year - (year.incident_date.month < 4)
    tables = hand_tables(fy)
    total = next(row[3] for row in tables["chart_6_age_sex"] if row[1] is None and row[2] is None)
    assert total == RapidReview.objects.filter(records_q("review", fy)).count()


def test_the_import_file_is_accepted_by_the_importer(db, tmp_path):
    path = stats.import_file(40, tmp_path)
    with path.open("rb") as handle:
        result = records_import(file=handle, filename=path.name, by=None, dry_run=True)
    assert not result.errors
    assert result.added == result.rows == 40


def test_the_minimal_view_is_only_routed_for_the_bench():
    with pytest.raises(NoReverseMatch):
        reverse("bench-minimal")


def _results() -> report.Results:
    results = report.Results("100k")
    for value in (100, 120, 110):
        results.add("pages", "sign-in page p95", "ms", value)
    for value in (300, 200, 250):
        results.add("pages", "SIN list p95", "ms", value, baseline="sign-in page p95")
    results.add("exports", "response letter PDF", "s", 0.5)
    return results


def test_figures_have_min_median_max_and_a_ratio_to_their_baseline():
    results = _results()
    figure = results.figures["SIN list p95"]
    assert (figure.min, figure.median, figure.max) == (200, 250, 300)
    assert results.ratio("SIN list p95") == pytest.approx(250 / 110)
    assert results.ratio("sign-in page p95") is None


def test_targets_pass_fail_or_skip():
    targets = [
        report.Target("list ≤ 3× sign-in", "SIN list p95", "ratio", 3.0),
        report.Target("list ≤ 2× sign-in", "SIN list p95", "ratio", 2.0),
        report.Target("letter ≤ 0.3 s", "response letter PDF", "max", 0.3),
        report.Target("letter ≥ 0.1 s", "response letter PDF", "min", 0.1),
        report.Target("not measured", "import", "min", 2000),
        report.Target("only at 1m", "SIN list p95", "ratio", 1.0, ("1m",)),
    ]
    verdicts = report.check(_results(), targets)
    assert [v.outcome for v in verdicts] == ["PASS", "FAIL", "FAIL", "PASS", "SKIP"]
    assert verdicts[0].line() == "PASS  list ≤ 3× sign-in: 2.27"


def test_results_round_trip_through_csv_and_compare(tmp_path: Path):
    path = tmp_path / "20261202-120000-100k.csv"
    report.write_csv(_results(), path)
    again = report.read_csv(path)
    assert again.scale == "100k"
    assert again.figures["SIN list p95"].samples == [300, 200, 250]
    assert again.ratio("SIN list p95") == pytest.approx(250 / 110)
    faster = report.read_csv(path)
    faster.figures["SIN list p95"].samples = [125, 125, 125]
    table = report.compare(again, faster)
    assert "| SIN list p95 | ms | 250 | 125 | 0.50× | 2.27× | 1.14× |" in table
    assert "| sign-in page p95 |" in report.markdown(again)


def test_production_refuses_the_bench_views():
    from tests.test_settings import GOOD_KEY, load_settings

    result = load_settings(
        ENVIRONMENT="production", ALLOWED_HOSTS="example.org", SECRET_KEY=GOOD_KEY, BENCH_VIEWS="1"
    )
    assert result.returncode != 0
    assert "BENCH_VIEWS on" in result.stderr


def test_the_generator_refuses_a_database_that_is_not_a_throwaway_one(db, monkeypatch):
    from django.db import connection

    monkeypatch.setitem(connection.settings_dict, "NAME", "safeguarding_staging")
    monkeypatch.delenv("THROWAWAY_DATABASE", raising=False)
    with pytest.raises(SystemExit, match="Refusing to replace the records"):
        dataset.generate("tiny")
