"""Case-study PDFs: the print HTML, its content hash, a fetcher limited to our own files,
and the render that replaces the stored PDF only once a new one has succeeded.
"""

import hashlib
import logging
import os
import posixpath
import re
import time
from functools import cache
from urllib import request
from urllib.parse import unquote, urljoin

from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe

from resilience_portal import markdown

from .models import CaseStudy, CaseStudyPDF

# WeasyPrint reports each step of each render at INFO; only its warnings matter here.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from weasyprint import CSS, HTML  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

STYLESHEET = "casestudies/print.css"
# The origin the print HTML is laid out under; nothing is ever fetched from it.
BASE_URL = "https://case-studies.pdf.invalid/"
IMAGES_FOLDER = "casestudies/images/"
_HEADING = re.compile(r"<h2>(.*?)</h2>", re.DOTALL)


class RefusedResource(ValueError):
    """The PDF asked for something that is not one of our own static or media files."""


def images_prefix():
    """The address under which case-study images are stored, for the Markdown renderer."""
    return default_storage.url(IMAGES_FOLDER)


def _safe_name(name):
    name = unquote(name)
    normal = posixpath.normpath(name)
    if name.startswith("/") or normal.startswith("..") or normal != name or "\\" in name:
        raise RefusedResource(f"Not a plain file name: {name}")
    return normal


class OwnFilesFetcher(URLFetcher):
    """Serves the PDF renderer our own static files and case-study images, and nothing else:
    no network (so no redirects), no ``file://`` path, no ``data:`` trickery."""

    def __init__(self):
        # No urllib handlers at all (URLFetcher's would build an SSL context per render):
        # nothing here ever opens a connection.
        request.OpenerDirector.__init__(self)
        self._allowed_protocols = ()
        self._fail_on_errors = False
        self._timeout = 0
        self._http_headers = {}
        self._request = None

    def fetch(self, url, headers=None):
        static_prefix = urljoin(BASE_URL, static(""))
        media_prefix = urljoin(BASE_URL, default_storage.url(""))
        if url.startswith(static_prefix):
            name = _safe_name(url[len(static_prefix) :].split("?")[0])
            path = finders.find(name)
            if not path:
                raise RefusedResource(f"No such static file: {name}")
            with open(path, "rb") as source:
                return URLFetcherResponse(url, source.read())
        if url.startswith(media_prefix):
            name = _safe_name(url[len(media_prefix) :].split("?")[0])
            if not name.startswith(IMAGES_FOLDER):
                raise RefusedResource(f"Not a case-study image: {name}")
            with default_storage.open(name, "rb") as source:
                return URLFetcherResponse(url, source.read())
        raise RefusedResource(f"Only the portal's own files go into a PDF, not {url}")

    def open(self, url, data=None, timeout=None):  # never the network, whoever asks
        return self.fetch(url.full_url if hasattr(url, "full_url") else url)


@cache
def _stylesheet(mtime):
    path = finders.find(STYLESHEET)
    with open(path, encoding="utf-8") as source:
        text = source.read()
    return text, CSS(string=text, base_url=BASE_URL, url_fetcher=OwnFilesFetcher())


def stylesheet():
    """The print stylesheet, parsed once per version of the file (its cascade is the cost)."""
    path = finders.find(STYLESHEET)
    return _stylesheet(os.stat(path).st_mtime_ns)


_IMAGE = re.compile(r"<img\b[^>]*>")


def body_html(case_study, text):
    """The body as safe HTML, with pictures under our images folder only, and none that the
    virus scanner has not yet found clean."""
    html = markdown.render(text.body, images_under=images_prefix())
    held = case_study.held_image_urls()
    if held:
        html = _IMAGE.sub(
            lambda match: "" if any(f'src="{url}"' in match[0] for url in held) else match[0],
            html,
        )
    return mark_safe(html)


def _with_anchors(html):
    """Give the body's sections ids, and list them for the contents page."""
    sections = []

    def anchor(match):
        sections.append((f"section-{len(sections) + 1}", strip_tags(match[1])))
        return f'<h2 id="{sections[-1][0]}">{match[1]}</h2>'

    # The renderer's output was sanitised; adding ids to its headings keeps it safe.
    return mark_safe(_HEADING.sub(anchor, html)), sections


def print_html(case_study, language):
    """The HTML the PDF is made from, in ``language`` where a translation exists."""
    with translation.override(language):
        text = case_study.for_reader(language)
        body, sections = _with_anchors(body_html(case_study, text))
        return render_to_string(
            "casestudies/case_study/print.html",
            {
                "case_study": case_study,
                "text": text,
                "language": language,
                "body": body,
                "sections": sections,
                "summary": markdown.render(text.summary),
                "challenges": case_study.related_challenges.public().select_related("city"),
                "live_figures": case_study.live_figures(),
            },
        )


def content_hash(html):
    """What decides whether a new render is needed: the HTML and the stylesheet it uses."""
    css_text, _css = stylesheet()
    return hashlib.sha256((html + "\0" + css_text).encode()).hexdigest()


