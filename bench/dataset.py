"""The bench's dataset, generated in bulk on the server (INSERT … SELECT generate_series), never
through the services: SINs with their children, rapid reviews (submitted and in progress) with
their themes, Panel decisions (corrected ones with two versions), response letters and LCSPRs,
spread across every local authority loaded by the reference data and the reporting years.

Coded answers are drawn from the models' own choices, so the statistics engine sees realistic
codes. Columns the generator does not name get their model default (or NULL, or ""), so a new
NOT NULL column with a default does not break it."""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass
from datetime import date

from django.db import connection, models, transaction
from django.utils import timezone

from lcsprs.models import Lcspr
from notifications.models import Notification, NotificationChild, ReferenceSequence
from panel.models import PanelDecision, ResponseLetter
from rapidreviews.codes import LearningTheme
from rapidreviews.models import RapidReview, RapidReviewTheme
from safeguarding.codes import Role
from safeguarding.models import LocalAuthority, User

# Rapid reviews wanted at each scale, and the years they spread over. 1x is today's volume:
# 3,000 incidents over 6 years.
SCALES: dict[str, tuple[int, int]] = {
    "tiny": (60, 3),
    "1x": (3_000, 6),
    "100k": (100_000, 10),
    "1m": (1_000_000, 10),
}
SUBMITTED_SIN_SHARE = 0.97  # the rest are drafts

# Review fields given explicitly below; every other coded answer is drawn from its choices.
EXPLICIT_REVIEW_FIELDS = {
    "status",
    "incident_type",
    "sex",
    "cause_of_death",
    "cause_of_harm",
    "lcspr_decision",
}


@dataclass(frozen=True)
class BenchUsers:
    secretariat: User
    panel_member: User
    administrator: User
    la_user: User
    partnership_lead: User


@dataclass(frozen=True)
class DatasetInfo:
    scale: str
    sins: int
    reviews: int
    seconds: float
    counts: dict[str, int]


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _choice(values: list[str], rand: str = "random()") -> str:
    """SQL picking one of `values` uniformly."""
    array = "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]"
    return f"({array})[1 + floor({rand} * {len(values)})::int]"


