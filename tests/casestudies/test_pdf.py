"""Each published case study is rendered to PDF by a Celery task (eager here), stored through
the storage API, rendered again only when its content changed, and fetches only our own files."""

import subprocess

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from casestudies import pdf, services
from casestudies.models import CaseStudyPDF
from casestudies.tasks import render_case_study_pdf, requeue_stale_pdfs
from tests.factories import (
    CaseStudyFactory,
    CaseStudyTranslationFactory,
    PublishedCaseStudyFactory,
    UserFactory,
    png_upload,
)

pytestmark = pytest.mark.django_db

THAI_BODY = (
    "## ปัญหา\n\nตลาดโบราณริมคลองถูกน้ำท่วมทุกฤดูฝน ผู้ค้ากว่าพันรายต้องหยุดขาย\n\n"
    "## ทางออก\n\nวิสาหกิจขนาดย่อมในท้องถิ่นติดตั้งแผงค้ายกสูงและระบบเตือนภัยทางข้อความ"
)


def render(case_study, language=None):
    return render_case_study_pdf.delay(case_study.pk, language or case_study.language).get()


def stored_pdf(case_study, language="en"):
    return CaseStudyPDF.objects.get(case_study=case_study, language=language)


def test_the_task_renders_and_stores_the_pdf(client):
    case_study = PublishedCaseStudyFactory(title="Semarang keeps its market dry")
    assert render(case_study) == "rendered"
    record = stored_pdf(case_study)
    assert record.state == CaseStudyPDF.State.READY
    assert default_storage.exists(record.file.name)
    response = client.get(reverse("casestudies:pdf", args=[case_study.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF-")


def test_an_unchanged_case_study_is_not_rendered_again():
    case_study = PublishedCaseStudyFactory()
    render(case_study)
    first = stored_pdf(case_study)
    assert render(case_study) == "unchanged"
    again = stored_pdf(case_study)
    assert again.file.name == first.file.name
    assert again.rendered_at == first.rendered_at


def test_a_changed_case_study_is_rendered_again_and_the_old_file_goes(
    writer, django_capture_on_commit_callbacks
):
    case_study = PublishedCaseStudyFactory(authors=[writer])
    render(case_study)
    old_name = stored_pdf(case_study).file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.save_case_study(case_study, by=writer, summary="A new summary of the pilot.")
    record = stored_pdf(case_study)
    assert record.file.name != old_name
    assert record.state == CaseStudyPDF.State.READY
    assert not default_storage.exists(old_name)


def test_publishing_renders_the_pdf_of_every_language(
    writer, reviewer, django_capture_on_commit_callbacks
):
    case_study = CaseStudyFactory(authors=[writer])
    CaseStudyTranslationFactory(case_study=case_study, language="th")
    services.submit_for_review(case_study, by=writer)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(case_study, by=reviewer)
    states = dict(case_study.pdfs.values_list("language", "state"))
    assert states == {"en": "ready", "th": "ready"}


def test_a_draft_is_never_rendered():
    case_study = CaseStudyFactory()
    assert render(case_study) == "not public"
    assert not CaseStudyPDF.objects.filter(case_study=case_study, file__gt="").exists()


def test_while_a_new_pdf_renders_the_last_good_one_stays_available(client):
    case_study = PublishedCaseStudyFactory()
    render(case_study)
    CaseStudyPDF.objects.filter(case_study=case_study).update(state=CaseStudyPDF.State.RENDERING)
    response = client.get(reverse("casestudies:pdf", args=[case_study.slug]))
    assert response.status_code == 200
    page = client.get(case_study.get_absolute_url()).text
    assert "Download the PDF" in page
    assert "being prepared" in page
    assert 'hx-trigger="every 2s"' in page


def test_the_progress_partial_stops_polling_once_ready(client):
    case_study = PublishedCaseStudyFactory()
    render(case_study)
    response = client.get(reverse("casestudies:pdf_status", args=[case_study.slug]))
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "Download the PDF" in response.text
    assert "hx-trigger" not in response.text


def test_the_pdf_of_a_case_study_not_rendered_yet_answers_503(client):
    case_study = PublishedCaseStudyFactory()
    response = client.get(reverse("casestudies:pdf", args=[case_study.slug]))
    assert response.status_code == 503
    assert response["Retry-After"]


def test_a_failed_render_is_retried_then_shown_to_staff_with_the_reason(client, staff, monkeypatch):
    case_study = PublishedCaseStudyFactory()
    calls = []

    def broken(html):
        calls.append(html)
        raise RuntimeError("the renderer ran out of memory")

    monkeypatch.setattr(pdf, "write_pdf", broken)
    assert render(case_study) == "failed"
    assert len(calls) == 3  # the first attempt and two retries
    record = stored_pdf(case_study)
    assert record.state == CaseStudyPDF.State.FAILED
    assert "ran out of memory" in record.error
    client.force_login(staff)
    assert "ran out of memory" in client.get(case_study.get_absolute_url()).text


def test_the_failure_reason_is_not_shown_to_the_public(client, monkeypatch):
    case_study = PublishedCaseStudyFactory()
    monkeypatch.setattr(pdf, "write_pdf", lambda html: 1 / 0)
    render(case_study)
    assert "ZeroDivisionError" not in client.get(case_study.get_absolute_url()).text
    client.force_login(UserFactory())
    assert "ZeroDivisionError" not in client.get(case_study.get_absolute_url()).text


# --- the fetcher -------------------------------------------------------------------------


def test_the_fetcher_refuses_a_remote_address():
    with pytest.raises(pdf.RefusedResource):
        pdf.OwnFilesFetcher().fetch("https://example.org/tracker.png")


def test_the_fetcher_refuses_files_elsewhere_on_the_machine():
    with pytest.raises(pdf.RefusedResource):
        pdf.OwnFilesFetcher().fetch("file:///etc/passwd")


def test_the_fetcher_refuses_a_way_out_of_our_folders():
    fetcher = pdf.OwnFilesFetcher()
    for url in (
        pdf.BASE_URL + "media/casestudies/images/../../../etc/passwd",
        pdf.BASE_URL + "static/..%2F..%2Fetc/passwd",
        pdf.BASE_URL + "media/other-app/private.pdf",
    ):
        with pytest.raises(pdf.RefusedResource):
            fetcher.fetch(url)


def test_the_fetcher_refuses_the_network_even_through_urllib_open():
    with pytest.raises(pdf.RefusedResource):
        pdf.OwnFilesFetcher().open("http://127.0.0.1:9/redirect-me")


def test_the_fetcher_serves_our_stylesheet_and_case_study_images(writer):
    case_study = services.create_case_study(
        by=writer,
        city=PublishedCaseStudyFactory().city,
        cohort=PublishedCaseStudyFactory().cohort,
        title="With a picture",
        summary="s",
        body="",
        hero_alt="A harbour",
        hero_image=_checked(png_upload()),
    )
    fetcher = pdf.OwnFilesFetcher()
    image = fetcher.fetch(pdf.BASE_URL.rstrip("/") + case_study.hero_image.url)
    assert image.read().startswith(b"\x89PNG")
    css = fetcher.fetch(pdf.BASE_URL + "static/casestudies/print.css")
    assert b"@page" in css.read()


def _checked(upload):
    from resilience_portal.uploads import JPEG, PNG, check_upload

    upload.checked = check_upload(upload, kinds=(PNG, JPEG))
    return upload


def test_markdown_cannot_put_remote_resources_or_scripts_into_the_pdf(tmp_path):
    case_study = PublishedCaseStudyFactory(
        body=(
            "![tracker](https://evil.example/pixel.png)\n\n<script>alert(1)</script>\n\n"
            '<img src="file:///etc/passwd"> <link rel=stylesheet href="https://evil.example/x.css">'
            '\n\n<style>@import url("https://evil.example/y.css");</style>'
        )
    )
    html = pdf.print_html(case_study, "en")
    assert "evil.example" not in html and "/etc/passwd" not in html and "<script" not in html
    requested = []

    class Recording(pdf.OwnFilesFetcher):
        def fetch(self, url, headers=None):
            requested.append(url)
            return super().fetch(url, headers)

    from weasyprint import HTML

    HTML(string=html, base_url=pdf.BASE_URL, url_fetcher=Recording()).write_pdf()
    assert all(url.startswith(pdf.BASE_URL) for url in requested)


# --- Thai ---------------------------------------------------------------------------------


@pytest.fixture
def thai_pdf(tmp_path):
    case_study = PublishedCaseStudyFactory(
        language="th", title="ตลาดริมคลองที่ไม่จมอีกแล้ว", summary="ผู้ค้ากลับมาขายได้", body=THAI_BODY
    )
    render(case_study, "th")
    record = stored_pdf(case_study, "th")
    path = tmp_path / "thai.pdf"
    with default_storage.open(record.file.name, "rb") as source:
        path.write_bytes(source.read())
    return path


def test_a_thai_case_study_embeds_a_thai_font(thai_pdf):
    fonts = subprocess.run(["pdffonts", str(thai_pdf)], capture_output=True, text=True, check=True)
    thai_lines = [line for line in fonts.stdout.splitlines() if "Thai" in line or "Loma" in line]
    assert thai_lines, fonts.stdout
    # pdffonts' "emb" column: every Thai font is embedded.
    assert all(" yes " in line for line in thai_lines), fonts.stdout


def test_a_thai_case_study_gives_back_its_thai_words(thai_pdf):
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(thai_pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # Words whose marks extract one for one (a glyph standing for several characters, as
    # in น้ำ, shows correctly on the page but pdftotext gives back fewer characters).
    assert "ตลาดริมคลองที่ไม่จม" in text
    assert "วิสาหกิจขนาดย่อม" in text
    assert "แผงค้ายกสูง" in text


def test_the_first_page_of_a_thai_case_study_turns_into_an_image(thai_pdf, tmp_path):
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "40",
            "-f",
            "1",
            "-l",
            "1",
            str(thai_pdf),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    pages = list(tmp_path.glob("page*.png"))
    assert len(pages) == 1
    assert pages[0].read_bytes().startswith(b"\x89PNG")
    assert pages[0].stat().st_size > 1000


def test_right_after_publishing_the_page_shows_the_pdf_is_being_prepared(
    client, writer, reviewer, draft, django_capture_on_commit_callbacks
):
    services.submit_for_review(draft, by=writer)
    with django_capture_on_commit_callbacks() as callbacks:
        services.publish(draft, by=reviewer)
    page = client.get(draft.get_absolute_url()).text
    assert "The PDF is being prepared" in page
    assert 'hx-trigger="every 2s"' in page
    for callback in callbacks:  # the worker's turn
        callback()
    status = client.get(reverse("casestudies:pdf_status", args=[draft.slug])).text
    assert "Download the PDF" in status


def test_pictures_uploaded_for_the_body_show_on_the_page_and_in_the_pdf(client, writer):
    case_study = PublishedCaseStudyFactory(authors=[writer])
    client.force_login(writer)
    client.post(
        reverse("casestudies:image_upload", args=[case_study.slug]),
        {"upload": png_upload(), "alt": "New stalls", "credit": "City"},
    )
    image = case_study.images.get()
    case_study.body = f"## Stalls\n\n{image.markdown()}"
    case_study.save()
    page = client.get(case_study.get_absolute_url()).text
    assert f'src="{image.image.url}"' in page
    requested = []

    class Recording(pdf.OwnFilesFetcher):
        def fetch(self, url, headers=None):
            requested.append(url)
            return super().fetch(url, headers)

    from weasyprint import HTML

    HTML(
        string=pdf.print_html(case_study, "en"), base_url=pdf.BASE_URL, url_fetcher=Recording()
    ).write_pdf()
    assert any(url.endswith(image.image.name) for url in requested)


def test_a_picture_upload_that_is_not_a_picture_is_refused(client, writer):
    case_study = PublishedCaseStudyFactory(authors=[writer])
    client.force_login(writer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("x.png", b"<svg onload=alert(1)></svg>", content_type="image/png")
    response = client.post(
        reverse("casestudies:image_upload", args=[case_study.slug]),
        {"upload": fake, "alt": "Fake"},
        follow=True,
    )
    assert not case_study.images.exists()
    assert "not one of these kinds" in response.text


def test_someone_who_is_not_staff_cannot_upload_pictures(client):
    case_study = PublishedCaseStudyFactory()
    client.force_login(UserFactory())
    response = client.post(
        reverse("casestudies:image_upload", args=[case_study.slug]),
        {"upload": png_upload(), "alt": "Vandal"},
    )
    assert response.status_code == 403
    assert not case_study.images.exists()


def test_a_render_waiting_too_long_is_sent_again(writer):
    case_study = PublishedCaseStudyFactory()
    CaseStudyPDF.objects.create(case_study=case_study, language="en", state="queued")
    assert requeue_stale_pdfs(older_than_seconds=0) == 1
    assert stored_pdf(case_study).state == CaseStudyPDF.State.READY


def test_a_render_just_queued_is_left_alone():
    case_study = PublishedCaseStudyFactory()
    CaseStudyPDF.objects.create(case_study=case_study, language="en", state="queued")
    assert requeue_stale_pdfs() == 0
    assert stored_pdf(case_study).state == CaseStudyPDF.State.QUEUED


def test_a_vietnamese_translation_renders_with_its_accents(tmp_path):
    translation = CaseStudyTranslationFactory(
        language="vi",
        title="Những phường chài sẵn sàng trước bão",
        summary="Ngư dân Đà Nẵng neo thuyền an toàn.",
        body="## Vấn đề\n\nBão đánh chìm thuyền mỗi mùa.",
    )
    render(translation.case_study, "vi")
    path = tmp_path / "vi.pdf"
    with default_storage.open(stored_pdf(translation.case_study, "vi").file.name, "rb") as source:
        path.write_bytes(source.read())
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Những phường chài sẵn sàng trước bão" in text
    assert "Ngư dân Đà Nẵng" in text
