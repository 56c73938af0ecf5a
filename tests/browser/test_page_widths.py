"""On a 360 px phone no public page scrolls sideways, in any of the four languages (the
Vietnamese brand name is the longest), and at 390 px the menu button keeps its place on
the first row beside the brand."""

import pytest
from django.conf import settings

from tests.factories import (
    ChallengeFactory,
    CityFactory,
    CohortFactory,
    LearningSessionFactory,
    PublishedCaseStudyFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["en", "id", "th", "vi"]
NARROW = {"width": 360, "height": 780}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def public_pages():
    city = CityFactory(name="Thành phố Hồ Chí Minh", slug="ho-chi-minh-city", country="VN")
    cohort = CohortFactory(name="Asia-Pacific Resilience Cohort 2026")
    cohort.cities.add(city)
    challenge = ChallengeFactory(
        city=city,
        cohort=cohort,
        title="Giảm ngập lụt cho các chợ truyền thống trong mùa mưa bão",
    )
    PublishedCaseStudyFactory(city=city, cohort=cohort)
    LearningSessionFactory(cohort=cohort)
    return [
        "/",
        "/challenges/",
        challenge.get_absolute_url(),
        "/cohorts/",
        city.get_absolute_url(),
        "/case-studies/",
        "/sessions/",
        "/accounts/login/",
        "/accounts/signup/",
    ]


def in_language(page, live_server, language):
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_public_page_scrolls_sideways_at_360_px(page, live_server, public_pages, language):
    in_language(page, live_server, language)
    page.set_viewport_size(NARROW)
    too_wide = {}
    for url in public_pages:
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == language
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if widths[0] > widths[1]:
            too_wide[url] = widths
    assert too_wide == {}, f"scrollWidth > innerWidth in {language}: {too_wide}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_menu_button_stays_on_the_first_row_at_390_px(page, live_server, language):
    in_language(page, live_server, language)
    page.set_viewport_size(PHONE)
    page.goto("/")

    brand = page.locator(".navbar-brand").bounding_box()
    button = page.locator(".navbar-toggler").bounding_box()

    assert button["y"] < brand["y"] + brand["height"], "the menu button dropped below the brand"
    assert button["x"] > brand["x"] + brand["width"] - 1
