"""The rapid review page's "LCSPR" section: a link to the review's LCSPR, or the button for a
lead to commission one."""

from django import template

from rapidreviews.models import RapidReview

from .. import selectors, services

register = template.Library()


@register.inclusion_tag("lcsprs/_review_lcspr.html", takes_context=True)
def review_lcspr(context, review: RapidReview) -> dict:
    user = context["request"].user
    return {
        "review": review,
        "lcspr": selectors.lcspr_get_for_review(user=user, review=review),
        "can_commission": services.lcspr_open_refusal(review=review, by=user) is None,
    }