def _default_sql(field: models.Field) -> tuple[str, list] | None:
    """SQL (and params) for a column the generator does not name, or None to leave it NULL."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return "now()", []
    if field.has_default():
        value = field.get_db_prep_save(field.get_default(), connection)
        return "%s", [value]
    if field.null:
        return None
    if isinstance(field, models.CharField | models.TextField | models.FileField):
        return "''", []
    if isinstance(field, models.BooleanField):
        return "false", []
    raise ValueError(f"bench.dataset: {field.model.__name__}.{field.name} has no value")


def insert_select(model: type[models.Model], values: dict[str, str], source: str) -> int:
    """INSERT INTO model's table (every concrete column) SELECT the given SQL expressions FROM
    `source`; the columns not in `values` get their default. The number of rows inserted."""
    columns, exprs, params = [], [], []
    named = dict(values)
    for field in model._meta.concrete_fields:
        if field.primary_key and field.name not in named:
            continue
        key = field.attname if field.attname in named else field.name
        if key in named:
            columns.append(field.column)
            # Literal % (modulo) must not read as a placeholder: the defaults are parameters.
            exprs.append(named.pop(key).replace("%", "%%"))
            continue
        default = _default_sql(field)
        if default is not None:
            columns.append(field.column)
            exprs.append(default[0])
            params.extend(default[1])
    if named:
        raise ValueError(f"bench.dataset: {model.__name__} has no field(s) {sorted(named)}")
    sql = (
        f"INSERT INTO {_q(model._meta.db_table)} ({', '.join(_q(c) for c in columns)}) "
        f"SELECT {', '.join(exprs)} FROM {source.replace('%', '%%')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _coded_review_fields() -> dict[str, list[str]]:
    return {
        field.name: [str(v) for v, _ in field.choices]
        for field in RapidReview._meta.concrete_fields
        if isinstance(field, models.CharField)
        and field.choices
        and field.blank
        and field.name not in EXPLICIT_REVIEW_FIELDS
    }


def bench_users() -> BenchUsers:
    """One person in each role (created once), and an LA user per authority to own its SINs."""
    authorities = list(LocalAuthority.objects.select_related("partnership").order_by("pk"))
    existing = set(
        User.objects.filter(username__startswith="bench-la-").values_list("username", flat=True)
    )
    missing = [
        User(
            username=f"bench-la-{la.pk}",
            email=f"bench-la-{la.pk}@example.org",
            role=Role.LA_USER,
            local_authority=la,
        )
        for la in authorities
        if f"bench-la-{la.pk}" not in existing
    ]
    User.objects.bulk_create(missing)

    def person(username: str, role: str, **org) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, email=f"{username}@example.org", role=role, **org)
            # Signed in by the bench itself (bench.pages), never with a password.
            user.set_unusable_password()
            user.save()
        return user

    first = authorities[0]
    return BenchUsers(
        secretariat=person("bench-secretariat", Role.PANEL_SECRETARIAT),
        panel_member=person("bench-panel-member", Role.PANEL_MEMBER),
        administrator=person("bench-administrator", Role.ADMINISTRATOR),
        la_user=person("bench-la-user", Role.LA_USER, local_authority=first),
        partnership_lead=person(
            "bench-partnership-lead", Role.PARTNERSHIP_LEAD, partnership=first.partnership
        ),
    )


# The tables the generator fills, children first (the order they are emptied in).
GENERATED = (
    ResponseLetter,
    PanelDecision,
    Lcspr,
    RapidReviewTheme,
    RapidReview,
    NotificationChild,
    Notification,
)


def _refuse_unless_throwaway() -> None:
    """Replacing the case tables' rows is only for a database made to be thrown away: the one
    scripts/services.py started for this run (THROWAWAY_DATABASE names it), or a test
    database. Any other (staging, a restored copy, production) is refused."""
    name = connection.settings_dict["NAME"]
    if name.startswith("test_") or os.environ.get("THROWAWAY_DATABASE") == name:
        return
    raise SystemExit(
        f"Refusing to replace the records in the database {name!r}: the bench generates its "
        "data only in the throwaway database `make bench` starts (or reuses one with --reuse)."
    )


def _reset(cursor) -> None:
    for model in GENERATED:
        cursor.execute(f"DELETE FROM {_q(model._meta.db_table)}")
    cursor.execute(f"DELETE FROM {_q(ReferenceSequence._meta.db_table)} WHERE prefix = 'SIN'")


def generate(scale: str, *, today: date | None = None, seed: float = 0.42) -> DatasetInfo:
    """Replace the case tables' rows with a dataset of `scale` (a key of SCALES)."""
    _refuse_unless_throwaway()
    reviews_wanted, years = SCALES[scale]
    today = today or timezone.localdate()
    sins = math.ceil(reviews_wanted / SUBMITTED_SIN_SHARE)
    users = bench_users()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [seed])
        _reset(cursor)
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_la ON COMMIT DROP AS "
            "SELECT row_number() OVER (ORDER BY la.id) - 1 AS i, la.id AS la_id, "
            "la.partnership_id, u.id AS user_id "
            f"FROM {_q(LocalAuthority._meta.db_table)} la "
            f"JOIN {_q(User._meta.db_table)} u ON u.username = 'bench-la-' || la.id"
        )
        cursor.execute("SELECT count(*) FROM bench_la")
        (authorities,) = cursor.fetchone()
        _sins(sins, years, authorities, today)
        _children()
        _reviews(today)
        _themes()
        _decisions(users)
        _letters(users)
        _lcsprs(users)
        _panel_stage()
        cursor.execute(
            f"INSERT INTO {_q(ReferenceSequence._meta.db_table)} (prefix, year, last_number) "
            "SELECT 'SIN', extract(year FROM notified_at)::int, count(*) "
            f"FROM {_q(Notification._meta.db_table)} WHERE reference IS NOT NULL GROUP BY 2"
        )
    analyse()
    seconds = time.perf_counter() - started
    counts = existing_counts()
    return DatasetInfo(scale, counts["Notification"], counts["RapidReview"], seconds, counts)


