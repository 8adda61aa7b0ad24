"""One way to tell people (issue 11, item 2): named audiences and `notify`.

An `Audience` is the people told in the service (their inbox) and the addresses e-mailed.
Each named audience is the same whatever the event, so a partnership hears about its SIN,
its extension decisions, its reminders and its letters in the same places:

- `partnership_leads(partnership)`: the partnership's active leads, in the inbox and by e-mail,
  and the partnership's shared address (`Partnership.email`);
- `panel_secretariat()`: the active Panel secretariat, in the inbox and by e-mail, and the
  Panel's shared address (`settings.PANEL_INBOX_EMAIL`);
- `panel_members()`: the active Panel members, in the inbox only (the Panel's e-mail goes to
  its secretariat);
- `panel()`: both of the above;
- `authority_users(local_authority)`: the authority's active users, in the inbox and by e-mail.

`notify(audience, …)` puts the inbox messages in the current transaction and queues the e-mail
to leave after it commits; with a `dedupe_key`, each person and the e-mail get it once however
often the event is reported."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import models

from .codes import Role
from .email import Attachment, email_queue
from .models import LocalAuthority, OutboundEmail, Partnership, User
from .services import inbox_notify


@dataclass(frozen=True)
class Audience:
    """People told in the service and addresses e-mailed; add two to tell both."""

    people: tuple[User, ...] = ()
    emails: tuple[str, ...] = ()

    def __add__(self, other: Audience) -> Audience:
        seen = {user.pk for user in self.people}
        people = self.people + tuple(u for u in other.people if u.pk not in seen)
        emails = self.emails + tuple(e for e in other.emails if e not in self.emails)
        return Audience(people, emails)

    @property
    def usernames(self) -> list[str]:
        return sorted({user.username for user in self.people})


def _audience(people: Iterable[User], *shared: str, email_people: bool = True) -> Audience:
    people = tuple(people)
    personal = [user.email for user in people if email_people and user.email]
    emails = dict.fromkeys(address for address in [*personal, *shared] if address)
    return Audience(people, tuple(emails))


def partnership_leads(partnership: Partnership) -> Audience:
    """The partnership's active leads, and its shared address (`Partnership.email`)."""
    leads = User.objects.filter(
        role=Role.PARTNERSHIP_LEAD, partnership=partnership, is_active=True
    ).order_by("pk")
    return _audience(leads, partnership.email)


def panel_secretariat() -> Audience:
    """The active Panel secretariat, and the Panel's shared address (PANEL_INBOX_EMAIL)."""
    secretariat = User.objects.filter(role=Role.PANEL_SECRETARIAT, is_active=True).order_by("pk")
    return _audience(secretariat, settings.PANEL_INBOX_EMAIL)


def panel_members() -> Audience:
    """The active Panel members, in the service only: the Panel's e-mail goes to the
    secretariat, who run its casework."""
    members = User.objects.filter(role=Role.PANEL_MEMBER, is_active=True).order_by("pk")
    return _audience(members, email_people=False)


def panel() -> Audience:
    """The whole Panel: its secretariat and its members."""
    return panel_secretariat() + panel_members()


def authority_users(local_authority: LocalAuthority) -> Audience:
    """The local authority's active users."""
    users = User.objects.filter(
        role=Role.LA_USER, local_authority=local_authority, is_active=True
    ).order_by("pk")
    return _audience(users)


def notify(
    audience: Audience,
    *,
    subject: str,
    body: str,
    url: str,
    email_body: str | None = None,
    related: models.Model | None = None,
    dedupe_key: str | None = None,
    attachments: Iterable[Attachment] = (),
) -> OutboundEmail | None:
    """Tell an audience: an inbox message for each of its people now (in the caller's
    transaction) and one e-mail to its addresses after commit. The e-mail says `email_body`,
    or the inbox `body` and a link to `url`. With a `dedupe_key`, nobody is told twice.
    Returns the e-mail, or None when the audience has no address."""
    inbox_notify(
        recipients=audience.people, subject=subject, body=body, url=url, dedupe_key=dedupe_key
    )
    if not audience.emails:
        return None
    return email_queue(
        to=audience.emails,
        subject=subject,
        body=(
            email_body
            if email_body is not None
            else f"{body}\n\nSign in to see it: {settings.SITE_URL}{url}\n"
        ),
        related=related,
        dedupe_key=dedupe_key,
        attachments=attachments,
    )
