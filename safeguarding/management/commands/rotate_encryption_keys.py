from django.core.management.base import BaseCommand, CommandError

from safeguarding.rotation import BATCH_SIZE, encryption_keys_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field (children's names, dates of birth, placement "
        "postcodes) and every stored file under the first key of FIELD_ENCRYPTION_KEYS, and "
        "encrypt any still in plaintext. Run it after putting a new key first in the list; "
        "remove the old key only once it reports nothing unreadable. Safe to run again: "
        "values already under the first key are left alone."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument("--dry-run", action="store_true", help="Count; change nothing")

    def handle(self, *args, batch_size: int, dry_run: bool, **options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more")
        result = encryption_keys_rotate(batch_size=batch_size, dry_run=dry_run)
        verb = "Would rewrite" if dry_run else "Rewrote"
        self.stdout.write(
            f"{verb} {result.rewritten_values} values and {result.rewritten_files} files; "
            f"{result.current_values} values and {result.current_files} files were already "
            "under the newest key."
        )
        if result.unreadable:
            for where in result.unreadable:
                self.stderr.write(f"Unreadable with the configured keys: {where}")
            raise CommandError(
                f"{len(result.unreadable)} values or files could not be decrypted with any key "
                "in FIELD_ENCRYPTION_KEYS; do not remove an old key until they are resolved."
            )
