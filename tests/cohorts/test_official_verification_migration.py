"""Officials who joined before requests needed review keep their access after the upgrade."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("cohorts", "0002_applications_reviews_invitations")]
AFTER = [("cohorts", "0003_city_official_verification")]


@pytest.mark.django_db(transaction=True)
def test_existing_memberships_are_marked_verified():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    User = old.get_model("resilience_portal", "User")
    City = old.get_model("cohorts", "City")
    Membership = old.get_model("cohorts", "CityMembership")
    user = User.objects.create(email="lead@semarang.go.id")
    city = City.objects.create(name="Semarang", slug="semarang", country="ID")
    Membership.objects.create(city=city, user=user, role="lead")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps

    membership = new.get_model("cohorts", "CityMembership").objects.get()
    assert membership.status == "verified"

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
