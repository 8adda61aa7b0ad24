"""The messages page of a rapid review and of an LCSPR (panel.conversations): the thread,
oldest first, and the form to send. selector -> form -> service -> redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lcsprs.models import Lcspr
from rapidreviews.models import RapidReview
from safeguarding import policy
from safeguarding.downloads import safe_download
from safeguarding.errors import DomainNotFound
from safeguarding.forms import form_add_errors

from . import conversations, forms
from .pauses import decision_target_pause_days


def _page(request: HttpRequest, case: RapidReview | Lcspr) -> HttpResponse:
    user = request.user
    is_review = isinstance(case, RapidReview)
    where = {"review": case} if is_review else {"lcspr": case}
    thread = conversations.case_message_list(user=user, **where)
    open_questions = list(conversations.case_message_unanswered(user=user, **where))
    can_pause = is_review and policy.is_panel(user)
    post = request.method == "POST"
    form = forms.CaseMessageForm(
        request.POST if post else None,
        request.FILES if post else None,
        user=user,
        open_questions=open_questions if not policy.is_panel(user) else (),
        can_pause=can_pause,
    )
    if post and form.is_valid():
        data = form.cleaned_data
        try:
            conversations.case_message_send(
                user=user,
                **where,
                kind=data["kind"],
                body=data["body"],
                uploads=data["files"],
                in_reply_to=data.get("in_reply_to") or None,
                pause_target=bool(data.get("pause_target")),
            )
        except conversations.CaseMessageInvalid as exc:
            form_add_errors(form, exc.errors)
        else:
            messages.success(request, "Your message has been sent.")
            return redirect(conversations.case_messages_url(case))
    pause = conversations.open_pause(review=case) if is_review else None
    review = case if is_review else case.rapid_review
    return render(
        request,
        "panel/case_messages.html",
        {
            "case": case,
            "is_review": is_review,
            "review": review,
            "notification": review.notification,
            "thread": thread,
            "form": form,
            "open_pause": pause,
            "pause_days": decision_target_pause_days(case) if is_review else None,
            "can_end_pause": pause is not None and policy.can_end_message_pause(user, case),
            "unanswered": len(open_questions),
            "back_url": _case_url(case),
        },
    )


def _case_url(case: RapidReview | Lcspr) -> str:
    if isinstance(case, RapidReview):
        return reverse("rapidreviews:review-detail", args=[case.pk])
    return reverse("lcsprs:lcspr-detail", args=[case.pk])


@login_required
def review_messages(request: HttpRequest, review_pk: int) -> HttpResponse:
    review = conversations.conversation_review_get_for_user(user=request.user, pk=review_pk)
    return _page(request, review)


@login_required
def lcspr_messages(request: HttpRequest, lcspr_pk: int) -> HttpResponse:
    lcspr = conversations.conversation_lcspr_get_for_user(user=request.user, pk=lcspr_pk)
    return _page(request, lcspr)


@require_POST
@login_required
def review_pause_end(request: HttpRequest, review_pk: int) -> HttpResponse:
    """End the pause on the decision target (the Panel), before the partnership replies."""
    review = conversations.conversation_review_get_for_user(user=request.user, pk=review_pk)
    policy.require(policy.can_end_message_pause(request.user, review))
    try:
        conversations.case_message_pause_end(user=request.user, review=review)
    except conversations.CaseMessageError as exc:
        messages.error(request, f"{exc}.")
    else:
        messages.success(request, "The decision target is no longer paused.")
    return redirect(conversations.case_messages_url(review))


def _download(request: HttpRequest, attachment_pk: int, **where) -> HttpResponse:
    attachment = conversations.case_message_attachment_get_for_user(
        user=request.user, pk=attachment_pk, **where
    )
    try:
        download = conversations.case_message_attachment_download(
            attachment=attachment, by=request.user
        )
    except DomainNotFound as exc:
        raise Http404 from exc
    return safe_download(download)


@never_cache
@login_required
def review_message_attachment(request: HttpRequest, review_pk: int, pk: int) -> HttpResponse:
    review = conversations.conversation_review_get_for_user(user=request.user, pk=review_pk)
    return _download(request, pk, review=review)


@never_cache
@login_required
def lcspr_message_attachment(request: HttpRequest, lcspr_pk: int, pk: int) -> HttpResponse:
    lcspr = conversations.conversation_lcspr_get_for_user(user=request.user, pk=lcspr_pk)
    return _download(request, pk, lcspr=lcspr)
