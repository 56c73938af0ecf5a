"""Roles follow from memberships, and forbidden objects answer 404."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponse

from cohorts.models import City
from resilience_portal.permissions import (
    PROGRAMME_STAFF_GROUP,
    Role,
    get_visible_or_404,
    programme_staff_required,
    roles_of,
)
from tests.factories import CityFactory, CityMembershipFactory, SMEMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_have_no_role():
    assert roles_of(AnonymousUser()) == frozenset()


def test_a_city_membership_makes_a_city_official():
    membership = CityMembershipFactory()

    assert roles_of(membership.user) == {Role.CITY_OFFICIAL}


def _fresh(user):
    """The user as the next request loads it."""
    return type(user).objects.get(pk=user.pk)


def test_roles_are_asked_of_the_database_once_until_something_changes(
    django_assert_num_queries,
):
    user = CityMembershipFactory().user
    assert roles_of(_fresh(user)) == {Role.CITY_OFFICIAL}
    again = _fresh(user)

    with django_assert_num_queries(0):
        assert roles_of(again) == {Role.CITY_OFFICIAL}


def test_a_new_membership_gives_its_role_on_the_next_request():
    user = UserFactory()
    assert roles_of(_fresh(user)) == frozenset()

    SMEMembershipFactory(user=user)

    assert roles_of(_fresh(user)) == {Role.SME_MEMBER}


def test_a_membership_taken_away_takes_its_role_on_the_next_request():
    membership = CityMembershipFactory()
    assert roles_of(_fresh(membership.user)) == {Role.CITY_OFFICIAL}

    membership.status = membership.Status.REJECTED
    membership.save()

    assert roles_of(_fresh(membership.user)) == frozenset()


def test_joining_or_leaving_the_staff_group_counts_on_the_next_request(staff):
    assert Role.PROGRAMME_STAFF in roles_of(_fresh(staff))

    staff.groups.clear()
    assert Role.PROGRAMME_STAFF not in roles_of(_fresh(staff))

    staff.groups.add(Group.objects.get(name=PROGRAMME_STAFF_GROUP))
    assert Role.PROGRAMME_STAFF in roles_of(_fresh(staff))


def test_losing_the_staff_flag_counts_on_the_next_request(staff):
    assert Role.PROGRAMME_STAFF in roles_of(_fresh(staff))

    type(staff).objects.filter(pk=staff.pk).update(is_staff=False)

    assert Role.PROGRAMME_STAFF not in roles_of(_fresh(staff))


def test_programme_staff_need_the_group_and_the_staff_flag(staff):
    assert Role.PROGRAMME_STAFF in roles_of(staff)
    assert Role.PROGRAMME_STAFF not in roles_of(UserFactory(is_staff=True))


class CitiesOfTheirOwn(QuerySet):
    """A visibility rule as every model declares one: officials see their own cities."""

    def visible_to(self, user):
        return self.filter(memberships__user=user)


def test_an_object_outside_the_visible_set_is_a_404_and_inside_it_is_returned():
    membership = CityMembershipFactory()
    other_city = CityFactory()
    cities = CitiesOfTheirOwn(model=City)

    with pytest.raises(Http404):
        get_visible_or_404(cities, membership.user, slug=other_city.slug)
    assert get_visible_or_404(cities, membership.user, slug=membership.city.slug) == membership.city


def test_an_sme_membership_makes_an_sme_member():
    membership = SMEMembershipFactory()

    assert roles_of(membership.user) == {Role.SME_MEMBER}


@programme_staff_required
def staff_only_page(request):
    return HttpResponse("staff work")


def test_a_staff_page_sends_anonymous_visitors_to_sign_in(rf):
    request = rf.get("/staff-work/")
    request.user = AnonymousUser()

    response = staff_only_page(request)

    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_a_staff_page_refuses_a_signed_in_user_without_the_role(rf):
    request = rf.get("/staff-work/")
    request.user = UserFactory(is_staff=True)

    with pytest.raises(PermissionDenied):
        staff_only_page(request)


def test_a_staff_page_serves_programme_staff(rf, staff):
    request = rf.get("/staff-work/")
    request.user = staff

    assert staff_only_page(request).content == b"staff work"
