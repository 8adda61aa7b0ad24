"""Shared kernel data: reference data (regions, local authorities, partnerships, census
shares), people and their roles, and the append-only audit trail."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.crypto import salted_hmac
from knox.models import AbstractAuthToken

from .codes import (
    NATIONAL_ROLES,
    PANEL_ORGANISATION_NAME,
    REGULATOR_ORGANISATION_NAMES,
    ROLES_WITHOUT_ORGANISATION,
    RegionCode,
    Role,
)


class Region(models.Model):
    code = models.CharField(max_length=40, unique=True, choices=RegionCode.choices)
    name = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RegionPopulation(models.Model):
    """Mid-year estimate of the number of children aged 0-17 in a region (Appendix D Table A)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="populations")
    year = models.PositiveSmallIntegerField(help_text="Year of the mid-year estimate, e.g. 2023")
    children = models.PositiveIntegerField(help_text="Children aged 0 to 17")
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["region__name", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="unique_region_population"),
            models.CheckConstraint(condition=Q(children__gt=0), name="region_population_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.region} mid-{self.year}: {self.children:,}"


class Partnership(models.Model):
    """A local safeguarding children partnership; it may cover several local authorities."""

    code = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200, unique=True)
    email = models.EmailField(blank=True, help_text="Shared inbox for the Panel's letters")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LocalAuthority(models.Model):
    """An upper-tier local authority of England (children's services authority)."""

    ons_code = models.CharField("ONS code", max_length=9, unique=True)
    dfe_code = models.CharField("DfE LA code", max_length=3, unique=True)
    name = models.CharField(max_length=120, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="local_authorities")
    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="local_authorities"
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self) -> str:
        return self.name


class PartnershipChange(models.Model):
    """One change of partnerships made by an administrator: a local authority moved to another
    partnership, or every authority of one partnership merged into another. Each authority
    moved is an `AuthorityMove` of the change (`safeguarding.moves` applies it)."""

    class Kind(models.TextChoices):
        MOVE = "move", "Local authority moved"
        MERGE = "merge", "Partnerships merged"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    from_partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="changes_from"
    )
    to_partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="changes_to"
    )
    effective_on = models.DateField("effective date")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_partnership=models.F("to_partnership")),
                name="partnership_change_to_another_partnership",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.from_partnership} to {self.to_partnership}"


class AuthorityMove(models.Model):
    """A local authority's move from one partnership to another, with the open cases that
    moved with it (`carried`: {"rapid_reviews": ["SIN-…"], …}, the apps' own keys)."""

    change = models.ForeignKey(PartnershipChange, on_delete=models.PROTECT, related_name="moves")
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, related_name="moves"
    )
    from_partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    to_partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    carried = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-change__at", "-id"]

    def __str__(self) -> str:
        return f"{self.local_authority}: {self.from_partnership} to {self.to_partnership}"


class CensusEthnicityShare(models.Model):
    """Share of children aged 0-17 in England by ethnicity, Census 2021 (report Table 1)."""

    code = models.CharField(
        max_length=40, help_text="An ethnicity code, or an ethnic group code when is_group"
    )
    is_group = models.BooleanField(default=False)
    census_year = models.PositiveSmallIntegerField(default=2021)
    percentage = models.DecimalField(max_digits=4, decimal_places=1)

    class Meta:
        ordering = ["census_year", "is_group", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["census_year", "is_group", "code"], name="unique_census_share"
            ),
            models.CheckConstraint(
                condition=Q(percentage__gte=0, percentage__lte=100),
                name="census_share_is_percentage",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.census_year}): {self.percentage}%"


