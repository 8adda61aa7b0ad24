"""The retention schedule (issue 12, item 6): what is anonymised or deleted, when, and the one
service that does it.

Each app declares its rules in its `retention.py`, registered here from its
`AppConfig.ready()` (the kernel never imports the apps). A rule names the records due at a
moment (a database filter, so that exactly what is due is chosen) and what is done to each:
warn, anonymise or delete. The kernel adds one rule of its own: audit entries older than
`RETENTION_AUDIT_YEARS` are deleted.

`retention_apply` is safe to run twice: each record is locked and asked again whether it is
still due before anything is done to it, and doing it makes it no longer due (an anonymised
case is marked, a deleted draft is gone, a warned draft records the warning). Every action is
one audit entry, written in the same transaction, naming the record by its reference and never
by a child's name. A dry run (`dry_run=True`) reports the same list and changes nothing.

The audit trail is append-only: a database trigger refuses UPDATE and DELETE (migration
0002). The one exception is here: `_audit_purge` sets the transaction-local flag
`safeguarding.audit_retention` that the trigger (migration 0008) lets delete rows, and only
rows older than the audit retention period are deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from .audit import audit_log
from .models import AuditAction, AuditEvent


class Action(models.TextChoices):
    WARN = "warn", "Warn"
    ANONYMISE = "anonymise", "Anonymise"
    DELETE = "delete", "Delete"


AUDIT_ACTIONS = {
    Action.WARN: AuditAction.RETENTION_WARNING,
    Action.ANONYMISE: AuditAction.ANONYMISE,
    Action.DELETE: AuditAction.DELETE,
}


@dataclass(frozen=True)
class RetentionRule:
    name: str
    action: Action
    description: str
    # The records due at a moment: a database filter over one model.
    due: Callable[[datetime], models.QuerySet]
    # Does it to one (locked) record; returns what the audit entry records (field names and
    # counts, never identifying values).
    apply: Callable[[models.Model, datetime], dict]
    # How the report and the audit name a record (a reference, never a child's name).
    label: Callable[[models.Model], str] = str


# Every registered rule in the order they run (warnings, then anonymisation, then deletion),
# filled by the apps' ready(); read, never assigned to, elsewhere.
RULES: list[RetentionRule] = []
_ORDER = {Action.WARN: 0, Action.ANONYMISE: 1, Action.DELETE: 2}


def register(*rules: RetentionRule) -> None:
    """Add an app's rules. Registering the same rule again changes nothing."""
    known = {rule.name: rule for rule in RULES}
    for rule in rules:
        if known.get(rule.name) not in (None, rule):
            raise ValueError(f"Two retention rules are called {rule.name}")
        known[rule.name] = rule
    RULES[:] = sorted(known.values(), key=lambda rule: _ORDER[rule.action])


def years_before(moment: datetime, years: int) -> datetime:
    """The same moment `years` earlier (29 February becomes 28 February)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def case_cutoff(now: datetime) -> date:
    """A case that closed before this day is due to be anonymised."""
    return years_before(now, settings.RETENTION_CASE_YEARS).date()


def audit_cutoff(now: datetime) -> datetime:
    """Audit entries written before this moment are due to be deleted."""
    return years_before(now, settings.RETENTION_AUDIT_YEARS)


@dataclass(frozen=True)
class Item:
    """One record the schedule acts on (or would, in a dry run)."""

    rule: str
    action: str
    model: str
    pk: int
    label: str


@dataclass
class RetentionReport:
    """What a run did, or a dry run would do: the records, and the expired audit entries."""

    now: datetime
    dry_run: bool
    items: list[Item] = field(default_factory=list)
    audit_cutoff: datetime | None = None
    audit_entries: int = 0

    @property
    def empty(self) -> bool:
        return not self.items and not self.audit_entries

    def count(self, action: str) -> int:
        return sum(1 for item in self.items if item.action == action)

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "warned": self.count(Action.WARN),
            "anonymised": self.count(Action.ANONYMISE),
            "deleted": self.count(Action.DELETE),
            "audit_entries_deleted": self.audit_entries,
        }


def _item(rule: RetentionRule, obj: models.Model) -> Item:
    return Item(rule.name, rule.action, obj._meta.label, obj.pk, rule.label(obj))


def _audit_purge_supported() -> bool:
    return connection.vendor == "postgresql"


def retention_plan(*, now: datetime | None = None) -> RetentionReport:
    """What the schedule would do at `now`, changing nothing (the dry run)."""
    now = now or timezone.now()
    report = RetentionReport(now=now, dry_run=True, audit_cutoff=audit_cutoff(now))
    for rule in RULES:
        report.items += [_item(rule, obj) for obj in rule.due(now).order_by("pk")]
    if _audit_purge_supported():
        report.audit_entries = AuditEvent.objects.filter(at__lt=report.audit_cutoff).count()
    return report


def _apply_one(
    rule: RetentionRule, model: type[models.Model], pk: int, now: datetime, by
) -> tuple[Item, dict] | None:
    with transaction.atomic():
        obj = model.objects.select_for_update().filter(pk=pk).first()
        # Asked again under the lock: a record edited, or done by another run, is left alone.
        if obj is None or not rule.due(now).filter(pk=pk).exists():
            return None
        item = _item(rule, obj)
        changes = rule.apply(obj, now) or {}
        if obj.pk is None:  # deleted: the entry still names the record it was
            obj.pk = pk
        audit_log(
            actor=by,
            action=AUDIT_ACTIONS[rule.action],
            obj=obj,
            changes={"rule": rule.name, **changes},
            message=f"Retention schedule: {rule.description}",
        )
        return item, changes


def _audit_purge(now: datetime, by) -> int:
    """Delete the audit entries older than the audit retention period: the one path allowed
    to delete from the append-only audit trail (see the module docstring)."""
    if not _audit_purge_supported():
        return 0
    cutoff = audit_cutoff(now)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL safeguarding.audit_retention = 'on'")
        expired = AuditEvent.objects.filter(at__lt=cutoff)
        first_last = expired.aggregate(first=models.Min("pk"), last=models.Max("pk"))
        deleted, _ = expired.delete()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL safeguarding.audit_retention = 'off'")
        if deleted:
            audit_log(
                actor=by,
                action=AuditAction.RETENTION_PURGE,
                changes={"deleted": deleted, "before": cutoff.isoformat(), **first_last},
                message=(
                    f"Retention schedule: {deleted} audit entries older than "
                    f"{settings.RETENTION_AUDIT_YEARS} years deleted"
                ),
            )
    return deleted


def retention_apply(
    *, now: datetime | None = None, by=None, dry_run: bool = False
) -> RetentionReport:
    """Apply the retention schedule at `now`: warn, anonymise and delete exactly what is due,
    one audit entry each, then delete expired audit entries. With `dry_run`, only report."""
    now = now or timezone.now()
    plan = retention_plan(now=now)
    if dry_run:
        return plan
    report = RetentionReport(now=now, dry_run=False, audit_cutoff=plan.audit_cutoff)
    rules = {rule.name: rule for rule in RULES}
    for planned in plan.items:
        rule = rules[planned.rule]
        model = rule.due(now).model
        done = _apply_one(rule, model, planned.pk, now, by)
        if done is not None:
            report.items.append(done[0])
    report.audit_entries = _audit_purge(now, by)
    if not report.empty or by is not None:
        audit_log(
            actor=by,
            action=AuditAction.RETENTION_RUN,
            changes=report.as_dict(),
            message="Retention schedule applied",
        )
    return report
