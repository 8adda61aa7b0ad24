"""Requests that cannot exhaust the server, and bad input that gets a clear answer: a body
over the limit is refused (413) before it is read; a form Django will not parse is a page,
not a 500; JSON too deep or too large is a 400/413; an id or page number too big for the
database is a 404/400 on every API route."""

import io
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from safeguarding.api.parsers import LimitedJSONParser, RequestTooLarge
from safeguarding.codes import Role

pytestmark = pytest.mark.django_db
HUGE = 2**70


def test_a_page_body_over_the_limit_is_a_413_page_before_it_is_read(client, settings):
    settings.REQUEST_MAX_BODY_BYTES = 1_000
    response = client.generic(
        "POST", "/sign-in/", b"x" * 1_001, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "What you sent is too large" in page and "govuk-template" in page


def test_an_api_body_over_the_limit_is_a_413_in_json(api_client, make_user, settings):
    settings.API_MAX_BODY_BYTES = 1_000
    client = api_client(make_user(Role.ADMINISTRATOR))
    response = client.generic(
        "POST",
        "/api/v1/notifications/",
        b"[" + b" " * 2_000 + b"]",
        content_type="application/json",
    )
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]


def test_a_form_over_djangos_limit_is_a_413_page_not_a_500(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    response = client.post("/sign-in/", {"username": "x" * 2_000, "password": "y"})
    assert response.status_code == 413
    assert "The form is too large" in response.content.decode()


def test_a_form_with_too_many_fields_is_a_413_page(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = client.post("/sign-in/", {f"field{n}": "x" for n in range(20)})
    assert response.status_code == 413
    assert "too many fields" in response.content.decode()


def test_json_nested_100000_deep_is_a_400(api_client, make_user, leeds):
    client = api_client(make_user(Role.LA_USER, local_authority=leeds))
    for body in ("[" * 100_000 + "]" * 100_000, '{"a":' * 100_000 + "1" + "}" * 100_000):
        response = client.generic(
            "POST", "/api/v1/notifications/", body, content_type="application/json"
        )
        assert response.status_code == 400
        assert "nested more than 32 levels deep" in response.json()["detail"]


def test_json_just_over_the_depth_limit_is_a_400_and_within_it_parses(settings):
    parser = LimitedJSONParser()
    settings.API_JSON_MAX_DEPTH = 3
    assert parser.parse(io.BytesIO(b'{"a": [[1]]}')) == {"a": [[1]]}
    with pytest.raises(ParseError, match="nested more than 3 levels"):
        parser.parse(io.BytesIO(b'{"a": [[[1]]]}'))
    with pytest.raises(ParseError, match="JSON parse error"):
        parser.parse(io.BytesIO(b"\xff\xfe"))
    settings.API_MAX_BODY_BYTES = 10
    with pytest.raises(RequestTooLarge):
        parser.parse(io.BytesIO(b'{"a": "01234567890"}'))


def _api_patterns(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _api_patterns(pattern, route)
        elif isinstance(pattern, URLPattern) and route.startswith("api/v1/"):
            yield route


def _api_view_classes():
    def walk(resolver, prefix):
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, route)
            elif route.startswith("api/v1/") and hasattr(pattern.callback, "cls"):
                yield route, pattern.callback.cls

    return list(walk(get_resolver(), ""))


def test_every_api_view_reads_json_with_the_limits():
    views = _api_view_classes()
    assert len(views) > 20
    for route, view in views:
        parsers = view().get_parsers()
        plain = [p for p in parsers if type(p) is JSONParser]
        assert not plain, f"{route} reads JSON without the limits: use LimitedJSONParser"


def test_a_message_sent_as_json_has_the_api_s_limits(api_client, make_user, settings):
    from ..panel.factories import PanelReviewFactory

    client = api_client(make_user(Role.PANEL_MEMBER))
    url = f"/api/v1/panel/reviews/{PanelReviewFactory().pk}/messages/"
    deep = "[" * 100_000 + "]" * 100_000
    response = client.generic("POST", url, deep, content_type="application/json")
    assert response.status_code == 400
    assert "nested more than" in response.json()["detail"]
    settings.API_MAX_BODY_BYTES = 1_000
    big = b'{"body": "' + b"x" * 2_000 + b'"}'
    response = client.generic("POST", url, big, content_type="application/json")
    assert response.status_code == 413


API_ROUTES_WITH_PK = sorted(route for route in _api_patterns() if "<int:pk>" in route)


def test_every_api_route_with_a_pk_is_covered():
    assert len(API_ROUTES_WITH_PK) >= 6


@pytest.mark.parametrize("route", API_ROUTES_WITH_PK)
@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.LA_USER])
def test_an_id_too_big_for_the_database_is_a_404(api_client, make_user, leeds, route, role):
    user = make_user(role, local_authority=leeds if role == Role.LA_USER else None)
    url = "/" + route.replace("<int:pk>", str(HUGE))
    client = api_client(user)
    for method in ("get", "post", "put", "patch", "delete"):
        response = getattr(client, method)(url, {}, format="json")
        assert response.status_code in (400, 403, 404, 405), (method, url, response.status_code)


def _list_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        if "{" in path or "get" not in operations:
            continue
        yield path, [p["name"] for p in operations["get"].get("parameters", [])]


@pytest.mark.parametrize(("path", "parameters"), list(_list_operations()))
@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.LA_USER])
def test_huge_page_numbers_and_filters_are_a_400_or_404(
    api_client, make_user, leeds, path, parameters, role
):
    user = make_user(role, local_authority=leeds if role == Role.LA_USER else None)
    client = api_client(user)
    for name in [*parameters, "page"]:
        for value in (str(10**30), str(-HUGE)):
            response = client.get(path, {name: value})
            assert response.status_code in (200, 400, 403, 404), (path, name, response.status_code)
    assert re.match(r"^/api/", path)
