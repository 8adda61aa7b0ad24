"""The possible duplicates of a SIN on its pages (notifications.duplicates), without the
pages' views having to gather them:

- `{% possible_duplicates_panel notification %}`: the case page's "Possible duplicates" panel
  and "Same incident as" line, for pairs whose other SIN the user can see;
- `{% possible_duplicates_warning notification %}`: the check answers page's warning, naming
  only SINs in the notifier's own scope;
- `{% possible_duplicates_link %}`: the SIN list's link to the Panel's list of open pairs.
"""

from django import template

from safeguarding import policy

from .. import duplicates
from ..models import PossibleDuplicate

register = template.Library()


@register.inclusion_tag("notifications/_duplicates_panel.html", takes_context=True)
def possible_duplicates_panel(context, notification) -> dict:
    user = context["request"].user
    if notification.is_draft:
        return {"pairs": []}
    pairs = duplicates.possible_duplicates_of(user=user, notification=notification)
    return {
        "notification": notification,
        "rows": [(pair, pair.other(notification)) for pair in pairs],
        "pairs": pairs,
        "same_incident": duplicates.same_incident_as(pairs, notification),
        "can_see_pairs": policy.can_see_duplicates(user),
    }


@register.inclusion_tag("notifications/_duplicates_warning.html", takes_context=True)
def possible_duplicates_warning(context, notification) -> dict:
    user = context["request"].user
    return {
        "candidates": duplicates.possible_duplicates_for_draft(user=user, notification=notification)
    }


@register.inclusion_tag("notifications/_duplicates_link.html", takes_context=True)
def possible_duplicates_link(context) -> dict:
    user = context["request"].user
    if not policy.can_see_duplicates(user):
        return {"shown": False}
    open_pairs = PossibleDuplicate.objects.filter(status=PossibleDuplicate.Status.OPEN)
    return {"shown": True, "open_count": open_pairs.count()}
