"""Programme staff write, translate, review and publish in the portal's pages; nobody else can."""

import pytest
from django.urls import reverse

from casestudies.models import CaseStudy, CaseStudyVersion
from tests.factories import (
    CityFactory,
    CohortFactory,
    PublishedCaseStudyFactory,
    UserFactory,
    png_upload,
)

pytestmark = pytest.mark.django_db


def form_data(city, cohort, **overrides):
    return {
        "title": "Semarang keeps its market dry",
        "city": city.pk,
        "cohort": cohort.pk,
        "language": "en",
        "summary": "Raised stalls and an SMS warning.",
        "body": "## The problem\n\nFloods.",
        "hero_alt": "",
        "hero_credit": "",
        "themes": ["climate"],
        "key_figures": "1,200 | traders\n3 | SMEs hired",
        **overrides,
    }


def test_staff_write_a_draft_with_a_hero_image(client, writer):
    city, cohort = CityFactory(), CohortFactory()
    client.force_login(writer)
    data = form_data(city, cohort, hero_alt="The market at high tide", hero_upload=png_upload())
    response = client.post(reverse("casestudies:create"), data)
    case_study = CaseStudy.objects.get()
    assert response.status_code == 302
    assert case_study.status == CaseStudy.Status.DRAFT
    assert list(case_study.authors.all()) == [writer]
    assert case_study.key_figures == [
        {"value": "1,200", "label": "traders"},
        {"value": "3", "label": "SMEs hired"},
    ]
    assert case_study.hero_image.name.startswith("casestudies/images/")
    assert "harbour" not in case_study.hero_image.name
    assert case_study.versions.count() == 1


def test_a_hero_image_needs_its_description(client, writer):
    client.force_login(writer)
    data = form_data(CityFactory(), CohortFactory(), hero_upload=png_upload())
    response = client.post(reverse("casestudies:create"), data)
    assert response.status_code == 200
    assert "Describe the hero image" in response.text
    assert not CaseStudy.objects.exists()


def test_a_hero_image_that_is_not_a_picture_is_a_form_error(client, writer):
    client.force_login(writer)
    upload = png_upload()
    upload.file.write(b"")  # keep the name, replace the content below
    upload.file.seek(0)
    upload.file.truncate()
    upload.file.write(b"<svg onload=alert(1)>")
    upload.file.seek(0)
    upload.size = 21
    data = form_data(CityFactory(), CohortFactory(), hero_alt="x", hero_upload=upload)
    response = client.post(reverse("casestudies:create"), data)
    assert response.status_code == 200
    assert not CaseStudy.objects.exists()


def test_someone_signed_in_who_is_not_staff_cannot_write(client):
    client.force_login(UserFactory())
    assert client.get(reverse("casestudies:create")).status_code == 403
    data = form_data(CityFactory(), CohortFactory())
    assert client.post(reverse("casestudies:create"), data).status_code == 403
    assert not CaseStudy.objects.exists()


