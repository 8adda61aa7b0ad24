"""The possible duplicates of a SIN on its pages (notifications.duplicates), without the
pages' views having to gather them:

- `{% possible_duplicates_panel notification %}`: the case page's "Possible duplicates" panel
  and "Same incident as" line, for pairs whose other SIN the user can see;
- `{% possible_duplicates_warning notification %}`: the check answers page's warning, naming
  only SINs in the notifier's own scope.
"""

from django import template

from safeguarding import policy

from .. import duplicates

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
