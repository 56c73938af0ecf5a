"""Journey 7: the bulk package of every published challenge, paged with ``links.next``,
valid against the official schema, at a fixed number of queries per page."""

import pytest
from django.urls import reverse

from procurement.models import Challenge
from procurement.views import ocds as ocds_views
from tests.factories import (
    ChallengeFactory,
    ClosedChallengeFactory,
    KPIFactory,
    MilestoneFactory,
    PilotFactory,
    SubmittedProposalFactory,
    award_for,
)

from .ocds_validation import schema_errors

pytestmark = pytest.mark.django_db


def _awarded_with_pilot(bids):
    challenge = ClosedChallengeFactory()
    proposals = [SubmittedProposalFactory(challenge=challenge) for _ in range(bids)]
    pilot = PilotFactory(award=award_for(challenge, proposal=proposals[0]))
    MilestoneFactory(pilot=pilot)
    KPIFactory(pilot=pilot)
    return challenge


def test_every_page_validates_and_links_to_the_next_until_the_last(client, monkeypatch):
    monkeypatch.setattr(ocds_views, "PAGE_SIZE", 2)
    published = [ChallengeFactory() for _ in range(3)] + [_awarded_with_pilot(2)]
    ChallengeFactory(status=Challenge.Status.DRAFT, published_at=None)
    url, seen, pages = reverse("procurement:ocds_releases"), [], 0
    while url:
        body = client.get(url).json()
        assert schema_errors(body) == []
        seen += [r["ocid"] for r in body["releases"] if r["tag"][0].startswith("tender")]
        url = body.get("links", {}).get("next")
        pages += 1
    assert pages == 2
    assert len(seen) == len(published)
    assert len(set(seen)) == len(published)


def test_a_page_after_the_last_challenge_is_empty_and_has_no_next_link(client):
    challenge = ChallengeFactory()
    body = client.get(reverse("procurement:ocds_releases"), {"after": challenge.pk}).json()
    assert body["releases"] == []
    assert "next" not in body.get("links", {})


def test_a_malformed_cursor_is_a_404_not_an_error(client):
    assert client.get(reverse("procurement:ocds_releases"), {"after": "x"}).status_code == 404


def _queries(client, django_assert_max_num_queries, count):
    url = reverse("procurement:ocds_releases")
    with django_assert_max_num_queries(count) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_bulk_page_runs_the_same_queries_for_more_challenges_and_proposals(
    client, django_assert_max_num_queries
):
    for _ in range(2):
        _awarded_with_pilot(2)
    small = _queries(client, django_assert_max_num_queries, 20)
    for _ in range(4):
        _awarded_with_pilot(5)
        ChallengeFactory()
    large = _queries(client, django_assert_max_num_queries, 20)
    assert large == small


def test_one_challenges_package_runs_the_same_queries_for_more_proposals(
    client, django_assert_max_num_queries
):
    few = _awarded_with_pilot(2)
    many = _awarded_with_pilot(12)
    counts = []
    for challenge in (few, many):
        url = reverse("procurement:challenge_ocds", args=[challenge.slug])
        with django_assert_max_num_queries(9) as captured:
            client.get(url)
        counts.append(len(captured))
    assert counts[0] == counts[1]
