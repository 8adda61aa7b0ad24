"""The API's one exception handler: each domain error class answers with its status and the
same body from every endpoint (safeguarding.api.exceptions)."""

import pytest
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from lcsprs.services import LcsprConflict, LcsprError, LcsprInvalid
from notifications.services import NotificationConflict, NotificationError, NotificationInvalid
from panel.services import LetterNotMade, PanelError, PanelInvalid
from rapidreviews.services import RapidReviewConflict, RapidReviewError, RapidReviewInvalid
from safeguarding.errors import DomainConflict, DomainError, DomainInvalid, DomainNotFound
from safeguarding.filters import FilterInvalid

ERRORS = {"reasons": ["Enter the reasons for the Panel's view"]}
CHILD_ERRORS = {"children": [{}, {"sex": ["Select the child's sex"]}]}


class Saved:
    """Stands in for a record as saved now."""

    version = 3


def respond(exc: Exception, **hooks):
    """The response of an API view (with the exception handler's hooks given) that raises
    `exc`."""

    class RaisingApi(APIView):
        authentication_classes = []
        permission_classes = []

        def get(self, request):
            raise exc

    for name, hook in hooks.items():
        setattr(RaisingApi, name, hook)
    response = RaisingApi.as_view()(APIRequestFactory().get("/"))
    response.render()
    return response


@pytest.mark.parametrize(
    "exc",
    [
        DomainInvalid(ERRORS),
        RapidReviewInvalid(ERRORS),
        LcsprInvalid(ERRORS),
        PanelInvalid(ERRORS),
        NotificationInvalid(ERRORS),
        FilterInvalid(ERRORS),
    ],
    ids=lambda exc: type(exc).__name__,
)
def test_an_invalid_request_is_a_400_with_the_messages_by_field(exc):
    response = respond(exc)

    assert response.status_code == 400
    assert response.data == ERRORS


def test_a_list_of_things_keeps_its_errors_aligned_with_the_list():
    response = respond(NotificationInvalid(CHILD_ERRORS))

    assert response.status_code == 400
    assert response.data == CHILD_ERRORS
    assert str(NotificationInvalid(CHILD_ERRORS)) == "Select the child's sex"


def test_a_view_may_nest_the_field_errors_under_its_requests_key():
    response = respond(RapidReviewInvalid(ERRORS), invalid_errors_key="answers")

    assert response.status_code == 400
    assert response.data == {"answers": ERRORS}


@pytest.mark.parametrize(
    "exc",
    [
        DomainError("Not now"),
        RapidReviewError("Not now"),
        LcsprError("Not now"),
        PanelError("Not now"),
        NotificationError("Not now"),
    ],
    ids=lambda exc: type(exc).__name__,
)
def test_a_refusal_in_this_state_is_a_409_with_the_detail(exc):
    response = respond(exc)

    assert response.status_code == 409
    assert response.data == {"detail": "Not now"}


@pytest.mark.parametrize(
    ("exc", "message"),
    [
        (RapidReviewConflict(Saved(), "narrative"), "Someone else saved this section"),
        (LcsprConflict(Saved()), "Someone else changed this LCSPR"),
        (NotificationConflict(Saved()), "Someone else changed this notification"),
        (DomainConflict(Saved()), "Someone else changed this"),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else None,
)
def test_a_stale_save_is_a_409_with_the_detail(exc, message):
    response = respond(exc)

    assert response.status_code == 409
    assert list(response.data) == ["detail"]
    assert response.data["detail"].startswith(message)


def test_a_view_adds_what_is_saved_now_to_a_stale_saves_409():
    def conflict_data(exc):
        return {"version": exc.current.version}

    response = respond(LcsprConflict(Saved()), conflict_data=staticmethod(conflict_data))

    assert response.status_code == 409
    assert response.data == {"detail": str(LcsprConflict(Saved())), "version": 3}


def test_conflict_data_is_for_conflicts_only():
    response = respond(LcsprError("Not now"), conflict_data=staticmethod(lambda exc: {"x": 1}))

    assert response.data == {"detail": "Not now"}


@pytest.mark.parametrize(
    "exc",
    [DomainNotFound("Not made yet"), LetterNotMade("Not made yet")],
    ids=lambda exc: type(exc).__name__,
)
def test_something_not_there_yet_is_a_404_with_the_detail(exc):
    response = respond(exc)

    assert response.status_code == 404
    assert response.data == {"detail": "Not made yet"}


def test_other_errors_are_drf_s():
    from rest_framework.exceptions import PermissionDenied

    response = respond(PermissionDenied("Leads only"))

    assert response.status_code == 403
    assert response.data == {"detail": "Leads only"}


def test_each_apps_errors_share_the_one_hierarchy():
    assert issubclass(RapidReviewConflict, RapidReviewError)
    assert issubclass(RapidReviewConflict, DomainConflict)
    assert issubclass(LetterNotMade, PanelError)
    assert issubclass(LetterNotMade, DomainNotFound)
    for invalid, error in [
        (RapidReviewInvalid, RapidReviewError),
        (LcsprInvalid, LcsprError),
        (PanelInvalid, PanelError),
        (NotificationInvalid, NotificationError),
    ]:
        assert issubclass(invalid, error)
        assert issubclass(invalid, DomainInvalid)