def write_pdf(html):
    """Render ``html`` to PDF bytes; returns (bytes, page count)."""
    _text, css = stylesheet()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=OwnFilesFetcher()).render(
        stylesheets=[css], optimize_images=False, cache=_image_cache
    )
    return document.write_pdf(), len(document.pages)


# Images shared across renders, as WeasyPrint recommends; bounded by clearing it when large.
_image_cache: dict = {}


def render_if_changed(case_study_id, language):
    """Render the PDF unless the stored one was made from the same content. Returns the state."""
    case_study = (
        CaseStudy.objects.public().select_related("city", "cohort").filter(pk=case_study_id).first()
    )
    if case_study is None:
        return "not public"
    pdf, _created = CaseStudyPDF.objects.get_or_create(case_study=case_study, language=language)
    html = print_html(case_study, language)
    digest = content_hash(html)
    if pdf.content_hash == digest and pdf.file and default_storage.exists(pdf.file.name):
        CaseStudyPDF.objects.filter(pk=pdf.pk).update(state=CaseStudyPDF.State.READY, error="")
        return "unchanged"
    CaseStudyPDF.objects.filter(pk=pdf.pk).update(
        state=CaseStudyPDF.State.RENDERING, updated_at=timezone.now()
    )
    if len(_image_cache) > 200:
        _image_cache.clear()
    started = time.perf_counter()
    content, pages = write_pdf(html)
    seconds = time.perf_counter() - started
    name = default_storage.save(
        f"casestudies/pdf/{case_study.slug}-{language}-{digest[:16]}.pdf", ContentFile(content)
    )
    old_name = pdf.file.name
    CaseStudyPDF.objects.filter(pk=pdf.pk).update(
        file=name,
        content_hash=digest,
        state=CaseStudyPDF.State.READY,
        error="",
        attempts=0,
        pages=pages,
        rendered_at=timezone.now(),
        render_seconds=seconds,
        updated_at=timezone.now(),
    )
    if old_name and old_name != name:
        default_storage.delete(old_name)
    return "rendered"


def record_attempt_failed(case_study_id, language, *, reason, final):
    """Count a failed attempt; after the last one staff see the reason. The old file stays."""
    pdfs = CaseStudyPDF.objects.filter(case_study_id=case_study_id, language=language)
    for pdf in pdfs:
        CaseStudyPDF.objects.filter(pk=pdf.pk).update(
            attempts=pdf.attempts + 1,
            error=reason[:2000],
            state=CaseStudyPDF.State.FAILED if final else CaseStudyPDF.State.QUEUED,
            updated_at=timezone.now(),
        )


def mark_waiting(case_study, language):
    """The PDF of ``language`` waits for a render (one already under way stays as it is)."""
    pdf, _created = CaseStudyPDF.objects.get_or_create(case_study=case_study, language=language)
    if not pdf.in_progress():
        CaseStudyPDF.objects.filter(pk=pdf.pk).update(
            state=CaseStudyPDF.State.QUEUED, attempts=0, updated_at=timezone.now()
        )


def stale_renders(*, older_than):
    """The renders that have waited too long (a lost message, a killed worker), as
    (case study id, language) pairs to send again; each is stamped so it waits anew.
    A render that did happen answers "unchanged", so sending twice costs little."""
    stale = CaseStudyPDF.objects.filter(
        state__in=[CaseStudyPDF.State.QUEUED, CaseStudyPDF.State.RENDERING],
        updated_at__lt=timezone.now() - older_than,
    )
    pairs = list(stale.values_list("case_study_id", "language"))
    for case_study_id, language in pairs:
        CaseStudyPDF.objects.filter(case_study_id=case_study_id, language=language).update(
            updated_at=timezone.now()
        )
    return pairs


def outdated_live_pdfs():
    """Ready PDFs of public case studies with related pilots whose print, made now, differs
    from the one the stored file was made from (a new KPI reading, a corrected target, a
    pilot gone private): each is marked waiting and returned as (case study id, language).

    The decision is ``render_if_changed``'s own content hash, so whatever changed a pilot
    (its pages, the admin, a bulk correction) is seen, and procurement needs to know nothing
    of case studies. A PDF waiting or failed is left to its render or to staff."""
    live = CaseStudy.objects.public().filter(related_pilots__isnull=False)
    pdfs = CaseStudyPDF.objects.filter(
        case_study__in=live, state=CaseStudyPDF.State.READY
    ).select_related("case_study__city", "case_study__cohort")
    outdated = []
    for pdf in pdfs:
        if content_hash(print_html(pdf.case_study, pdf.language)) == pdf.content_hash:
            continue
        # Conditional: a save that queued a render meanwhile keeps its own.
        marked = CaseStudyPDF.objects.filter(pk=pdf.pk, state=CaseStudyPDF.State.READY).update(
            state=CaseStudyPDF.State.QUEUED, attempts=0, updated_at=timezone.now()
        )
        if marked:
            outdated.append((pdf.case_study_id, pdf.language))
    return outdated


def render_language_for(case_study, requested):
    """The PDF language a reader gets: theirs where it exists, else the original."""
    return requested if requested in case_study.languages() else case_study.language
