"""A SIN's attachments on the web: the page to add (and on a draft remove) them, and the
download. Selector -> form -> service -> redirect, as in `views.py`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from safeguarding import policy
from safeguarding.downloads import safe_download
from safeguarding.errors import DomainNotFound
from safeguarding.forms import form_add_errors

from . import attachments, forms, selectors, services
from .models import Notification


def _attachments_url(notification: Notification) -> str:
    return reverse("notifications:attachment-list", args=[notification.pk])


def _back_url(notification: Notification) -> str:
    return reverse("notifications:notification-detail", args=[notification.pk])


@login_required
def attachment_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The SIN's attachments and the form to add one: on a draft (the optional task list
    section) and on a submitted SIN (documents often arrive later)."""
    notification = selectors.notification_get_for_editing(user=request.user, pk=pk)
    form = forms.AttachmentForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            attachment = services.notification_attachment_add(
                notification=notification,
                by=request.user,
                uploaded_file=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except services.NotificationInvalid as exc:
            form_add_errors(form, exc.errors)
        except services.NotificationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{attachment.original_name} has been attached.")
            return redirect(_attachments_url(notification))
    return render(
        request,
        "notifications/attachment_list.html",
        {
            "notification": notification,
            "attachments": selectors.attachment_list(notification=notification),
            "form": form,
            "max_count": attachments.max_count(),
            "back_url": _back_url(notification),
            "can_remove": notification.is_draft,
        },
    )


@login_required
def attachment_remove(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """Confirm, then remove an attachment from a draft."""
    notification = selectors.notification_get_for_editing(user=request.user, pk=pk)
    attachment = selectors.attachment_get(notification=notification, pk=attachment_pk)
    if not notification.is_draft:
        messages.error(request, "Attachments of a submitted notification cannot be removed.")
        return redirect(_back_url(notification))
    if request.method == "POST":
        try:
            services.notification_attachment_remove(attachment=attachment, by=request.user)
        except services.NotificationError as exc:
            messages.error(request, f"{exc}.")
        else:
            messages.success(request, f"{attachment.original_name} has been removed.")
        return redirect(_attachments_url(notification))
    return render(
        request,
        "notifications/attachment_remove.html",
        {
            "notification": notification,
            "attachment": attachment,
            "back_url": _attachments_url(notification),
        },
    )


@never_cache
@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """Anyone who may see the SIN may download its attachments; each download is audited."""
    notification = selectors.notification_get_for_user(user=request.user, pk=pk)
    attachment = selectors.attachment_get(notification=notification, pk=attachment_pk)
    try:
        download = services.notification_attachment_download(attachment=attachment, by=request.user)
    except DomainNotFound as exc:
        raise Http404 from exc
    return safe_download(download)


def attachments_context(user, notification: Notification) -> dict:
    """What the case page and the check page need to list the SIN's attachments."""
    return {
        "attachments": selectors.attachment_list(notification=notification),
        "can_add_attachments": policy.can_edit_notification(user, notification),
    }