def analyse() -> None:
    """ANALYZE the generated tables: their planner statistics as autoanalyze leaves them."""
    with connection.cursor() as cursor:
        for model in GENERATED:
            cursor.execute(f"ANALYZE {_q(model._meta.db_table)}")


def existing_counts() -> dict[str, int]:
    """How many rows each generated table has, parents first."""
    return {model.__name__: model.objects.count() for model in reversed(GENERATED)}


def _sins(sins: int, years: int, authorities: int, today: date) -> None:
    span_days = years * 365
    # One row per SIN, with its random draws fixed in a temporary table, then inserted.
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_sin ON COMMIT DROP AS "
            "SELECT g AS n, "
            f"(DATE %s - (random() * {span_days})::int) AS incident_date, "
            "(random() * 3)::int AS aware_after, (random() * 9)::int AS notify_after, "
            f"random() < {SUBMITTED_SIN_SHARE} AS submitted, random() AS r_reason, "
            f"(random() * {authorities - 1})::int AS la_i "
            "FROM generate_series(1, %s) g",
            [today, sins],
        )
        # Incidents in the last days are not notified yet: keep every date in the past.
        cursor.execute(
            "UPDATE bench_sin SET aware_after = 0, notify_after = 0 "
            "WHERE incident_date > DATE %s - 12",
            [today],
        )
    notified = "(s.incident_date + s.aware_after + s.notify_after)"
    insert_select(
        Notification,
        {
            "reference": (
                "CASE WHEN s.submitted THEN 'SIN-' || extract(year FROM "
                f"{notified})::int || '-' || lpad((row_number() OVER (PARTITION BY s.submitted, "
                f"extract(year FROM {notified}) ORDER BY {notified}, s.n))::text, 6, '0') END"
            ),
            "status": "CASE WHEN s.submitted THEN 'submitted' ELSE 'draft' END",
            "local_authority": "la.la_id",
            "incident_date": "s.incident_date",
            "date_aware": "s.incident_date + s.aware_after",
            "reason": (
                "CASE WHEN s.r_reason < 0.46 THEN 'death' WHEN s.r_reason < 0.93 "
                "THEN 'serious_harm' ELSE 'other' END"
            ),
            "abuse_or_neglect": "CASE WHEN random() < 0.6 THEN 'known' ELSE 'suspected' END",
            "child_looked_after_death": "false",
            "imd_decile": "CASE WHEN random() < 0.85 THEN 1 + (random() * 9)::int END",
            "imd_source": "'entered'",
            "notified_at": f"CASE WHEN s.submitted THEN {notified} + TIME '10:30' END",
            "working_days_to_notify": (
                "CASE WHEN s.submitted THEN ((s.aware_after + s.notify_after) * 5 / 7) END"
            ),
            "notified_on_time": (
                "CASE WHEN s.submitted THEN (s.aware_after + s.notify_after) * 5 / 7 <= 5 END"
            ),
            "created_at": f"{notified} + TIME '09:00'",
            "updated_at": f"{notified} + TIME '10:30'",
            "created_by": "la.user_id",
            "submitted_by": "CASE WHEN s.submitted THEN la.user_id END",
        },
        "bench_sin s JOIN bench_la la ON la.i = s.la_i",
    )


def _children() -> None:
    n = _q(Notification._meta.db_table)
    insert_select(
        NotificationChild,
        {
            "notification": "n.id",
            "child_reference": "'Child ' || chr(64 + g)",
            "age_years": "(random() * 17)::int",
            "sex": "CASE WHEN random() < 0.5 THEN 'female' ELSE 'male' END",
            "harm": "CASE WHEN g = 1 THEN n.reason ELSE 'other' END",
            "is_child_in_focus": "g = 1",
            "created_at": "n.created_at",
        },
        # 1 child for most SINs, 2 or 3 for some.
        f"{n} n CROSS JOIN LATERAL generate_series(1, CASE WHEN n.id % 10 < 7 THEN 1 "
        "WHEN n.id % 10 < 9 THEN 2 ELSE 3 END) g",
    )


