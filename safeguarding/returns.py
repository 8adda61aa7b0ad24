""" "Change" links on a check-answers page. The link opens a section with `?return=check`;
once saved, the section goes back to check answers instead of on through the journey (the
GOV.UK check answers pattern). The parameter is a key the view looks up, never an address:
only `check` is known, and the address it stands for is the view's own, so no value can send
a user anywhere else (no open redirect)."""

from django.http import HttpRequest

RETURN_PARAM = "return"
RETURN_TO_CHECK = "check"
# What a "Change" link adds to a section's address (templates append it to a {% url %}).
RETURN_QUERY = f"?{RETURN_PARAM}={RETURN_TO_CHECK}"


def return_to_check(request: HttpRequest, check_url: str) -> str | None:
    """`check_url` when the page was opened from check answers, otherwise None. The form posts
    to its own address, query included, so the answer is the same when it is saved."""
    return check_url if request.GET.get(RETURN_PARAM) == RETURN_TO_CHECK else None


def change_url(url: str) -> str:
    """The address of a "Change" link on a check-answers page."""
    return f"{url}{RETURN_QUERY}"
