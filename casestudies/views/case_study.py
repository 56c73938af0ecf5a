"""Case-study pages: the public list, page and PDF; staff writing, review and versions."""

import difflib
import uuid

from django.conf import settings
from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from resilience_portal import audit, markdown, scanning
from resilience_portal.permissions import (
    get_visible_or_404,
    is_programme_staff,
    programme_staff_required,
)
from resilience_portal.public_pages import public_page
from resilience_portal.refusals import Refused, refuse

from .. import services
from ..forms import CaseStudyFilterForm, CaseStudyForm, ImageForm, ReviewForm, TranslationForm
from ..models import CaseStudy, CaseStudyImage, CaseStudyPDF, CaseStudyTranslation
from ..pdf import body_html, render_language_for

PAGE_SIZE = 12
LANGUAGE_NAMES = dict(settings.LANGUAGES)


def _reader_language(request, case_study=None):
    """``?lang=`` when the reader picked one of the case study's languages, else theirs."""
    asked = request.GET.get("lang")
    if asked in LANGUAGE_NAMES and (case_study is None or asked in case_study.languages()):
        return asked
    return request.LANGUAGE_CODE


@public_page
def case_study_list(request):
    form = CaseStudyFilterForm(request.GET or None)
    language = request.LANGUAGE_CODE
    case_studies = (
        form.filter(CaseStudy.objects.listed())
        .select_related("city", "cohort")
        .with_translation(language)
        .order_by("-published_at", "-id")
    )
    page = Paginator(case_studies, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "entries": [(cs, cs.for_reader(language)) for cs in page],
        "query": query.urlencode(),
    }
    if is_programme_staff(request.user):
        context["in_progress"] = (
            CaseStudy.objects.exclude(status__in=CaseStudy.PUBLIC_STATUSES)
            .select_related("city")
            .order_by("-updated_at")
        )
    return render(request, "casestudies/case_study/list.html", context)


def _case_study(request, slug):
    return get_visible_or_404(
        CaseStudy.objects.select_related("city", "cohort", "reviewer"), request.user, slug=slug
    )


def _pdf_for(case_study, language):
    return CaseStudyPDF.objects.filter(
        case_study=case_study, language=render_language_for(case_study, language)
    ).first()


@public_page
def case_study_detail(request, slug):
    case_study = _case_study(request, slug)
    language = _reader_language(request, case_study)
    text = case_study.for_reader(language)
    staff = is_programme_staff(request.user)
    context = {
        "case_study": case_study,
        "text": text,
        "reader_language": language,
        "body_html": body_html(case_study, text),
        "summary_html": markdown.render(text.summary),
        "challenges": case_study.related_challenges.public().select_related("city"),
        "live_figures": case_study.live_figures(),
        "other_languages": [
            (code, LANGUAGE_NAMES[code]) for code in case_study.languages() if code != language
        ],
        "pdf": _pdf_for(case_study, language),
        "is_staff": staff,
    }
    if staff:
        context.update(
            review_form=ReviewForm(),
            can={
                "edit": case_study.can_edit(request.user),
                "submit": case_study.can_submit(request.user),
                "review": case_study.can_review(request.user),
                "only_wait_for_review": case_study.status == CaseStudy.Status.IN_REVIEW
                and not case_study.can_review(request.user),
                "archive": case_study.can_archive(request.user),
                "restore": case_study.can_restore(request.user),
            },
            audit_trail=audit.trail(case_study)[:20],
            translations=case_study.translations.all(),
            missing_languages=[
                (code, name)
                for code, name in settings.LANGUAGES
                if code not in case_study.languages()
            ],
        )
    return render(request, "casestudies/case_study/detail.html", context)


def pdf_status(request, slug):
    """The PDF's state, polled by the page (htmx) while a render is under way."""
    case_study = _case_study(request, slug)
    language = _reader_language(request, case_study)
    return render(
        request,
        "casestudies/case_study/detail.html#pdf_status",
        {
            "case_study": case_study,
            "pdf": _pdf_for(case_study, language),
            "reader_language": language,
            "is_staff": is_programme_staff(request.user),
        },
    )


def case_study_pdf(request, slug):
    """The last good PDF in the reader's language (or the original's), from storage."""
    case_study = _case_study(request, slug)
    pdf = _pdf_for(case_study, _reader_language(request, case_study))
    if pdf is None or not pdf.file or not default_storage.exists(pdf.file.name):
        response = render(
            request,
            "casestudies/case_study/pdf_pending.html",
            {"case_study": case_study},
            status=503,
        )
        response["Retry-After"] = "30"
        return response
    response = FileResponse(
        default_storage.open(pdf.file.name, "rb"),
        content_type="application/pdf",
        filename=f"{case_study.slug}-{pdf.language}.pdf",
    )
    response["Content-Disposition"] = response["Content-Disposition"].replace(
        "attachment", "inline"
    )
    return response


# --- writing (programme staff) -------------------------------------------------------------


@programme_staff_required
def case_study_create(request):
    form = CaseStudyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            case_study = services.create_case_study(
                by=request.user,
                hero_image=form.cleaned_data.get("hero_upload"),
                related_challenges=form.cleaned_data["related_challenges"],
                related_pilots=form.cleaned_data["related_pilots"],
                **form.content(),
            )
        except Refused as refusal:
            refuse(request, refusal, form=form)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("casestudies:edit", slug=case_study.slug)
    return render(request, "casestudies/case_study/form.html", {"form": form})