def _reviews(today: date) -> None:
    from rapidreviews.codes import CauseOfDeath, CauseOfHarm, LcsprDecision

    n, c = _q(Notification._meta.db_table), _q(NotificationChild._meta.db_table)
    la = _q(LocalAuthority._meta.db_table)
    answered = "(n.notified_at < %s::date - 40 OR random() < 0.5)"
    values = {
        "notification": "n.id",
        "partnership": "la.partnership_id",
        # Older reviews are submitted; the last weeks' are being drafted or not started.
        "status": (
            "CASE WHEN n.notified_at < %s::date - 40 THEN 'submitted' "
            "WHEN random() < 0.5 THEN 'drafting' ELSE 'not_started' END"
        ),
        "clock_started_on": "n.notified_at::date",
        "due_date": "n.notified_at::date + 21",
        "original_due_date": "n.notified_at::date + 21",
        "created_at": "n.notified_at",
        "updated_at": "n.notified_at + interval '20 days'",
        "incident_type": "n.reason",
        "sex": "c.sex",
        "age_years": "c.age_years",
        "cause_of_death": (
            f"CASE WHEN n.reason = 'death' THEN {_choice(list(CauseOfDeath.values))} ELSE '' END"
        ),
        "cause_of_harm": (
            f"CASE WHEN n.reason = 'serious_harm' THEN {_choice(list(CauseOfHarm.values))} "
            "ELSE '' END"
        ),
        "lcspr_decision": (
            f"CASE WHEN {answered} THEN CASE WHEN random() < 0.35 THEN "
            f"'{LcsprDecision.LCSPR}' ELSE '{LcsprDecision.NO_LCSPR}' END ELSE '' END"
        ),
        "submitted_at": (
            "CASE WHEN n.notified_at < %s::date - 40 THEN n.notified_at + "
            "(10 + (random() * 20)::int) * interval '1 day' END"
        ),
        "working_days_taken": (
            "CASE WHEN n.notified_at < %s::date - 40 THEN 7 + (random() * 15)::int END"
        ),
    }
    for name, choices in _coded_review_fields().items():
        values[name] = f"CASE WHEN {answered} THEN {_choice(choices)} ELSE '' END"
    values["submitted_on_time"] = "NULL"
    sql_values = dict(values)
    # Parameters are positional: replace each %s with the date literal (a safe date).
    literal = f"DATE '{today.isoformat()}'"
    for key, expr in sql_values.items():
        sql_values[key] = expr.replace("%s::date", literal)
    insert_select(
        RapidReview,
        sql_values,
        f"{n} n JOIN {la} la ON la.id = n.local_authority_id "
        f"JOIN {c} c ON c.notification_id = n.id AND c.is_child_in_focus "
        "WHERE n.status = 'submitted'",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_q(RapidReview._meta.db_table)} SET submitted_on_time = "
            "working_days_taken <= 15 WHERE status = 'submitted'"
        )


def _themes() -> None:
    r = _q(RapidReview._meta.db_table)
    insert_select(
        RapidReviewTheme,
        {
            "review": "r.id",
            "theme": "t.theme",
            "present": "random() < 0.35",
            "good_practice": "random() < 0.15",
        },
        f"{r} r CROSS JOIN unnest(%s::text[]) AS t(theme) WHERE r.status = 'submitted'".replace(
            "%s::text[]",
            "ARRAY[" + ",".join(f"'{v}'" for v in LearningTheme.values) + "]",
        ),
    )


def _decisions(users: BenchUsers) -> None:
    from panel.models import Extent, Outcome, Quality

    r = _q(RapidReview._meta.db_table)
    outcome = (
        f"CASE WHEN random() < 0.81 THEN '{Outcome.AGREE}' WHEN random() < 0.5 "
        f"THEN '{Outcome.DISAGREE}' ELSE '{Outcome.UNABLE_TO_CONCLUDE}' END"
    )
    quality = _choice(list(Quality.values))
    extent = _choice(list(Extent.values))
    common = {
        "review": "r.id",
        "outcome": outcome,
        "reasons": "'Decided by the bench.'",
        "analysis_quality": quality,
        "lived_experience": quality,
        "race_ethnicity_culture": quality,
        "characteristics_recorded": extent,
        "good_practice_identified": extent,
        "feedback": "'Feedback from the bench.'",
        "decided_by": str(users.panel_member.pk),
        "decided_at": "r.submitted_at + interval '14 days'",
    }
    # Reviews submitted more than 3 weeks ago have a decision; one in 20 was corrected.
    decided = f"{r} r WHERE r.status = 'submitted' AND r.submitted_at < now() - interval '21 days'"
    insert_select(
        PanelDecision,
        {**common, "version": "1", "is_current": "r.id % 20 <> 0"},
        decided,
    )
    insert_select(
        PanelDecision,
        {
            **common,
            "version": "2",
            "is_current": "true",
            "correction_reason": "'Corrected by the bench.'",
            "decided_at": "r.submitted_at + interval '20 days'",
        },
        decided + " AND r.id % 20 = 0",
    )


