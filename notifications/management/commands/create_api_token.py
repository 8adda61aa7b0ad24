"""Print a user's API token, creating it on first use (for a local authority's case-management
system). Running it again prints the same token; administrators can also create and revoke
tokens in the admin under *Auth Token*."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token

from safeguarding.audit import audit_log
from safeguarding.models import AuditAction, User


class Command(BaseCommand):
    help = "Print the API token of USERNAME, creating one if the user has none."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    @transaction.atomic
    def handle(self, *args, username: str, **options) -> None:
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as exc:
            raise CommandError(f"There is no user called {username!r}") from exc
        if not user.is_active:
            raise CommandError(f"{username} is not active: an inactive user cannot use the API")
        token, created = Token.objects.get_or_create(user=user)
        if created:
            # The key is a secret: the audit trail records whose token it is, not the key.
            audit_log(
                actor=None,
                actor_username="manage.py create_api_token",
                action=AuditAction.CREATE,
                obj=user,
                message="API token created",
            )
        self.stdout.write(token.key)