@programme_staff_required
def case_study_edit(request, slug):
    case_study = get_object_or_404(CaseStudy, slug=slug)
    form = CaseStudyForm(request.POST or None, request.FILES or None, instance=case_study)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_case_study(
                case_study,
                by=request.user,
                hero_image=form.cleaned_data.get("hero_upload"),
                related_challenges=form.cleaned_data["related_challenges"],
                related_pilots=form.cleaned_data["related_pilots"],
                **form.content(),
            )
        except Refused as refusal:
            refuse(request, refusal, form=form)
        else:
            messages.success(request, _("Saved as a new version."))
            return redirect("casestudies:edit", slug=case_study.slug)
    return render(
        request,
        "casestudies/case_study/form.html",
        {
            "form": form,
            "case_study": case_study,
            "image_form": ImageForm(),
            "images": case_study.images.all(),
        },
    )


@programme_staff_required
@require_POST
def image_upload(request, slug):
    case_study = get_object_or_404(CaseStudy, slug=slug)
    form = ImageForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["upload"]
        image = CaseStudyImage(
            case_study=case_study,
            alt=form.cleaned_data["alt"],
            credit=form.cleaned_data["credit"],
            uploaded_by=request.user,
            scan_status=upload.checked.scan_status,
        )
        # Paths never come from the uploader's file name.
        image.image.save(f"{uuid.uuid4().hex}.{upload.checked.kind.extension}", upload, save=False)
        image.save()
        audit.record(case_study, "case_study.image_added", actor=request.user, image=image.pk)
        messages.success(request, _("Picture uploaded: paste its Markdown line into the body."))
    else:
        scanning.audit_infected(form, target=case_study, by=request.user)
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("casestudies:edit", slug=case_study.slug)


@programme_staff_required
def translation_edit(request, slug, language):
    case_study = get_object_or_404(CaseStudy, slug=slug)
    if language not in LANGUAGE_NAMES or language == case_study.language:
        raise Http404
    existing = CaseStudyTranslation.objects.filter(case_study=case_study, language=language).first()
    form = TranslationForm(request.POST or None, instance=existing)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_translation(case_study, language, by=request.user, **form.cleaned_data)
        except Refused as refusal:
            refuse(request, refusal, form=form)
        else:
            messages.success(request, _("The translation is saved."))
            return redirect(f"{case_study.get_absolute_url()}?lang={language}")
    return render(
        request,
        "casestudies/case_study/translation_form.html",
        {
            "form": form,
            "case_study": case_study,
            "language_name": LANGUAGE_NAMES[language],
            "language": language,
        },
    )


def _act(request, slug, act, success, **kwargs):
    case_study = get_object_or_404(CaseStudy, slug=slug)
    try:
        act(case_study, by=request.user, **kwargs)
    except Refused as refusal:
        refuse(request, refusal)
    else:
        messages.success(request, success)
    return redirect(case_study.get_absolute_url())


@programme_staff_required
@require_POST
def case_study_submit(request, slug):
    return _act(request, slug, services.submit_for_review, _("Sent for review."))


@programme_staff_required
@require_POST
def case_study_review(request, slug):
    form = ReviewForm(request.POST)
    form.is_valid()
    comments = form.cleaned_data.get("comments", "")
    if request.POST.get("decision") == "publish":
        return _act(
            request, slug, services.publish, _("Published. Its PDF is being prepared."),
            comments=comments,
        )  # fmt: skip
    return _act(
        request, slug, services.send_back, _("Sent back to its authors."), comments=comments
    )


@programme_staff_required
@require_POST
def case_study_archive(request, slug):
    return _act(request, slug, services.archive, _("Archived: out of lists and feeds."))


@programme_staff_required
@require_POST
def case_study_restore(request, slug):
    return _act(request, slug, services.restore, _("Published again."))


@programme_staff_required
def version_list(request, slug):
    case_study = get_object_or_404(CaseStudy, slug=slug)
    versions = case_study.versions.select_related("saved_by")
    return render(
        request,
        "casestudies/case_study/versions.html",
        {"case_study": case_study, "versions": versions},
    )


@programme_staff_required
def version_compare(request, slug):
    """Two versions side by side (difflib), the older on the left."""
    case_study = get_object_or_404(CaseStudy, slug=slug)
    numbers = sorted(
        int(n) for n in (request.GET.get("a"), request.GET.get("b")) if n and n.isdigit()
    )
    if len(numbers) != 2:
        raise Http404
    older = get_object_or_404(case_study.versions, number=numbers[0])
    newer = get_object_or_404(case_study.versions, number=numbers[1])
    table = difflib.HtmlDiff(wrapcolumn=60).make_table(
        older.as_text(),
        newer.as_text(),
        fromdesc=_("Version %(number)s") % {"number": older.number},
        todesc=_("Version %(number)s") % {"number": newer.number},
    )
    return render(
        request,
        "casestudies/case_study/compare.html",
        {
            "case_study": case_study,
            "older": older,
            "newer": newer,
            # difflib escapes the text it lays out; the table markup is its own.
            "table": mark_safe(table),
        },
    )


def image_file(request, name):
    """A case-study picture from the store (the disk or the bucket), by its random name. Only
    pictures the virus scanner found clean are served; held ones wait like on the page."""
    stored = f"casestudies/images/{name}"
    clean = scanning.ScanStatus.CLEAN
    held = (
        CaseStudyImage.objects.filter(image=stored).exclude(scan_status=clean).exists()
        or CaseStudy.objects.filter(hero_image=stored).exclude(hero_scan_status=clean).exists()
    )
    if held or not default_storage.exists(stored):
        raise Http404
    kind = "image/png" if name.endswith(".png") else "image/jpeg"
    response = FileResponse(default_storage.open(stored, "rb"), content_type=kind)
    if not request.user.is_authenticated:  # signed-in answers stay private, pictures too
        response["Cache-Control"] = "public, max-age=86400"
    return response
