"""`{% case_links notification current="review" %}`: the "This case" panel on each part's page."""

from django import template

from ..case_links import case_links_for

register = template.Library()


@register.inclusion_tag("includes/case_links.html", takes_context=True)
def case_links(context, notification, current: str = "") -> dict:
    return {
        "links": case_links_for(user=context["request"].user, notification=notification),
        "current": current,
    }
