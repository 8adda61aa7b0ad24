"""Make an API token for a user (for a local authority's case-management system), named for
the system that will use it. The token is printed once, on standard output, and never again:
only a digest of it is stored. It expires after API_TOKEN_DAYS; administrators see and revoke
tokens in the admin under *API tokens*."""

from django.core.management.base import BaseCommand, CommandError

from safeguarding.api_tokens import ApiTokenRefused, api_token_create
from safeguarding.models import User


class Command(BaseCommand):
    help = "Make a new API token for USERNAME, named NAME, and print it (once)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--name", required=True, help="What the token is for, e.g. the system using it"
        )

    def handle(self, *args, username: str, name: str, **options) -> None:
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as exc:
            raise CommandError(f"There is no user called {username!r}") from exc
        try:
            token, raw = api_token_create(
                user=user, name=name, by_name="manage.py create_api_token"
            )
        except ApiTokenRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(raw)
        # On standard error, so that TOKEN=$(manage.py create_api_token ...) holds the token.
        self.stderr.write(
            f"API token {token.name!r} for {user.username} expires on "
            f"{token.expiry:%-d %B %Y}. It is shown only this once: keep it somewhere safe."
        )
