"""Writing the records of a file of historic records: each row becomes a submitted SIN with
its child in focus, its submitted rapid review and the Panel's decision on it, as the service
would have recorded them, made by the account the import runs as."""

from __future__ import annotations

from typing import Any

from notifications import rules as sin_rules
from notifications.models import Notification, NotificationChild
from notifications.timescales import notification_on_time
from panel.models import PanelDecision
from panel.services import panel_stage_refresh
from rapidreviews import rules as review_rules
from rapidreviews.models import RapidReview, RapidReviewTheme
from rapidreviews.timescales import rapid_review_due_date, rapid_review_working_days_taken
from safeguarding.audit import audit_log
from safeguarding.codes import Role
from safeguarding.models import AuditAction, User
from safeguarding.workingdays import WorkingDayCalendar

from .bulk import rows_insert
from .parse import CODED_COLUMNS, SIN_CHILD_COLUMNS, Row, local_day

SYSTEM_USERNAME = "records-import"
CHILD_REFERENCE = "Child A"


def records_import_system_user() -> User:
    """The account historic imports run as when no one is named (the import_records command
    without --by): `records-import`, an administrator that cannot sign in (inactive, with no
    usable password), so that imported records and the audit trail say where they came from.
    Created the first time it is needed, and found after that."""
    user = User.objects.filter(username=SYSTEM_USERNAME).first()
    if user is None:
        user = User(
            username=SYSTEM_USERNAME,
            role=Role.ADMINISTRATOR,
            first_name="Historic records",
            last_name="import",
            is_active=False,
        )
        user.set_unusable_password()
        user.save()
        audit_log(
            actor=None,
            action=AuditAction.CREATE,
            obj=user,
            changes={"role": Role.ADMINISTRATOR},
            message="System account for imports of historic records",
        )
    return user


def records_create(
    rows: list[Row], *, references: list[str], by: User, calendar: WorkingDayCalendar
) -> list[int]:
    """A chunk of incidents, each: a submitted SIN with its child in focus; its submitted rapid
    review with its themes, when the row has one; and the Panel's decision on it, when given.
    Written with one insert per table (`rows_insert`), each row's values
    computed here as the services would compute them (working days, due dates, on time),
    with one calendar. `references` are the SINs' references, row by row. Returns the SINs' ids.

    No LCSPR is opened for a review that decided to hold one: an LCSPR opened now would be
    due 6 months after a review submitted years ago, overdue at once and chased by the
    deadline engine, although the historic review was most likely long published (or
    abandoned) outside the service. The partnership's decision stays on the review, where the
    statistics count it; a lead can still commission one with `lcspr_open_later`.

    No review is opened "not started" for a row without one: its 15 working days ran out long
    ago, so it would be overdue at once and chased by the deadline engine."""
    notification_ids = rows_insert(
        Notification,
        [
            _notification(row, reference=reference, by=by, calendar=calendar)
            for row, reference in zip(rows, references, strict=True)
        ],
    )
    rows_insert(
        NotificationChild,
        [_child(row, pk) for row, pk in zip(rows, notification_ids, strict=True)],
    )
    reviewed = [(row, pk) for row, pk in zip(rows, notification_ids, strict=True) if row.has_review]
    review_ids = rows_insert(
        RapidReview,
        [_review(row, pk, by=by, calendar=calendar) for row, pk in reviewed],
    )
    rows_insert(
        RapidReviewTheme,
        [
            {"review_id": review_id, "theme": theme, "present": present, "good_practice": good}
            for (row, _), review_id in zip(reviewed, review_ids, strict=True)
            for theme, (present, good) in row.themes.items()
        ],
    )
    rows_insert(
        PanelDecision,
        [
            _decision(row, review_id, by=by)
            for (row, _), review_id in zip(reviewed, review_ids, strict=True)
            if row.values["panel_decision"] is not None
        ],
    )
    # Imported reviews and decisions were inserted directly: store their Panel stage.
    panel_stage_refresh(reviews=review_ids)
    return notification_ids