def test_a_visitor_is_asked_to_sign_in_before_writing(client):
    response = client.get(reverse("casestudies:create"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_each_save_keeps_a_version(client, writer, draft):
    client.force_login(writer)
    url = reverse("casestudies:edit", args=[draft.slug])
    client.post(url, form_data(draft.city, draft.cohort, summary="First summary."))
    client.post(url, form_data(draft.city, draft.cohort, summary="Second summary."))
    summaries = list(draft.versions.order_by("number").values_list("summary", flat=True))
    assert summaries[-2:] == ["First summary.", "Second summary."]


def test_staff_compare_two_versions_side_by_side(client, writer, draft):
    client.force_login(writer)
    url = reverse("casestudies:edit", args=[draft.slug])
    client.post(url, form_data(draft.city, draft.cohort, body="Old sentence. <script>x</script>"))
    client.post(url, form_data(draft.city, draft.cohort, body="New sentence."))
    last = draft.versions.order_by("-number").first().number
    response = client.get(
        reverse("casestudies:compare", args=[draft.slug]), {"a": last - 1, "b": last}
    )
    assert response.status_code == 200
    text = response.text.replace("&nbsp;", " ")
    assert 'class="diff"' in text
    assert "Old sentence." in text and "New sentence." in text
    assert "<script>x</script>" not in text


def test_versions_are_404_or_403_to_anyone_but_staff(client, draft):
    url = reverse("casestudies:versions", args=[draft.slug])
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    compare = reverse("casestudies:compare", args=[draft.slug])
    assert client.get(compare, {"a": 1, "b": 1}).status_code == 403


def test_someone_who_is_not_staff_cannot_edit_a_published_case_study(client):
    case_study = PublishedCaseStudyFactory()
    client.force_login(UserFactory())
    url = reverse("casestudies:edit", args=[case_study.slug])
    assert client.get(url).status_code == 403
    response = client.post(url, form_data(case_study.city, case_study.cohort, title="Defaced"))
    assert response.status_code == 403
    case_study.refresh_from_db()
    assert case_study.title != "Defaced"


def test_staff_send_for_review_and_a_colleague_publishes(
    client, writer, reviewer, draft, django_capture_on_commit_callbacks
):
    client.force_login(writer)
    client.post(reverse("casestudies:submit", args=[draft.slug]))
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks():
        client.post(
            reverse("casestudies:review", args=[draft.slug]),
            {"decision": "publish", "comments": "Good."},
        )
    draft.refresh_from_db()
    assert draft.status == CaseStudy.Status.PUBLISHED
    assert client.get(reverse("casestudies:list")).text.count(draft.title) == 1


def test_the_author_sees_the_refusal_when_reviewing_their_own(client, writer, draft):
    client.force_login(writer)
    client.post(reverse("casestudies:submit", args=[draft.slug]))
    response = client.post(
        reverse("casestudies:review", args=[draft.slug]), {"decision": "publish"}, follow=True
    )
    assert "cannot review their own" in response.text
    draft.refresh_from_db()
    assert draft.status == CaseStudy.Status.IN_REVIEW


@pytest.mark.parametrize("act", ["submit", "review", "archive", "restore"])
def test_someone_who_is_not_staff_is_refused_every_act(client, draft, act):
    client.force_login(UserFactory())
    response = client.post(
        reverse(f"casestudies:{act}", args=[draft.slug]), {"decision": "publish"}
    )
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == CaseStudy.Status.DRAFT


def test_acts_are_post_only(client, writer, draft):
    client.force_login(writer)
    assert client.get(reverse("casestudies:submit", args=[draft.slug])).status_code == 405
    draft.refresh_from_db()
    assert draft.status == CaseStudy.Status.DRAFT


def test_staff_translate_and_the_translation_is_versioned(client, writer, draft):
    client.force_login(writer)
    url = reverse("casestudies:translation_edit", args=[draft.slug, "vi"])
    response = client.post(
        url, {"title": "Chợ khô ráo", "summary": "Tóm tắt.", "body": "Nội dung.", "hero_alt": ""}
    )
    assert response.status_code == 302
    assert draft.translations.get(language="vi").title == "Chợ khô ráo"
    assert CaseStudyVersion.objects.filter(case_study=draft, language="vi").count() == 1


def test_a_translation_into_the_original_language_is_404(client, writer, draft):
    client.force_login(writer)
    url = reverse("casestudies:translation_edit", args=[draft.slug, draft.language])
    assert client.get(url).status_code == 404


def test_markdown_cannot_inject_scripts_or_remote_resources_into_the_page(client):
    case_study = PublishedCaseStudyFactory(
        body=(
            "Hello <script>alert(1)</script> <img src=x onerror=alert(2)>\n\n"
            "![tracker](https://evil.example/pixel.png)\n\n"
            '<iframe src="https://evil.example"></iframe> <link rel=stylesheet href=//evil.example/x.css>'
            "\n\n[click](javascript:alert(3))"
        )
    )
    text = client.get(case_study.get_absolute_url()).text
    assert "alert(1)" not in text and "onerror" not in text
    assert "evil.example" not in text
    assert "javascript:" not in text
    assert "<iframe" not in text
