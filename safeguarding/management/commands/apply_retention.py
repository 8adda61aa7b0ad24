from django.core.management.base import BaseCommand

from safeguarding.retention import RetentionReport, retention_apply


def report_lines(report: RetentionReport) -> list[str]:
    verb = "Would" if report.dry_run else "Did"
    lines = [
        f"{verb} {item.action} {item.model} {item.pk} ({item.label}) [{item.rule}]"
        for item in report.items
    ]
    if report.audit_entries:
        lines.append(
            f"{verb} delete {report.audit_entries} audit entries written before "
            f"{report.audit_cutoff:%Y-%m-%d %H:%M}"
        )
    return lines or ["Nothing is due."]


class Command(BaseCommand):
    help = (
        "Apply the retention schedule now: warn about abandoned drafts, delete them when due, "
        "anonymise closed cases past their retention period and delete expired audit entries. "
        "With --dry-run, list what would be done and change nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="change nothing")

    def handle(self, *args, dry_run: bool, **options) -> None:
        for line in report_lines(retention_apply(dry_run=dry_run)):
            self.stdout.write(line)
