"""The Panel's decision and letters on the rapid review page (one line in that template)."""

from django import template

from rapidreviews.models import RapidReview
from rapidreviews.selectors import rapid_review_list
from safeguarding import policy

from .. import selectors

register = template.Library()


@register.inclusion_tag("panel/_review_summary_content.html", takes_context=True)
def panel_review_summary(context, review: RapidReview) -> dict:
    user = context["request"].user
    if review.status != RapidReview.Status.SUBMITTED and not review.panel_decisions.exists():
        return {"show": False}
    # DfE and Ofsted viewers read a review the Panel shared with them, never its decision.
    if not rapid_review_list(user=user, with_shared=False).filter(pk=review.pk).exists():
        return {"show": False}
    return {
        "show": True,
        "review": review,
        "current": selectors.panel_decision_current(review=review),
        "letters": list(selectors.response_letter_list_for_review(user=user, review=review)),
        "can_decide": policy.can_decide(user, review),
    }
