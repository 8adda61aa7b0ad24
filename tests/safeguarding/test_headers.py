"""Headers and cookies of every kind of page, read from real responses under the production
settings (loaded in a fresh interpreter, since settings are module-level, then applied here)."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from safeguarding.codes import Role
from tests.notifications.factories import DraftNotificationFactory, SubmittedNotificationFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_KEYS = [
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "CONTENT_SECURITY_POLICY",
    "PERMISSIONS_POLICY",
    "MIDDLEWARE",
]
# Templates rendered to PDF by WeasyPrint, never served as pages: their <style> is fine.
PDF_TEMPLATES = {
    "panel/letter.html",
    "panel/agenda_pack.html",
    "analytics/annual_figures_pdf.html",
    # Issue 17: the whole case file, rendered by WeasyPrint (safeguarding.case_file).
    "safeguarding/case_file.html",
}


def production_settings(**env: str) -> dict:
    """The security settings as ENVIRONMENT=production computes them."""
    code = (
        "import json; from django.conf import settings as s; "
        f"print(json.dumps({{k: getattr(s, k, None) for k in {PRODUCTION_KEYS!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "HTTPS_ONLY", "SITE_URL"}},
            "DJANGO_SETTINGS_MODULE": "safeguarding.settings",
            "ENVIRONMENT": "production",
            "SECRET_KEY": "p" * 50,
            "ALLOWED_HOSTS": "testserver",
            "FIELD_ENCRYPTION_KEYS": "TUFERS1VUC1GT1ItVEVTVFMtT05MWS0zMi1CWVRFUyE=",
            "SITE_URL": "https://testserver",
            **env,
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


@pytest.fixture(scope="module")
def production():
    return production_settings()


@pytest.fixture
def in_production(production):
    with override_settings(**production):
        yield production


def test_production_settings_are_preload_ready_hsts_and_secure_cookies(production):
    assert production["SECURE_HSTS_SECONDS"] >= 31536000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_HSTS_PRELOAD"] is True
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


def test_plain_http_on_loopback_turns_off_the_https_only_settings():
    loopback = production_settings(HTTPS_ONLY="0")
    assert loopback["SECURE_SSL_REDIRECT"] is False
    assert loopback["SESSION_COOKIE_SECURE"] is False
    assert loopback["SECURE_HSTS_SECONDS"] == 0


def test_http_is_redirected_to_https_in_production_except_the_health_check(client, in_production):
    response = client.get("/sign-in/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/sign-in/"
    assert client.get("/healthz").status_code in (200, 503)
    # Behind the proxy, X-Forwarded-Proto says the client's connection was HTTPS.
    assert client.get("/sign-in/", headers={"X-Forwarded-Proto": "https"}).status_code == 200


@pytest.fixture
def pages(make_user, leeds, api_client):
    """Each kind of page, with who asks for it: (client or None for signed out, url, api)."""
    la_user = make_user(Role.LA_USER, local_authority=leeds)
    administrator = make_user(Role.ADMINISTRATOR)
    submitted = SubmittedNotificationFactory(created_by=la_user)
    draft = DraftNotificationFactory(created_by=la_user)
    return {
        "home": (la_user, reverse("home")),
        "case page": (la_user, reverse("notifications:notification-detail", args=[submitted.pk])),
        "form page": (la_user, reverse("notifications:notification-incident", args=[draft.pk])),
        "list": (la_user, reverse("notifications:notification-list")),
        "sign-in page": (None, reverse("login")),
        "API response": ("token", la_user, reverse("notifications-api:notification-list")),
        "admin": (administrator, reverse("admin:index")),
        "API documentation": (la_user, reverse("api-docs")),
        "API documentation script": (la_user, reverse("api-docs") + "?script="),
        "API schema": (la_user, reverse("api-schema")),
    }


PAGE_TYPES = [
    "home",
    "case page",
    "form page",
    "list",
    "sign-in page",
    "API response",
    "admin",
    "API documentation",
    "API documentation script",
    "API schema",
]


def _get(client, api_client, page):
    if page[0] == "token":
        return api_client(page[1]).get(page[2], secure=True), True
    user, url = page
    if user is not None:
        client.force_login(user)
    return client.get(url, secure=True), user is not None


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_every_page_type_sends_the_security_headers(
    client, api_client, pages, in_production, page_type
):
    response, signed_in = _get(client, api_client, pages[page_type])
    assert response.status_code == 200, response.content[:300]

    csp = {
        directive.split()[0]: directive.split()[1:]
        for directive in response["Content-Security-Policy"].split(";")
        if directive.strip()
    }
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    if signed_in:
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"no-store", "private"} <= cache_control

    if response["Content-Type"].startswith("text/html"):
        html = response.content.decode()
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
        assert "<style" not in html
        assert not re.search(r"\sstyle=", html)


def test_cookies_are_secure_httponly_and_samesite_lax_in_production(
    client, make_user, password, in_production
):
    sign_in_page = client.get(reverse("login"), secure=True)
    csrf = sign_in_page.cookies["csrftoken"]
    user = make_user(Role.LA_USER)
    response = client.post(
        reverse("login"), {"username": user.username, "password": password}, secure=True
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    for cookie in (csrf, session):
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"
    assert "no-store" in response["Cache-Control"]


def test_static_files_keep_their_cache_headers(client, make_user):
    client.force_login(make_user(Role.LA_USER))
    response = client.get("/static/js/application.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize("url_name", ["api-schema", "api-docs"])
def test_the_api_schema_and_documentation_need_sign_in(client, url_name):
    response = client.get(reverse(url_name))
    if url_name == "api-docs":
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/")
    else:
        assert response.status_code in (401, 403)


def test_a_token_reads_the_api_schema(api_client, make_user):
    response = api_client(make_user(Role.LA_USER)).get(reverse("api-schema"))
    assert response.status_code == 200
    assert b"openapi" in response.content


def _served_templates() -> list[Path]:
    templates = ROOT / "templates"
    return [
        path
        for path in sorted(templates.rglob("*.html"))
        if str(path.relative_to(templates)) not in PDF_TEMPLATES
    ]


@pytest.mark.parametrize(
    "path", _served_templates(), ids=lambda p: str(p.relative_to(ROOT / "templates"))
)
def test_no_page_template_has_inline_script_or_style(path):
    source = re.sub(r"{% comment %}.*?{% endcomment %}", "", path.read_text(), flags=re.S)
    tags = re.findall(r"<script\b[^>]*>", source)
    inline_scripts = [tag for tag in tags if not re.search(r"\b(src|nonce)=", tag)]
    assert inline_scripts == []
    assert "<style" not in source
    assert not re.search(r"\sstyle=", source)