class User(AbstractUser):
    """A person using the service. Each has one role and belongs to one organisation: a local
    authority (la_user), a partnership (partnership_lead), the Panel (national roles), or the
    Department for Education or Ofsted (their read-only viewers)."""

    role = models.CharField(max_length=30, choices=Role.choices)
    local_authority = models.ForeignKey(
        LocalAuthority, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    # Mixed into the session hash: changing it ends every session the person has signed in
    # with (Django signs out a session whose stored hash no longer matches). Sign-out bumps it.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)
    # An approver manages the people of their own organisation (safeguarding.people): only
    # local authority users and partnership leads can be one.
    is_approver = models.BooleanField(
        "approver",
        default=False,
        help_text="Manages the people of their own local authority or partnership",
    )
    # Invited and not yet accepted: the account cannot sign in (is_active is False) until the
    # person chooses a password through their invitation's link (safeguarding.invitations).
    is_invited = models.BooleanField("invited", default=False, editable=False)
    # Raised by each change made on the team pages, so that two people changing the same
    # account at once cannot silently overwrite each other.
    version = models.PositiveIntegerField(default=0, editable=False)
    # Leavers (safeguarding.lapses): when the account was last reactivated (its clock of use
    # restarts then), and the warning that it will lapse: when it was sent and the day the
    # account is deactivated unless used before. A complete sign-in (`last_verified_at`: the
    # second factor passed, unlike `last_login`, which Django sets after the password alone)
    # is use, and clears the warning.
    last_verified_at = models.DateTimeField(
        "last complete sign-in", null=True, blank=True, editable=False
    )
    reactivated_at = models.DateTimeField("reactivated", null=True, blank=True, editable=False)
    lapse_warned_at = models.DateTimeField("warned of lapse", null=True, blank=True, editable=False)
    lapses_on = models.DateField("lapses on", null=True, blank=True, editable=False)

    REQUIRED_FIELDS = ["email", "role"]

    class Meta:
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                name="user_organisation_matches_role",
                condition=(
                    Q(role=Role.LA_USER, local_authority__isnull=False, partnership__isnull=True)
                    | Q(
                        role=Role.PARTNERSHIP_LEAD,
                        partnership__isnull=False,
                        local_authority__isnull=True,
                    )
                    | Q(
                        role__in=sorted(ROLES_WITHOUT_ORGANISATION),
                        local_authority__isnull=True,
                        partnership__isnull=True,
                    )
                ),
                violation_error_message=(
                    "A local authority user needs a local authority, a partnership lead needs "
                    "a partnership, and Panel roles, administrators and DfE and Ofsted viewers "
                    "need neither."
                ),
            ),
            models.CheckConstraint(
                name="user_approver_of_an_organisation",
                condition=Q(is_approver=False) | Q(role__in=[Role.LA_USER, Role.PARTNERSHIP_LEAD]),
                violation_error_message=(
                    "Only a local authority user or a partnership lead can be an approver."
                ),
            ),
        ]

    def _get_session_auth_hash(self, secret=None) -> str:
        key_salt = "safeguarding.User.get_session_auth_hash"
        return salted_hmac(
            key_salt, f"{self.password}:{self.session_epoch}", secret=secret, algorithm="sha256"
        ).hexdigest()

    @property
    def organisation(self) -> LocalAuthority | Partnership | str:
        if self.role == Role.LA_USER:
            return self.local_authority
        if self.role == Role.PARTNERSHIP_LEAD:
            return self.partnership
        return REGULATOR_ORGANISATION_NAMES.get(self.role, PANEL_ORGANISATION_NAME)

    @property
    def is_national(self) -> bool:
        return self.role in NATIONAL_ROLES

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR or self.is_superuser

    @property
    def status(self) -> str:
        """Invited, active or deactivated (`PersonStatus`)."""
        if self.is_invited:
            return PersonStatus.INVITED
        return PersonStatus.ACTIVE if self.is_active else PersonStatus.DEACTIVATED

    def get_status_display(self) -> str:
        return str(PersonStatus(self.status).label)


class PersonStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    ACTIVE = "active", "Active"
    DEACTIVATED = "deactivated", "Deactivated"
    # Active, and warned that the account lapses (is deactivated) unless used: a filter only,
    # since these people are active too (`User.status` says so).
    LAPSING = "lapsing", "About to lapse"

    @classmethod
    def q(cls, status: str) -> Q:
        """The people of a status, as a filter."""
        return {
            cls.INVITED: Q(is_invited=True),
            cls.ACTIVE: Q(is_invited=False, is_active=True),
            cls.DEACTIVATED: Q(is_invited=False, is_active=False),
            cls.LAPSING: Q(is_invited=False, is_active=True, lapses_on__isnull=False),
        }[cls(status)]


