from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.html import format_html
from knox.models import AuthToken as KnoxAuthToken

from . import policy
from .audit import audit_log
from .deadlines.engine import due_dates_moved_summary, due_dates_recompute
from .forms import ImdImportForm
from .lockout import lockout_lift
from .models import (
    AccountRequest,
    ApiToken,
    AuditAction,
    AuditEvent,
    AuthorityMove,
    CensusEthnicityShare,
    EmailDomain,
    LocalAuthority,
    OneOffHoliday,
    OutboundEmail,
    Partnership,
    PartnershipChange,
    PostcodeImdDecile,
    Region,
    RegionPopulation,
    Reminder,
    User,
)
from .postcodes import is_valid_postcode, normalise_postcode
from .second_factor import second_factor_reset
from .services import ImdImportError, imd_deciles_import


class AuditedAdmin(admin.ModelAdmin):
    """Records every change made through the admin in the audit trail."""

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        changed = {name: str(form.cleaned_data.get(name)) for name in form.changed_data}
        changed.pop("password", None)
        changed.pop("password1", None)
        changed.pop("password2", None)
        audit_log(
            actor=request.user,
            action=AuditAction.UPDATE if change else AuditAction.CREATE,
            obj=obj,
            changes=changed,
            message="Changed in the admin" if change else "Added in the admin",
        )

    def delete_model(self, request: HttpRequest, obj) -> None:
        audit_log(actor=request.user, action=AuditAction.DELETE, obj=obj, message="In the admin")
        super().delete_model(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records nobody edits by hand (the audit trail, reminders sent, statistics
    snapshots): every field shown, nothing added, changed or deleted."""

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class RegionPopulationInline(admin.TabularInline):
    model = RegionPopulation
    extra = 1


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["name", "code"]
    readonly_fields = ["code"]
    inlines = [RegionPopulationInline]


@admin.register(RegionPopulation)
class RegionPopulationAdmin(AuditedAdmin):
    list_display = ["region", "year", "children", "source"]
    list_filter = ["year", "region"]
    list_editable = ["children"]


class LocalAuthorityInline(admin.TabularInline):
    model = LocalAuthority
    fields = ["name", "ons_code", "region"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Partnership)
class PartnershipAdmin(AuditedAdmin):
    list_display = ["name", "code", "email"]
    search_fields = ["name", "code"]
    inlines = [LocalAuthorityInline]


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(AuditedAdmin):
    list_display = ["name", "ons_code", "dfe_code", "region", "partnership"]
    list_filter = ["region"]
    search_fields = ["name", "ons_code", "dfe_code"]
    autocomplete_fields = ["partnership"]

    def get_readonly_fields(self, request, obj=None):
        # Moving an authority here would strand its open cases: the service's "Move to another
        # partnership" page carries them (safeguarding.moves).
        return ["partnership"] if obj is not None else []


@admin.register(CensusEthnicityShare)
class CensusEthnicityShareAdmin(AuditedAdmin):
    list_display = ["code", "is_group", "census_year", "percentage"]
    list_filter = ["census_year", "is_group"]


@admin.register(PostcodeImdDecile)
class PostcodeImdDecileAdmin(admin.ModelAdmin):
    """Read-only rows, replaced as a whole by "Import from CSV" (or the import_imd_deciles
    command), which the admin site lets only administrators reach."""

    list_display = ["postcode", "decile", "source", "loaded_at"]
    list_filter = ["decile"]
    search_fields = ["^postcode"]
    search_help_text = "A full postcode, or the start of one"
    # About 1.7 million rows: skip the second COUNT(*) of the whole table on each page.
    show_full_result_count = False

    def get_search_results(self, request: HttpRequest, queryset, search_term: str):
        if is_valid_postcode(search_term):
            # "ls14ap" finds "LS1 4AP" through the unique index.
            return queryset.filter(postcode=normalise_postcode(search_term)), False
        return super().get_search_results(request, queryset, search_term)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        opts = self.model._meta
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name=f"{opts.app_label}_{opts.model_name}_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        form = ImdImportForm(request.POST or None, request.FILES or None)
        errors: list[str] = []
        more_errors = 0
        if request.method == "POST" and form.is_valid():
            try:
                result = imd_deciles_import(
                    file=form.cleaned_data["file"],
                    by=request.user,
                    source=form.cleaned_data["source"],
                )
            except ImdImportError as exc:
                errors, more_errors = exc.errors, exc.total - len(exc.errors)
            else:
                self.message_user(
                    request,
                    f"Imported {result.rows:,} postcodes: {result.created:,} new, "
                    f"{result.updated:,} updated.",
                    messages.SUCCESS,
                )
                return redirect("admin:safeguarding_postcodeimddecile_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import IMD deciles from CSV",
            "form": form,
            "errors": errors,
            "more_errors": more_errors,
        }
        return TemplateResponse(
            request, "admin/safeguarding/postcodeimddecile/import.html", context
        )


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    list_display = ["username", "email", "role", "organisation", "is_active", "last_login"]
    list_filter = ["role", "is_approver", "is_active", "local_authority__region"]
    search_fields = ["username", "email", "first_name", "last_name"]
    autocomplete_fields = ["local_authority", "partnership"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("Personal details", {"fields": ["first_name", "last_name", "email"]}),
        (
            "Role and organisation",
            {"fields": ["role", "local_authority", "partnership", "is_approver"]},
        ),
        ("Access", {"fields": ["is_active"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "email",
                    "role",
                    "local_authority",
                    "partnership",
                    "password1",
                    "password2",
                ],
            },
        )
    ]
    readonly_fields = ["last_login", "date_joined"]
    actions = ["lift_lockout", "reset_second_factor"]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # People leave by being deactivated, so that their history stays attributable.
        return False

    def has_lift_lockout_permission(self, request: HttpRequest) -> bool:
        return policy.can_lift_lockout(request.user)

    @admin.action(description="Lift sign-in lockout", permissions=["lift_lockout"])
    def lift_lockout(self, request: HttpRequest, queryset) -> None:
        """Ends the chosen people's sign-in and second-factor lockouts (each audited)."""
        people = list(queryset)
        for person in people:
            lockout_lift(user=person, by=request.user)
        self.message_user(
            request,
            f"Lockout lifted for {', '.join(p.get_username() for p in people)}. They can sign "
            "in again now.",
            messages.SUCCESS,
        )

    @admin.action(description="Reset second factor (they set up a new authenticator app)")
    def reset_second_factor(self, request: HttpRequest, queryset) -> None:
        if not policy.can_reset_second_factor(request.user):
            self.message_user(request, "You cannot reset second factors.", messages.ERROR)
            return
        people = list(queryset)
        for person in people:
            second_factor_reset(user=person, by=request.user)
        self.message_user(
            request,
            f"Reset the second factor of {len(people)} person(s): each sets up an "
            "authenticator app at their next sign-in.",
            messages.SUCCESS,
        )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """API tokens without their secrets: only a digest is stored, and not shown. Tokens are
    made with `manage.py create_api_token` (shown once); deleting one here revokes it."""

    list_display = ["name", "user", "created", "expiry"]
    search_fields = ["name", "user__username"]
    fields = ["name", "user", "created", "expiry"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: ApiToken) -> None:
        audit_log(
            actor=request.user,
            action=AuditAction.DELETE,
            obj=obj.user,
            message=f"API token {obj.name!r} revoked in the admin",
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_username", "action", "object_repr", "ip_address"]
    list_filter = ["action", "content_type"]
    search_fields = ["actor_username", "object_repr", "object_id", "message"]
    date_hierarchy = "at"


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "subject", "recipients", "status", "attempts", "sent_at"]
    list_filter = ["status"]
    search_fields = ["subject", "to", "dedupe_key"]
    date_hierarchy = "created_at"

    @admin.display(description="To")
    def recipients(self, obj: OutboundEmail) -> str:
        return ", ".join(obj.to)

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(OneOffHoliday)
class OneOffHolidayAdmin(AuditedAdmin):
    """Bank holidays the `holidays` package does not know yet. Adding, changing or removing one
    moves the due dates still running (the rapid reviews'), at once, with the change in each
    case's history."""

    list_display = ["date", "name", "added_by", "added_at"]
    fields = ["date", "name"]
    date_hierarchy = "date"

    def save_model(self, request: HttpRequest, obj: OneOffHoliday, form, change: bool) -> None:
        if not change:
            obj.added_by = request.user
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            moved = due_dates_recompute(
                reason=f"{obj} was {'changed' if change else 'added'} as a bank holiday",
                by=request.user,
            )
        self._report(request, moved)

    def delete_model(self, request: HttpRequest, obj: OneOffHoliday) -> None:
        with transaction.atomic():
            super().delete_model(request, obj)
            moved = due_dates_recompute(
                reason=f"{obj} was removed as a bank holiday", by=request.user
            )
        self._report(request, moved)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    def _report(self, request: HttpRequest, moved: list) -> None:
        if moved:
            self.message_user(
                request, f"Due dates moved for {due_dates_moved_summary(moved)}.", messages.WARNING
            )
        else:
            self.message_user(request, "No running due date had to move.", messages.INFO)


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    """Every reminder and escalation the deadline engine sent: read-only."""

    list_display = ["sent_at", "subject", "rule", "due_date", "repeat", "told", "case_link"]
    list_filter = ["rule", "as_of", "content_type"]
    search_fields = ["subject", "object_repr", "recipients", "emailed_to"]
    date_hierarchy = "sent_at"

    @admin.display(description="People told")
    def told(self, obj: Reminder) -> int:
        return len(obj.recipients)

    @admin.display(description="Case")
    def case_link(self, obj: Reminder) -> str:
        return format_html('<a href="{}">{}</a>', obj.url, obj.object_repr) if obj.url else "-"


class AuthorityMoveInline(admin.TabularInline):
    model = AuthorityMove
    fields = ["local_authority", "from_partnership", "to_partnership", "carried"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(PartnershipChange)
class PartnershipChangeAdmin(ReadOnlyAdmin):
    """Partnership changes made on the service's pages (safeguarding.moves): read-only."""

    list_display = ["at", "kind", "from_partnership", "to_partnership", "effective_on", "by"]
    list_filter = ["kind"]
    inlines = [AuthorityMoveInline]


@admin.register(EmailDomain)
class EmailDomainAdmin(ReadOnlyAdmin):
    """Organisations' work e-mail domains, edited on the organisation's page: read-only."""

    list_display = ["domain", "local_authority", "partnership", "created_at", "created_by"]
    search_fields = ["domain"]


@admin.register(AccountRequest)
class AccountRequestAdmin(ReadOnlyAdmin):
    """Requests for an account, decided on the team pages: read-only."""

    list_display = ["created_at", "first_name", "last_name", "role", "status", "decided_by"]
    list_filter = ["status", "role"]


# Knox's own token model is swapped for ApiToken (settings.KNOX_TOKEN_MODEL): its admin, which
# would show digests and read a table that is not used, is taken away.
if admin.site.is_registered(KnoxAuthToken):
    admin.site.unregister(KnoxAuthToken)
