"""Readers see published case studies (list, filters, page, feed); drafts are 404 to them."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from casestudies.models import CaseStudy
from tests.factories import (
    CaseStudyFactory,
    CaseStudyTranslationFactory,
    CityFactory,
    CohortFactory,
    PublishedCaseStudyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_a_published_case_study_is_shown_to_anyone(client):
    case_study = PublishedCaseStudyFactory(title="Dry markets in Semarang")
    response = client.get(case_study.get_absolute_url())
    assert response.status_code == 200
    assert "Dry markets in Semarang" in response.text
    assert "traders kept trading" in response.text


@pytest.mark.parametrize("status", ["draft", "in_review"])
def test_an_unpublished_case_study_is_404_to_the_public(client, status):
    case_study = CaseStudyFactory(status=status)
    assert client.get(case_study.get_absolute_url()).status_code == 404
    assert client.get(reverse("casestudies:pdf", args=[case_study.slug])).status_code == 404


@pytest.mark.parametrize("status", ["draft", "in_review"])
def test_an_unpublished_case_study_is_404_to_a_signed_in_non_staff_user(client, status):
    case_study = CaseStudyFactory(status=status)
    client.force_login(UserFactory())
    assert client.get(case_study.get_absolute_url()).status_code == 404


def test_staff_see_a_draft(client, staff):
    case_study = CaseStudyFactory(title="Work in progress")
    client.force_login(staff)
    response = client.get(case_study.get_absolute_url())
    assert response.status_code == 200
    assert "Work in progress" in response.text


def test_the_list_shows_published_and_not_drafts(client):
    PublishedCaseStudyFactory(title="Published story")
    CaseStudyFactory(title="Secret draft")
    response = client.get(reverse("casestudies:list"))
    assert "Published story" in response.text
    assert "Secret draft" not in response.text


def test_an_archived_case_study_leaves_the_list_but_keeps_its_address(client):
    case_study = PublishedCaseStudyFactory(title="Old story", status=CaseStudy.Status.ARCHIVED)
    assert "Old story" not in client.get(reverse("casestudies:list")).text
    assert client.get(case_study.get_absolute_url()).status_code == 200


def test_the_list_filters_by_city_theme_cohort_and_language(client):
    bangkok, hanoi = CityFactory(slug="bangkok"), CityFactory(slug="hanoi")
    cohort_2026, cohort_2027 = CohortFactory(slug="c2026"), CohortFactory(slug="c2027")
    PublishedCaseStudyFactory(
        title="Bangkok heat", city=bangkok, cohort=cohort_2026, themes=["health"]
    )
    thai = PublishedCaseStudyFactory(
        title="Hanoi water", city=hanoi, cohort=cohort_2027, themes=["climate"]
    )
    CaseStudyTranslationFactory(case_study=thai, language="vi", title="Nước Hà Nội")
    url = reverse("casestudies:list")
    by_city = client.get(url, {"city": "bangkok"}).text
    assert "Bangkok heat" in by_city and "Hanoi water" not in by_city
    by_theme = client.get(url, {"theme": "climate"}).text
    assert "Hanoi water" in by_theme and "Bangkok heat" not in by_theme
    by_cohort = client.get(url, {"cohort": "c2026"}).text
    assert "Bangkok heat" in by_cohort and "Hanoi water" not in by_cohort
    by_language = client.get(url, {"language": "vi"}).text
    assert "Hanoi water" in by_language and "Bangkok heat" not in by_language


def test_the_list_is_paginated(client):
    for n in range(14):
        PublishedCaseStudyFactory(title=f"Story number {n}")
    first = client.get(reverse("casestudies:list"))
    second = client.get(reverse("casestudies:list"), {"page": 2})
    assert first.text.count("Story number") == 12
    assert second.text.count("Story number") == 2


def test_a_reader_sees_the_translation_in_their_language(client):
    translation = CaseStudyTranslationFactory(language="th")
    case_study = translation.case_study
    english = client.get(case_study.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert case_study.title in english.text
    thai = client.get(case_study.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="th")
    assert "ตลาดที่ไม่จมน้ำ" in thai.text
    assert '<article lang="th">' in thai.text


def test_a_reader_whose_language_has_no_translation_sees_the_original(client):
    translation = CaseStudyTranslationFactory(language="th")
    response = client.get(translation.case_study.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="vi")
    assert translation.case_study.title in response.text


def test_the_list_shows_titles_in_the_readers_language(client):
    CaseStudyTranslationFactory(language="th")
    response = client.get(reverse("casestudies:list"), HTTP_ACCEPT_LANGUAGE="th")
    assert "ตลาดที่ไม่จมน้ำ" in response.text


def test_the_city_page_lists_its_published_case_studies(client):
    city = CityFactory()
    PublishedCaseStudyFactory(city=city, title="Published for the city")
    CaseStudyFactory(city=city, title="Draft for the city")
    response = client.get(city.get_absolute_url())
    assert "Published for the city" in response.text
    assert "Draft for the city" not in response.text


def test_the_home_page_links_the_latest_case_studies(client):
    PublishedCaseStudyFactory(title="Latest story")
    response = client.get("/")
    assert "Latest story" in response.text
    assert reverse("casestudies:list") in response.text


@pytest.mark.parametrize("path", ["casestudies:feed", "casestudies:feed_atom"])
def test_the_feeds_are_valid_xml_with_published_case_studies_only(client, path):
    PublishedCaseStudyFactory(title="In the feed")
    CaseStudyFactory(title="Not in the feed")
    response = client.get(reverse(path))
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    text = ET.tostring(root, encoding="unicode")
    assert "In the feed" in text and "Not in the feed" not in text
    if path == "casestudies:feed":
        assert root.tag == "rss" and root.find("channel/item/link") is not None
    else:
        assert root.tag == "{http://www.w3.org/2005/Atom}feed"


@pytest.mark.parametrize("size", [3, 12])
def test_the_list_runs_a_constant_number_of_queries(
    client, django_assert_max_num_queries, settings, size
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # the page's own queries, not its keeping's
    for _n in range(size):
        CaseStudyTranslationFactory(case_study=PublishedCaseStudyFactory(), language="th")
    with django_assert_max_num_queries(7):
        response = client.get(reverse("casestudies:list"), HTTP_ACCEPT_LANGUAGE="th")
    assert response.text.count("ตลาดที่ไม่จมน้ำ") == size


@pytest.mark.parametrize("size", [3, 15])
def test_the_feed_runs_a_constant_number_of_queries(client, django_assert_max_num_queries, size):
    for _n in range(size):
        CaseStudyTranslationFactory(case_study=PublishedCaseStudyFactory(), language="th")
    with django_assert_max_num_queries(2):
        response = client.get(reverse("casestudies:feed"), HTTP_ACCEPT_LANGUAGE="th")
    assert response.content.decode().count("ตลาดที่ไม่จมน้ำ") == size
