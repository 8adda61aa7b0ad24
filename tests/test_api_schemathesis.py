"""The REST API against its own OpenAPI schema, with schemathesis (issue 12, item 8).

Every operation in the schema drf-spectacular generates is called through the WSGI application
(no network) with examples generated from the schema, as an administrator and as a local
authority user, on a database holding the reference data and a few cases so that retrieve paths
reach real records. A 5xx, a response body or content type the schema does not describe, or a
status code it does not list, fails the test.

Bounded and repeatable: a fixed number of examples per operation, derandomized, on a fixed
database state, so `make test` runs it in the same time on every run.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import schemathesis
import time_machine
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from panel.models import AgendaItem, PanelMeeting
from safeguarding.codes import Role

from .conftest import api_token_header
from .lcsprs.factories import InProgressLcsprFactory
from .notifications.factories import NotificationChildFactory, SubmittedNotificationFactory
from .panel.factories import PanelDecisionFactory
from .rapidreviews.factories import PendingExtensionFactory

MAX_EXAMPLES = 20
# The examples and fuzzing phases (valid and invalid data) with MAX_EXAMPLES each; the coverage
# phase, whose number of cases grows with the fields of an operation, is left out so the run
# takes the same bounded time however the schema grows.
CONFIG = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}})
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _api_schema() -> schemathesis.schemas.BaseSchema:
    """The schema as the service publishes it (generated in-process, so it does not matter
    who may read /api/schema/), with the WSGI application to call."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(document, config=CONFIG)
    loaded.app = get_wsgi_application()
    return loaded


@pytest.fixture
def cases(db, leeds):
    """A few records of every kind, ids 1.. in a fresh sequence or not: the generated ids hit
    some of them and miss others."""
    notification = SubmittedNotificationFactory(local_authority=leeds)
    NotificationChildFactory(notification=notification)
    decision = PanelDecisionFactory()
    meeting = PanelMeeting.objects.create(
        date=dt.date(2024, 6, 20),
        start_time=dt.time(10),
        location="Online",
        created_by=decision.decided_by,
    )
    AgendaItem.objects.create(
        meeting=meeting, review=decision.review, position=1, added_by=decision.decided_by
    )
    PendingExtensionFactory()
    InProgressLcsprFactory()


@pytest.fixture
def administrator_headers(make_user, cases) -> dict[str, str]:
    return {"Authorization": api_token_header(make_user(Role.ADMINISTRATOR))}


@pytest.fixture
def local_authority_headers(make_user, leeds, cases) -> dict[str, str]:
    return {"Authorization": api_token_header(make_user(Role.LA_USER, local_authority=leeds))}


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    """The WSGI handler closes the database connection at the end of each request, which would
    end the test's transaction; Django's test client avoids that the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _fixed_day():
    with time_machine.travel(dt.datetime(2024, 6, 10, 10, tzinfo=ZoneInfo("Europe/London"))):
        yield


schema = _api_schema()


# Hypothesis settings shared by both runs.
BOUNDED = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@BOUNDED
def test_api_conforms_to_its_schema_as_administrator(case, administrator_headers):
    case.call_and_validate(headers=administrator_headers, checks=CHECKS)


@schema.parametrize()
@BOUNDED
def test_api_conforms_to_its_schema_as_local_authority_user(case, local_authority_headers):
    case.call_and_validate(headers=local_authority_headers, checks=CHECKS)
