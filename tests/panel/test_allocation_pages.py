"""The allocation pages and API: the review's allocation page (the secretariat allocates, the
Panel reads), the queue's "Allocated to" filter and column, the workload page, the automatic
allocation button, "My reviews" on a member's home page, and the same through the API. Nobody
outside the Panel sees allocations; another authority's case is a 404."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from panel import allocations, selectors
from panel.models import Allocation, PanelMemberProfile
from safeguarding.codes import Role
from safeguarding.models import LocalAuthority

from .factories import PanelReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat(make_user):
    return make_user(Role.PANEL_SECRETARIAT)


@pytest.fixture
def ann(make_user):
    return make_user(Role.PANEL_MEMBER, first_name="Ann", last_name="Abbott")


@pytest.fixture
def ben(make_user):
    return make_user(Role.PANEL_MEMBER, first_name="Ben", last_name="Bryce")


@pytest.fixture
def review():
    return PanelReviewFactory()


def allocate(review, by, lead, others=(), reason=""):
    return allocations.allocation_set(
        review=review,
        by=by,
        lead=lead,
        others=others,
        reason=reason,
        expected_version=selectors.allocation_version(review=review),
    )


def page(review):
    return reverse("panel:allocation", args=[review.pk])


def test_the_secretariat_allocates_on_the_page(client, secretariat, ann, ben, review):
    client.force_login(secretariat)
    form = client.get(page(review))
    assert form.status_code == 200
    assert "Ann Abbott" in form.content.decode()
    response = client.post(
        page(review), {"lead": ann.pk, "others": [ben.pk], "reason": "", "version": 0}
    )
    assert response.status_code == 302
    assert {(a.member, a.is_lead) for a in selectors.allocation_current(review=review)} == {
        (ann, True),
        (ben, False),
    }
    html = client.get(page(review)).content.decode()
    assert "Ann Abbott (lead)" in html and "Allocation history" in html


def test_a_reallocation_without_a_reason_is_refused_next_to_the_field(
    client, secretariat, ann, ben, review
):
    allocate(review, secretariat, ann)
    client.force_login(secretariat)
    version = selectors.allocation_version(review=review)
    response = client.post(page(review), {"lead": ben.pk, "reason": "", "version": version})
    assert response.status_code == 200
    assert "Enter the reason for the reallocation" in response.content.decode()
    assert response.context["form"].errors["reason"]
    # What was chosen is kept.
    assert response.context["form"].data["lead"] == str(ben.pk)


def test_a_stale_page_is_refused_with_a_clear_message(client, secretariat, ann, ben, review):
    client.force_login(secretariat)
    opened = selectors.allocation_version(review=review)
    allocate(review, secretariat, ann)
    response = client.post(page(review), {"lead": ben.pk, "reason": "Swap", "version": opened})
    assert response.status_code == 200
    assert "Someone else changed this review" in response.content.decode()
    assert [a.member for a in selectors.allocation_current(review=review)] == [ann]


def test_an_inactive_member_is_refused_next_to_the_field(client, secretariat, make_user, review):
    gone = make_user(Role.PANEL_MEMBER, is_active=False, first_name="Gone")
    client.force_login(secretariat)
    response = client.post(page(review), {"lead": gone.pk, "version": 0})
    assert response.status_code == 200
    assert "account is not active" in " ".join(response.context["form"].errors["lead"])
    assert not Allocation.objects.exists()


def test_a_member_reads_the_page_without_a_form_and_may_not_post(client, ann, review):
    client.force_login(ann)
    response = client.get(page(review))
    assert response.status_code == 200 and response.context["form"] is None
    assert client.post(page(review), {"lead": ann.pk, "version": 0}).status_code == 403
    assert not Allocation.objects.exists()


@pytest.mark.parametrize("role", [Role.PARTNERSHIP_LEAD, Role.LA_USER])
def test_the_partnership_and_authority_never_see_allocations(client, make_user, review, role):
    leeds = review.notification.local_authority
    own = (
        make_user(role, partnership=leeds.partnership)
        if role == Role.PARTNERSHIP_LEAD
        else make_user(role, local_authority=leeds)
    )
    client.force_login(own)
    assert client.get(page(review)).status_code == 403
    assert (
        "Allocation to Panel members"
        not in client.get(reverse("panel:decision", args=[review.pk])).content.decode()
    )


@pytest.mark.parametrize("role", [Role.PARTNERSHIP_LEAD, Role.LA_USER])
def test_another_authoritys_case_is_a_404(client, api_client, make_user, review, role):
    bristol = LocalAuthority.objects.get(name="Bristol")
    other = (
        make_user(role, partnership=bristol.partnership)
        if role == Role.PARTNERSHIP_LEAD
        else make_user(role, local_authority=bristol)
    )
    client.force_login(other)
    assert client.get(page(review)).status_code == 404
    api = reverse("panel-api:allocation-list", args=[review.pk])
    assert api_client(other).get(api).status_code == 404


def test_the_case_panel_links_to_the_allocation_page(client, ann, review):
    client.force_login(ann)
    html = client.get(reverse("panel:decision", args=[review.pk])).content.decode()
    assert page(review) in html


# --- The queue, the home page --------------------------------------------------------------------


def test_the_queue_filters_by_allocation_and_shows_who(client, secretariat, ann, ben):
    now = timezone.now()
    mine = PanelReviewFactory(submitted_at=now - timedelta(days=5))
    bens = PanelReviewFactory(submitted_at=now - timedelta(days=4))
    nobodys = PanelReviewFactory(submitted_at=now - timedelta(days=3))
    allocate(mine, secretariat, ann)
    allocate(bens, secretariat, ben)
    client.force_login(ann)

    def shown(query):
        response = client.get(reverse("panel:queue"), query)
        assert response.status_code == 200
        return [row["review"] for row in response.context["rows"]]

    assert shown({}) == [mine, bens, nobodys]
    assert shown({"allocated_to": "me"}) == [mine]
    assert shown({"allocated_to": "unallocated"}) == [nobodys]
    assert shown({"allocated_to": str(ben.pk)}) == [bens]
    html = client.get(reverse("panel:queue")).content.decode()
    assert "Ann Abbott (lead)" in html and "Decision target" in html


def test_a_members_home_page_shows_my_reviews(client, secretariat, ann, review):
    allocate(review, secretariat, ann)
    client.force_login(ann)
    html = client.get(reverse("home")).content.decode()
    assert "My reviews" in html
    assert "allocated_to=me" in html


# --- The workload page and the automatic allocation ----------------------------------------------


def test_the_workload_shows_each_members_open_cases(client, secretariat, ann, ben, review):
    allocate(review, secretariat, ann, [ben])
    client.force_login(ann)
    response = client.get(reverse("panel:workload"))
    assert response.status_code == 200
    rows = {row.member: row for row in response.context["rows"]}
    assert (rows[ann].open_as_lead, rows[ann].open_as_other) == (1, 0)
    assert (rows[ben].open_as_lead, rows[ben].open_as_other) == (0, 1)
    assert "Allocate unallocated reviews automatically" not in response.content.decode()


def test_the_secretariat_sets_availability_and_cap(client, secretariat, ann):
    client.force_login(secretariat)
    form = client.get(reverse("panel:workload"), {"member": ann.pk})
    assert "Availability and cap of Ann Abbott" in form.content.decode()
    response = client.post(
        reverse("panel:workload"),
        {"member": ann.pk, "available": "yes", "open_case_cap": "3", "version": 0},
    )
    assert response.status_code == 302
    profile = PanelMemberProfile.objects.get(user=ann)
    assert (profile.available, profile.open_case_cap, profile.version) == (True, 3, 1)
    # The same form again is stale.
    stale = client.post(
        reverse("panel:workload"),
        {"member": ann.pk, "available": "no", "open_case_cap": "", "version": 0},
    )
    assert "Someone else changed" in stale.content.decode()
    profile.refresh_from_db()
    assert profile.available


def test_a_member_cannot_change_availability(client, ann):
    client.force_login(ann)
    response = client.post(
        reverse("panel:workload"),
        {"member": ann.pk, "available": "yes", "open_case_cap": "", "version": 0},
    )
    assert response.status_code == 403
    assert not PanelMemberProfile.objects.exists()


def test_the_button_allocates_unallocated_reviews(client, secretariat, ann, review):
    PanelMemberProfile.objects.create(user=ann, available=True)
    client.force_login(secretariat)
    response = client.post(reverse("panel:allocate-automatically"), follow=True)
    assert "1 rapid review allocated automatically" in response.content.decode()
    assert [a.member for a in selectors.allocation_current(review=review)] == [ann]


# --- The API ------------------------------------------------------------------------------------


def test_the_api_reads_and_writes_allocations(api_client, secretariat, ann, ben, review):
    url = reverse("panel-api:allocation-list", args=[review.pk])
    client = api_client(secretariat)
    body = client.get(url).json()
    assert body["allocations"] == [] and body["version"] == 0
    assert body["decision_target"]
    made = client.post(url, {"lead": ann.pk, "others": [ben.pk], "version": 0}, format="json")
    assert made.status_code == 200, made.content
    assert [(a["member_name"], a["is_lead"]) for a in made.json()["allocations"]] == [
        ("Ann Abbott", True),
        ("Ben Bryce", False),
    ]
    stale = client.post(url, {"lead": ben.pk, "reason": "Swap", "version": 0}, format="json")
    assert stale.status_code == 409
    no_reason = client.post(url, {"lead": ben.pk, "version": made.json()["version"]}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    # A Panel member reads, and may not write.
    member = api_client(ann)
    assert member.get(url).status_code == 200
    assert member.post(url, {"lead": ann.pk, "version": 2}, format="json").status_code == 403


def test_the_api_refuses_someone_not_a_panel_member(api_client, secretariat, review):
    url = reverse("panel-api:allocation-list", args=[review.pk])
    response = api_client(secretariat).post(
        url, {"lead": secretariat.pk, "version": 0}, format="json"
    )
    assert response.status_code == 400
    assert "not a Panel member" in response.json()["lead"][0]


def test_the_api_workload_and_automatic_allocation(api_client, secretariat, ann, review):
    PanelMemberProfile.objects.create(user=ann, available=True, open_case_cap=4)
    client = api_client(secretariat)
    result = client.post(reverse("panel-api:allocate-automatically"))
    assert result.status_code == 200
    assert [a["review_id"] for a in result.json()["allocated"]] == [review.pk]
    [row] = [
        r for r in client.get(reverse("panel-api:workload")).json() if r["member_id"] == ann.pk
    ]
    assert (row["available"], row["cap"], row["open_as_lead"]) == (True, 4, 1)
    lead = api_client(_lead(review))
    assert lead.get(reverse("panel-api:workload")).status_code == 403


def _lead(review):
    from tests.factories import PartnershipLeadFactory

    return PartnershipLeadFactory(partnership=review.partnership)


@pytest.mark.parametrize("value", ["²", "١", "99999999999999999999", "-1", "0", " ", "x"])
def test_a_member_id_that_is_not_one_is_ignored_not_a_500(client, secretariat, ann, value):
    review = PanelReviewFactory()
    allocate(review, secretariat, ann)
    client.force_login(secretariat)
    queue = client.get(reverse("panel:queue"), {"allocated_to": value})
    assert queue.status_code == 200  # not a choice on the filter: the filter is not applied
    workload = client.get(reverse("panel:workload"), {"member": value})
    assert workload.status_code == 200
    assert "Availability and cap of" not in workload.content.decode()
    posted = client.post(
        reverse("panel:workload"),
        {"member": value, "available": "yes", "open_case_cap": "3", "version": 0},
    )
    assert posted.status_code == 200
    assert not PanelMemberProfile.objects.exists()