class AuditAction(models.TextChoices):
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    DELETE = "delete", "Deleted"
    VIEW = "view", "Viewed"
    LIST = "list", "Listed"
    EXPORT = "export", "Exported"
    SUBMIT = "submit", "Submitted"
    LOGIN = "login", "Signed in"
    LOGOUT = "logout", "Signed out"
    LOGIN_FAILED = "login_failed", "Failed sign-in"
    PASSWORD_RESET = "password_reset", "Password reset"
    REMINDER = "reminder", "Reminder sent"
    # The retention schedule (safeguarding/retention.py).
    RETENTION_WARNING = "retention_warning", "Retention warning sent"
    ANONYMISE = "anonymise", "Anonymised"
    RETENTION_PURGE = "retention_purge", "Expired audit entries deleted"
    RETENTION_RUN = "retention_run", "Retention schedule applied"
    LOCKED_OUT = "locked_out", "Locked out"
    LOCKOUT_LIFTED = "lockout_lifted", "Lockout lifted"
    # The second factor (safeguarding.second_factor).
    SECOND_FACTOR_SET_UP = "second_factor_set_up", "Second factor set up"
    SECOND_FACTOR_VERIFIED = "second_factor_verified", "Second factor verified"
    SECOND_FACTOR_FAILED = "second_factor_failed", "Wrong second-factor code"
    RECOVERY_CODE_USED = "recovery_code_used", "Recovery code used"
    RECOVERY_CODES_CREATED = "recovery_codes_created", "Recovery codes created"
    SECOND_FACTOR_RESET = "second_factor_reset", "Second factor reset"
    # People and their accounts (safeguarding.people, safeguarding.invitations).
    INVITE = "invite", "Invited"
    INVITATION_ACCEPTED = "invitation_accepted", "Invitation accepted"
    INVITATION_CANCELLED = "invitation_cancelled", "Invitation cancelled"
    DEACTIVATE = "deactivate", "Deactivated"
    REACTIVATE = "reactivate", "Reactivated"
    LAPSE_WARNING = "lapse_warning", "Warned of deactivation when unused"