def _notification(
    row: Row, *, reference: str, by: User, calendar: WorkingDayCalendar
) -> dict[str, Any]:
    """The submitted SIN, on time or late by the SIN's timescale."""
    values = row.values
    notified_on = local_day(values["notified_at"])
    days = sin_rules.working_days_taken(values["date_aware"], notified_on, calendar)
    return {
        "reference": reference,
        "status": str(Notification.Status.SUBMITTED),
        "local_authority_id": values["local_authority"].pk,
        "incident_date": values["incident_date"],
        "date_aware": values["date_aware"],
        "reason": values["reason"],
        "abuse_or_neglect": values["abuse_or_neglect"],
        "child_looked_after_death": row.child_looked_after_death,
        "imd_decile": values["imd_decile"],
        "imd_source": "entered" if values["imd_decile"] is not None else "",
        "notified_at": values["notified_at"],
        "working_days_to_notify": days,
        "notified_on_time": notification_on_time(days),
        "lateness_reason": "",  # historic data holds none (DOMAIN.md §6): not given
        "source": "import",
        "import_key": row.key,
        "imported_children_count": values["children_count"],
        "created_by_id": by.pk,
        "submitted_by_id": by.pk,
        # Issue 16's optional columns (blank: not known). The authority where it happened is
        # kept only for elsewhere in England, as the rules require.
        "incident_time": values["incident_time"],
        "incident_location": values["incident_location"] or "",
        "incident_local_authority_id": (
            values["incident_local_authority"].pk if values["incident_local_authority"] else None
        ),
        "incident_place_outside_england": values["incident_place_outside_england"] or "",
        "incident_setting": values["incident_setting"] or "",
        "incident_setting_other": values["incident_setting_other"] or "",
        "agencies_involved": values["agencies_involved"] or "",
        "police_involvement": values["police_involvement"] or "",
        "criminal_proceedings": values["criminal_proceedings"] or "",
        "media_interest": values["media_interest"] or "",
    }


def _child(row: Row, notification_id: int) -> dict[str, Any]:
    """The SIN's child in focus."""
    return {
        "notification_id": notification_id,
        "child_reference": CHILD_REFERENCE,
        "sex": row.values["sex"],
        "age_years": row.values["age_years"],
        "harm": row.values["reason"],
        "is_child_in_focus": True,
        # The statutory answers (issue 16), blank when the file leaves them out.
        **{
            name: row.values[column] or ""
            for column, name in SIN_CHILD_COLUMNS.items()
            if name != "home_local_authority"
        },
        "home_local_authority_id": (
            home.pk if (home := row.values["sin_home_local_authority"]) else None
        ),
    }


def _review(
    row: Row, notification_id: int, *, by: User, calendar: WorkingDayCalendar
) -> dict[str, Any]:
    """The submitted rapid review with its coded answers, its clock started when the SIN was
    submitted."""
    values = row.values
    notified_on = local_day(values["notified_at"])
    submitted_on = local_day(values["rr_submitted_at"])
    due = rapid_review_due_date(notified_on, calendar)
    answers = {name: values[name] if values[name] is not None else "" for name in CODED_COLUMNS}
    answers["age_years"] = values["age_years"]
    return dict(
        notification_id=notification_id,
        partnership_id=values["local_authority"].partnership_id,
        status=str(RapidReview.Status.SUBMITTED),
        clock_started_on=notified_on,
        due_date=due,
        original_due_date=due,
        lcspr_decision=values["lcspr_decision"] or "",
        document_page_count=values["page_count"],
        not_recorded_accepted=any(
            answers[name] in not_recorded
            for name, not_recorded in review_rules.NOT_RECORDED_ANSWERS.items()
        ),
        submitted_at=values["rr_submitted_at"],
        submitted_by_id=by.pk,
        working_days_taken=rapid_review_working_days_taken(notified_on, submitted_on, calendar),
        submitted_on_time=submitted_on <= due,
        **answers,
    )


def _decision(row: Row, review_id: int, *, by: User) -> dict[str, Any]:
    """The Panel's decision, version 1. Historic decisions hold no structured feedback: its
    answers are blank, "not recorded"."""
    return {
        "review_id": review_id,
        "version": 1,
        "is_current": True,
        "outcome": row.values["panel_decision"],
        "decided_by_id": by.pk,
        "decided_at": row.values["panel_decided_at"],
    }
