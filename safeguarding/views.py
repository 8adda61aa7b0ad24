import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import forms, policy
from .access_history import access_history_csv, access_history_filename
from .attention import attention_for
from .audit import audit_log
from .email_domains import email_domains_of
from .filter_forms import InboxFilterForm, filtered_list
from .health import check_broker, check_database
from .lists import list_page
from .lockout import client_ip
from .models import AuditAction
from .moves import authority_move_list
from .retention import retention_apply, retention_plan
from .second_factor import second_factor_pending
from .selectors import (
    inbox_messages,
    inbox_unread_count_for_request,
    local_authority_get_for_user,
    local_authority_list,
    local_authority_users,
)
from .services import inbox_mark_all_read, inbox_mark_read
from .sessions import sessions_end_all
from .throttling import parse_rate, rate_count

INBOX_PAGE_SIZE = 25


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "safeguarding/home.html",
        {"attention": attention_for(request.user)},
    )


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": check_database(), "broker": check_broker()}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )


@login_required
@require_GET
def administration(request: HttpRequest) -> HttpResponse:
    """The administrator's tools in one place, so the menu needs one entry for them."""
    policy.require(policy.can_administer(request.user))
    return render(request, "safeguarding/administration.html")


@login_required
def local_authority_index(request: HttpRequest) -> HttpResponse:
    authorities = local_authority_list(user=request.user)
    query = request.GET.get("q", "").strip()
    if query:
        authorities = authorities.filter(name__icontains=query)
    return render(
        request,
        "safeguarding/local_authority_list.html",
        {
            "listing": list_page(request, authorities, per_page=50),
            "query": query,
            "can_manage": policy.can_manage_organisations(request.user),
        },
    )


@login_required
def local_authority_detail(request: HttpRequest, ons_code: str) -> HttpResponse:
    authority = local_authority_get_for_user(user=request.user, ons_code=ons_code)
    return render(
        request,
        "safeguarding/local_authority_detail.html",
        {
            "authority": authority,
            "people": local_authority_users(authority=authority),
            "can_manage": policy.can_manage_organisations(request.user, authority),
            "moves": authority_move_list(authority=authority),
            "email_domains": email_domains_of(authority),
        },
    )


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    form = InboxFilterForm(request.GET or None)
    _filters, messages_ = filtered_list(
        form, lambda f: inbox_messages(user=request.user, filters=f)
    )
    listing = list_page(request, messages_, per_page=INBOX_PAGE_SIZE)
    return render(
        request,
        "safeguarding/inbox.html",
        {
            "form": form,
            "listing": listing,
            "unread_count": inbox_unread_count_for_request(user=request.user),
        },
    )


@login_required
@require_POST
def inbox_open(request: HttpRequest, message_id: int) -> HttpResponse:
    message = inbox_mark_read(user=request.user, message_id=message_id)
    if message.url and url_has_allowed_host_and_scheme(
        message.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(message.url)
    return redirect("inbox")


@login_required
@require_POST
def inbox_read_all(request: HttpRequest) -> HttpResponse:
    if inbox_mark_all_read(user=request.user):
        messages.success(request, "All your messages are marked as read.")
    return redirect("inbox")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def retention(request: HttpRequest) -> HttpResponse:
    """The retention schedule's dry run (what a run now would do), and a button to run it."""
    policy.require(policy.can_administer(request.user))
    if request.method == "POST":
        done = retention_apply(by=request.user).as_dict()
        messages.success(
            request,
            "Retention schedule applied: {warned} warned, {anonymised} anonymised, {deleted} "
            "deleted, {audit_entries_deleted} expired audit entries deleted.".format(**done),
        )
        return redirect("retention")
    context = {
        "report": retention_plan(),
        "case_years": settings.RETENTION_CASE_YEARS,
        "draft_days": settings.RETENTION_DRAFT_DAYS,
        "warning_days": settings.RETENTION_DRAFT_WARNING_DAYS,
        "audit_years": settings.RETENTION_AUDIT_YEARS,
    }
    return render(request, "safeguarding/retention.html", context)


class SignInView(auth_views.LoginView):
    form_class = forms.SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """Signing out here signs the person out everywhere: every other session they have (another
    browser, another computer) ends too."""

    def post(self, request, *args, **kwargs):
        # Only a session that has passed the second factor speaks for the person: a password
        # alone signs out this browser, not the person's other sessions.
        if request.user.is_authenticated and not second_factor_pending(request.user):
            sessions_end_all(user=request.user)
        return super().post(request, *args, **kwargs)


@login_required
@require_POST
def session_keep_alive(request: HttpRequest) -> HttpResponse:
    """ "Stay signed in" in the timeout warning: the request itself restarts the idle clock
    (safeguarding.sessions.SessionLifetimeMiddleware)."""
    return HttpResponse(status=204)


RESET_LIMIT_MESSAGE = (
    "You have asked for too many password reset links. Wait an hour and try again, or contact "
    "your administrator."
)


class PasswordResetView(auth_views.PasswordResetView):
    """The same page follows whether or not the address has an account; requests are limited
    per client address and per e-mail address typed (settings.PASSWORD_RESET_RATE), for any
    address, so the limit says nothing about accounts either."""

    form_class = forms.PasswordResetForm
    success_url = reverse_lazy("password_reset_done")
    extra_email_context = {"site_name": settings.SERVICE_NAME}

    def form_valid(self, form):
        rate = settings.PASSWORD_RESET_RATE
        allowed, _ = parse_rate(rate)
        # Counted under a digest: the cache holds no e-mail addresses.
        email = hashlib.sha256(form.cleaned_data["email"].strip().lower().encode()).hexdigest()
        counts = [
            rate_count(scope="password-reset-ip", ident=client_ip(self.request) or "", rate=rate),
            rate_count(scope="password-reset-email", ident=email, rate=rate),
        ]
        if max(counts) > allowed:
            form.add_error(None, RESET_LIMIT_MESSAGE)
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = forms.SetPasswordForm
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_log(actor=form.user, action=AuditAction.PASSWORD_RESET, obj=form.user)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = forms.PasswordChangeForm
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_log(
            actor=self.request.user,
            action=AuditAction.UPDATE,
            obj=self.request.user,
            message="Changed their password",
        )
        messages.success(self.request, "Your password has been changed.")
        return response


@login_required
@require_GET
def access_history(request: HttpRequest) -> HttpResponse:
    """An administrator downloads a person's access history for a date range, as CSV. The
    download is recorded in the audit trail: who exported whose history, for which dates."""
    policy.require(policy.can_see_access_log(request.user))
    if "username" not in request.GET:
        form = forms.AccessHistoryForm(initial={"username": request.GET.get("person", "")})
    else:
        form = forms.AccessHistoryForm(request.GET)
        if form.is_valid():
            person = form.cleaned_data["username"]
            start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
            audit_log(
                actor=request.user,
                action=AuditAction.EXPORT,
                obj=person,
                changes={"from": start.isoformat(), "to": end.isoformat()},
                message="Access history exported",
            )
            response = StreamingHttpResponse(
                access_history_csv(person=person, start=start, end=end),
                content_type="text/csv; charset=utf-8",
            )
            filename = access_history_filename(person=person, start=start, end=end)
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
    return render(request, "safeguarding/access_history.html", {"form": form})