class AuditEvent(models.Model):
    """Append-only record of who did what to which object, when and from where.

    Rows are never updated or deleted: the service layer only inserts, the admin is read-only,
    and a database trigger rejects UPDATE and DELETE (migration 0002). The one exception: the
    retention schedule deletes entries older than RETENTION_AUDIT_YEARS (migration 0008,
    `safeguarding.retention`).
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        # Users are deactivated, not deleted; were one deleted, its events keep the id and name.
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=30, choices=AuditAction.choices, db_index=True)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    request_path = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self) -> str:
        who = self.actor_username or "anonymous"
        what = f" {self.object_repr}" if self.object_repr else ""
        return f"{self.at:%Y-%m-%d %H:%M} {who} {self.get_action_display().lower()}{what}"


class SecretLink(models.TextChoices):
    """Links that open an account: stored as a placeholder, made afresh when the e-mail is sent
    (safeguarding.email), so the e-mail log never holds one readable."""

    PASSWORD_RESET = "password_reset", "Password reset link"
    INVITATION = "invitation", "Invitation link"


class OutboundEmail(models.Model):
    """Every e-mail the service sends, recorded before it is sent: queued inside the
    transaction of the change it reports, handed to a worker after commit, and marked sent.
    A `dedupe_key` makes a send happen once however often it is asked for."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed, will retry"

    created_at = models.DateTimeField(auto_now_add=True)
    to = models.JSONField(help_text="List of addresses")
    subject = models.CharField(max_length=300)
    body = models.TextField()
    attachments = models.JSONField(
        default=list, blank=True, help_text="Stored files: filename, content_type, path"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    secret_link = models.CharField(
        max_length=30,
        choices=SecretLink.choices,
        blank=True,
        help_text="A secret link put into the message when it is sent, never stored",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.subject} to {', '.join(self.to)} ({self.get_status_display().lower()})"


class PostcodeImdDecile(models.Model):
    """The Index of Multiple Deprivation decile of a postcode's area: 1 is the most deprived
    10% of England, 10 the least. Loaded from the national lookup file by
    `imd_deciles_import`; a child's decile is read from their placement postcode."""

    postcode = models.CharField(max_length=8, unique=True, help_text="Normalised, e.g. LS1 4AP")
    decile = models.PositiveSmallIntegerField("IMD decile")
    source = models.CharField(max_length=200, blank=True)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["postcode"]
        verbose_name = "postcode IMD decile"
        constraints = [
            models.CheckConstraint(
                condition=Q(decile__gte=1, decile__lte=10), name="imd_decile_1_to_10"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.postcode}: IMD decile {self.decile}"


class InboxMessage(models.Model):
    """A notification shown to one person in the service ("Notifications"), usually alongside
    an e-mail about the same thing. A `dedupe_key` makes it arrive once per person however
    often it is sent."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_messages"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True, help_text="Where it links, e.g. the case")
    read_at = models.DateTimeField(null=True, blank=True)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], name="unique_inbox_message_dedupe_key"
            ),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.subject} to {self.recipient}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class OneOffHoliday(models.Model):
    """A bank holiday in England that an administrator adds before the `holidays` package knows
    of it (a newly announced one-off day, say). Working days skip it like any bank holiday, and
    due dates still running move when one is added or removed (`safeguarding.deadlines`)."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=100, help_text="For example, State funeral")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = "one-off bank holiday"

    def __str__(self) -> str:
        return f"{self.name} ({self.date:%-d %B %Y})"


class RegulatorDigest(models.Model):
    """One daily e-mail of new SINs sent to a Department for Education or Ofsted viewer
    (notifications.regulator_digest): the SINs submitted after `since` up to `until`, by
    reference. One a day per person (the unique constraint makes a re-run, a retry or a second
    worker send nothing); the next digest starts from this one's `until`. No digest is
    recorded (or sent) on a day without new SINs."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="regulator_digests"
    )
    sent_on = models.DateField()
    since = models.DateTimeField()
    until = models.DateTimeField()
    references = models.JSONField(default=list, help_text="The SINs' references")
    email = models.ForeignKey(
        OutboundEmail, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "sent_on"], name="one_regulator_digest_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"Digest of {len(self.references)} SINs for {self.recipient} on {self.sent_on}"


class Reminder(models.Model):
    """A reminder or escalation the deadline engine sent: one per object, rule, due date and
    repeat. The unique constraint is what makes it exactly once: a sweep run twice, two
    workers at once or a retry after a crash all try to insert the same row, and only the
    first commits; its inbox messages and e-mail are written in the same transaction."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField("about", max_length=200)
    rule = models.CharField(max_length=60, db_index=True)
    due_date = models.DateField(help_text="The deadline the reminder is about")
    repeat = models.PositiveSmallIntegerField(
        default=0, help_text="0 for a one-off; the week for a weekly repeat (1, 2, …)"
    )
    as_of = models.DateField(help_text="The day of the sweep that sent it")
    sent_at = models.DateTimeField(auto_now_add=True, db_index=True)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    url = models.CharField(max_length=300, blank=True)
    recipients = models.JSONField(default=list, help_text="Usernames told in the service")
    emailed_to = models.JSONField(default=list, help_text="E-mail addresses")

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "rule", "due_date", "repeat"],
                name="reminder_once_per_object_rule_due_date",
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.subject} ({self.as_of:%-d %B %Y})"


class ApiToken(AbstractAuthToken):
    """An API token of a case-management system (django-rest-knox, settings.KNOX_TOKEN_MODEL).
    Only a SHA-512 digest of the token is stored; the token itself is shown once, when it is
    made (`safeguarding.api_tokens.api_token_create`). Expires after settings.API_TOKEN_DAYS and
    is deleted when its owner's password changes or the account is deactivated."""

    name = models.CharField(max_length=100, help_text="What the token is for, e.g. the system")
    # When the API last accepted it (to the minute: safeguarding.api.throttling).
    last_used_at = models.DateTimeField("last used", null=True, blank=True)

    class Meta:
        verbose_name = "API token"
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"


