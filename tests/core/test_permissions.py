"""Roles follow from memberships, and forbidden objects answer 404."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from cohorts.models import City
from resilience_portal.permissions import Role, get_visible_or_404, roles_of
from tests.factories import CityFactory, CityMembershipFactory, SMEMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_have_no_role():
    assert roles_of(AnonymousUser()) == frozenset()


def test_a_city_membership_makes_a_city_official():
    membership = CityMembershipFactory()

    assert roles_of(membership.user) == {Role.CITY_OFFICIAL}


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