def _letters(users: BenchUsers) -> None:
    d = _q(PanelDecision._meta.db_table)
    sent = "d.decided_at + interval '3 days'"
    insert_select(
        ResponseLetter,
        {
            "review": "d.review_id",
            "decision": "d.id",
            "version": "1",
            "status": "CASE WHEN d.id % 10 = 0 THEN 'drafted' ELSE 'sent' END",
            "body": "'Dear partnership,\n\nThe Panel has considered your rapid review.'",
            "pdf": "CASE WHEN d.id % 10 = 0 THEN '' ELSE 'panel-letters/bench.pdf' END",
            "pdf_name": "CASE WHEN d.id % 10 = 0 THEN '' ELSE 'response-letter.pdf' END",
            "sha256": f"CASE WHEN d.id % 10 = 0 THEN '' ELSE '{'0' * 64}' END",
            "page_count": "CASE WHEN d.id % 10 = 0 THEN NULL ELSE 2 END",
            "created_by": str(users.secretariat.pk),
            "created_at": "d.decided_at + interval '1 day'",
            "updated_at": sent,
            "send_requested_by": (
                f"CASE WHEN d.id % 10 = 0 THEN NULL ELSE {users.secretariat.pk} END"
            ),
            "send_requested_at": f"CASE WHEN d.id % 10 = 0 THEN NULL ELSE {sent} END",
            "rendered_at": f"CASE WHEN d.id % 10 = 0 THEN NULL ELSE {sent} END",
            "sent_at": f"CASE WHEN d.id % 10 = 0 THEN NULL ELSE {sent} END",
        },
        f"{d} d WHERE d.is_current",
    )


def _lcsprs(users: BenchUsers) -> None:
    r = _q(RapidReview._meta.db_table)
    status = (
        "CASE WHEN r.submitted_at < now() - interval '300 days' THEN 'published' "
        "WHEN r.submitted_at < now() - interval '200 days' THEN 'final_report_sent' "
        "WHEN r.submitted_at < now() - interval '60 days' THEN 'in_progress' "
        "ELSE 'commissioned' END"
    )
    insert_select(
        Lcspr,
        {
            "rapid_review": "r.id",
            "partnership": "r.partnership_id",
            "status": status,
            "clock_started_on": "r.submitted_at::date",
            "due_date": "(r.submitted_at + interval '6 months')::date",
            "opened_at": "r.submitted_at",
            "opened_by": f"{users.partnership_lead.pk}",
            "opened_reason": "'The rapid review decided on an LCSPR.'",
            "started_at": "CASE WHEN r.submitted_at < now() - interval '60 days' "
            "THEN r.submitted_at + interval '30 days' END",
            "final_report_received_on": "CASE WHEN r.submitted_at < now() - interval '200 days' "
            "THEN (r.submitted_at + interval '170 days')::date END",
            "actual_publication_date": "CASE WHEN r.submitted_at < now() - interval '300 days' "
            "THEN (r.submitted_at + interval '190 days')::date END",
            "published_url": "CASE WHEN r.submitted_at < now() - interval '300 days' "
            "THEN 'https://example.org/lcspr/' || r.id ELSE '' END",
        },
        f"{r} r WHERE r.status = 'submitted' AND r.lcspr_decision = 'lcspr'",
    )


def _panel_stage() -> None:
    """Store each review's Panel stage (indexed state the Panel queue and home page read) the
    way every bulk loader does: one UPDATE over every review."""
    from panel.services import panel_stage_refresh

    panel_stage_refresh()