class SecondFactorLock(models.Model):
    """Consecutive wrong second-factor codes of one account (safeguarding.lockout): at
    settings.AXES_FAILURE_LIMIT the account is locked until `locked_until`."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="second_factor_lock"
    )
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.failures} wrong codes"


class Invitation(models.Model):
    """A single-use link for an invited person to choose their password and so open their
    account. Only a SHA-256 digest of the link's token is stored; the token is made when the
    e-mail is sent (safeguarding.email), so neither the database nor the e-mail log holds it.
    A resend replaces the invitation (the old link stops working)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    token_digest = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    # Cancelled, or replaced by a newer invitation (a resend).
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Invitation of {self.user} ({self.created_at:%Y-%m-%d})"

    def is_open(self, now) -> bool:
        return self.accepted_at is None and self.withdrawn_at is None and now < self.expires_at


class EmailDomain(models.Model):
    """A work e-mail domain of a local authority or a partnership, e.g. `leeds.gov.uk`. When an
    organisation has domains, its invitations and requests for an account must use an address
    at one of them or at one of their subdomains (`safeguarding.email_domains`); an
    organisation without any accepts any address. Administrators edit them on the
    organisation's page."""

    local_authority = models.ForeignKey(
        LocalAuthority,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="email_domains",
    )
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.CASCADE, related_name="email_domains"
    )
    # Lower case, without the "@".
    domain = models.CharField(max_length=253)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.CheckConstraint(
                name="email_domain_of_one_organisation",
                condition=Q(local_authority__isnull=False, partnership__isnull=True)
                | Q(local_authority__isnull=True, partnership__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["local_authority", "domain"],
                condition=Q(local_authority__isnull=False),
                name="unique_local_authority_email_domain",
            ),
            models.UniqueConstraint(
                fields=["partnership", "domain"],
                condition=Q(partnership__isnull=False),
                name="unique_partnership_email_domain",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.domain} ({self.local_authority or self.partnership})"


class AccountRequest(models.Model):
    """Someone asking for an account (the public "Ask for an account" page), for the role of a
    local authority or a partnership. The organisation's approvers (or, when it has none, the
    administrators) approve it, which invites the person, or reject it with a reason, which is
    e-mailed to them (`safeguarding.account_requests`)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    email = models.EmailField(max_length=254)
    role = models.CharField(max_length=30, choices=Role.choices)
    local_authority = models.ForeignKey(
        LocalAuthority, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reason = models.TextField(blank=True)
    # The account the approval made (its invitation).
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Raised by the decision, so that two approvers deciding at once cannot both decide.
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="account_request_organisation_matches_role",
                condition=Q(
                    role=Role.LA_USER, local_authority__isnull=False, partnership__isnull=True
                )
                | Q(
                    role=Role.PARTNERSHIP_LEAD,
                    partnership__isnull=False,
                    local_authority__isnull=True,
                ),
            ),
            models.CheckConstraint(
                name="account_request_decided_when_not_pending",
                condition=Q(status="pending", decided_at__isnull=True)
                | Q(~Q(status="pending"), decided_at__isnull=False),
            ),
            # One request waiting per address: asking again changes nothing.
            models.UniqueConstraint(
                Lower("email"),
                condition=Q(status="pending"),
                name="unique_pending_account_request_email",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "local_authority"]),
            models.Index(fields=["status", "partnership"]),
        ]

    def __str__(self) -> str:
        return f"Account request {self.pk}: {self.first_name} {self.last_name}"

    @property
    def organisation(self) -> LocalAuthority | Partnership | None:
        return self.local_authority if self.role == Role.LA_USER else self.partnership

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class PreparedDocument(models.Model):
    """A document someone asked for that a worker makes (safeguarding.documents): a Panel
    meeting's agenda pack, a case's whole file. Only its requester sees it, and the file is
    deleted by the retention schedule PREPARED_DOCUMENT_KEEP_HOURS after it was asked for."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Being prepared"
        RENDERING = "rendering", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=50)
    # The primary key of the record the document is about, read through the kind's selector.
    subject_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="prepared_documents"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(upload_to="prepared/%Y/%m/", blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)

    CLAIMABLE = (Status.QUEUED, Status.FAILED)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "kind", "subject_id"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RENDERING)
