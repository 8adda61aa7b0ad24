"""The second-factor pages: set up an authenticator app, enter a code (or a recovery code), and
see or renew recovery codes. Each page keeps the `next` page the person was going to."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import policy
from . import second_factor as sf
from .forms import RecoveryCodeForm, SecondFactorCodeForm
from .models import User

# Recovery codes wait here between the set-up (or renewal) and the page that shows them, once.
RECOVERY_CODES_SESSION_KEY = "second_factor_recovery_codes"


def _next_url(request: HttpRequest) -> str:
    url = request.GET.get("next", "")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("home")


def _with_next(request: HttpRequest, url_name: str) -> str:
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': request.GET['next']})}" if "next" in request.GET else url


@login_required
@never_cache
def setup(request: HttpRequest) -> HttpResponse:
    if sf.authenticator_get(user=request.user):
        # Adding a second authenticator would let a password alone replace the first.
        if sf.second_factor_pending(request.user):
            return redirect(_with_next(request, "second-factor-verify"))
        return redirect(_next_url(request))
    device = sf.authenticator_start(user=request.user)
    form = SecondFactorCodeForm(request.POST or None, submit_label="Continue")
    if form.is_valid():
        try:
            codes = sf.authenticator_confirm(
                request=request, user=request.user, device=device, code=form.cleaned_data["code"]
            )
        except sf.SecondFactorError as error:
            form.add_error("code", str(error))
        else:
            request.session[RECOVERY_CODES_SESSION_KEY] = codes
            return redirect(_with_next(request, "second-factor-recovery-codes"))
    return render(
        request,
        "second_factor/setup.html",
        {
            "form": form,
            "qr_code": mark_safe(sf.qr_code_svg(device)),  # noqa: S308 - our own SVG
            "secret": sf.secret_for_display(device),
        },
    )


@login_required
@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    if not sf.authenticator_get(user=request.user):
        return redirect(_with_next(request, "second-factor-setup"))
    if not sf.second_factor_pending(request.user):
        return redirect(_next_url(request))
    form = SecondFactorCodeForm(request.POST or None)
    if form.is_valid():
        try:
            sf.second_factor_verify(
                request=request, user=request.user, code=form.cleaned_data["code"]
            )
        except sf.SecondFactorError as error:
            form.add_error("code", str(error))
        else:
            return redirect(_next_url(request))
    return render(
        request,
        "second_factor/verify.html",
        {"form": form, "recovery_url": _with_next(request, "second-factor-recovery")},
    )


@login_required
@never_cache
def recovery(request: HttpRequest) -> HttpResponse:
    if not sf.second_factor_pending(request.user):
        return redirect(_next_url(request))
    form = RecoveryCodeForm(request.POST or None)
    if form.is_valid():
        try:
            verified = sf.recovery_code_use(
                request=request, user=request.user, code=form.cleaned_data["code"]
            )
        except sf.SecondFactorError as error:
            form.add_error("code", str(error))
        else:
            messages.warning(
                request,
                f"You used a recovery code: {verified.recovery_codes_left} left. Each code "
                "works once; you can make new ones from your account.",
            )
            return redirect(_next_url(request))
    return render(
        request,
        "second_factor/recovery.html",
        {"form": form, "verify_url": _with_next(request, "second-factor-verify")},
    )


@login_required
@never_cache
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The person's new recovery codes, shown once; afterwards, how many are left."""
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    return render(
        request,
        "second_factor/recovery_codes.html",
        {
            "codes": codes,
            "left": sf.recovery_codes_left(user=request.user),
            "next_url": _next_url(request),
        },
    )


@login_required
@require_POST
def recovery_codes_regenerate(request: HttpRequest) -> HttpResponse:
    request.session[RECOVERY_CODES_SESSION_KEY] = sf.recovery_codes_regenerate(user=request.user)
    return redirect("second-factor-recovery-codes")


@login_required
@require_POST
def reset(request: HttpRequest, user_pk: int) -> HttpResponse:
    """Reset someone's second factor (a lost phone): they set up a new authenticator app at
    their next sign-in. The admin's user list does the same as an action."""
    person = get_object_or_404(User, pk=user_pk)
    policy.require(policy.can_reset_second_factor(request.user, person))
    sf.second_factor_reset(user=person, by=request.user)
    messages.success(
        request,
        f"{person.get_full_name() or person.get_username()} will set up a new authenticator app "
        "at their next sign-in.",
    )
    # Back to the person's page on the team pages, where the button is.
    if policy.can_administer(request.user):
        return redirect("people-detail", user_pk=person.pk)
    return redirect("home")
