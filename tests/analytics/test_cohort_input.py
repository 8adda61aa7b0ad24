"""The cohort pages against awkward input (issue 18 review): the version a form was opened
at survives every re-render of the builder, so a save still refuses someone else's change;
numbers that are not ASCII digits, or too large, are errors or ignored, never a 500; a sample
shown again after a refused draw is audited like any list of cases."""

import pytest
from django.urls import reverse

from analytics import cohorts
from analytics.models import Cohort
from safeguarding.codes import Role
from safeguarding.models import AuditAction, AuditEvent

from .test_cohort_pages import YEAR, _client, _cohort, _definition, _reviews

pytestmark = pytest.mark.django_db

STATE = {
    "year": YEAR,
    "condition_count": "1",
    "c0-part": "where",
    "c0-field": "sex",
    "c0-codes": "male",
}


def test_a_re_rendered_builder_keeps_the_version_it_was_opened_at():
    _reviews(2)
    client, admin = _client(Role.ADMINISTRATOR)
    cohort = _cohort(admin)
    edit = reverse("analytics:cohort-edit", args=[cohort.pk])
    opened = {"cohort": cohort.pk, "version": "1", "name": "Mine"} | STATE
    # Someone else saves meanwhile.
    cohorts.cohort_update(
        cohort=cohort,
        by=admin,
        expected_version=1,
        name="Theirs",
        description="",
        definition=_definition(),
    )
    refreshed = client.post(edit, opened | {"action": "refresh"})
    assert 'name="version" value="1"' in refreshed.content.decode()

    saved = client.post(reverse("analytics:cohort-save"), opened)

    assert saved.status_code == 200
    assert "Someone else changed this cohort" in saved.content.decode()
    cohort.refresh_from_db()
    assert (cohort.name, cohort.version) == ("Theirs", 2)


@pytest.mark.parametrize("odd", ["²", "١", "99999999999999999999999999"])
def test_numbers_that_are_not_plain_digits_are_never_a_500(odd):
    _reviews(2)
    client, admin = _client(Role.ADMINISTRATOR)
    cohort = _cohort(admin)
    new = reverse("analytics:cohort-new")
    for response in (
        client.get(new, {"year": odd}),
        client.post(new, STATE | {"condition_count": odd}),
        client.post(new, STATE | {"action": f"remove-{odd}"}),
        client.post(reverse("analytics:cohort-save"), STATE | {"cohort": odd, "name": "N"}),
        client.post(
            reverse("analytics:cohort-sample", args=[cohort.pk]),
            {"sample_size": odd, "version": "1"},
        ),
        client.post(
            reverse("analytics:cohort-sample", args=[cohort.pk]),
            {"sample_size": "2", "version": odd},
        ),
        client.post(reverse("analytics:cohort-archive", args=[cohort.pk]), {"version": odd}),
    ):
        assert response.status_code in (200, 302, 404), response.request
    cohort.refresh_from_db()
    assert (cohort.version, cohort.archived) == (1, False)  # nothing changed on bad versions


def test_a_seed_out_of_range_is_an_error_not_a_500():
    _reviews(2)
    client, _ = _client(Role.ADMINISTRATOR)
    response = client.post(
        reverse("analytics:cohort-save"),
        STATE | {"name": "Big seed", "sample_seed": "9" * 30, "sample_size": "2"},
    )
    assert response.status_code == 200
    assert "The sample could not be read: draw it again" in response.content.decode()
    assert not Cohort.objects.filter(name="Big seed").exists()


def test_a_sample_shown_again_after_a_refused_draw_is_audited():
    _reviews()
    client, admin = _client(Role.ADMINISTRATOR)
    cohort = _cohort(admin, sample_seed=7, sample_size=2)
    refused = client.post(
        reverse("analytics:cohort-sample", args=[cohort.pk]),
        {"sample_size": "0", "version": str(cohort.version)},
    )
    assert refused.status_code == 200
    listed = AuditEvent.objects.get(action=AuditAction.LIST, actor=admin)
    assert sorted(listed.changes["ids"]) == sorted(
        cohorts.cohort_sample_ids(cohort.definition, seed=7, size=2)
    )
