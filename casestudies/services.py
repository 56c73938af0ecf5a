"""Case-study acts: write, translate, send for review, publish or send back, archive, restore.

Each act is programme staff's only, goes through the core transition helper (or
``locked`` for a save that changes no status) and lands in the audit trail. Every save
keeps a version row; every change to a public case study asks for fresh PDFs, which
render after the transaction commits.
"""

import uuid

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from resilience_portal import audit
from resilience_portal.permissions import is_programme_staff
from resilience_portal.refusals import Refused
from resilience_portal.transitions import locked, transition

from . import pdf, tasks
from .models import CaseStudy, CaseStudyTranslation, CaseStudyVersion

CONTENT_FIELDS = (
    "city",
    "cohort",
    "title",
    "language",
    "summary",
    "body",
    "hero_alt",
    "hero_credit",
    "themes",
    "key_figures",
)
TRANSLATED_FIELDS = ("title", "summary", "body", "hero_alt")


def _require_staff(user):
    if not is_programme_staff(user):
        raise Refused(_("Only programme staff write, review and publish case studies."))


def _unique_slug(title, city):
    base = slugify(title)[:200] or f"{city.slug}-case-study"
    slug, n = base, 1
    while CaseStudy.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _keep_version(case_study, *, language, by, text):
    number = (case_study.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    return CaseStudyVersion.objects.create(
        case_study=case_study,
        language=language,
        number=number,
        title=text.title,
        summary=text.summary,
        body=text.body,
        key_figures=case_study.key_figures,
        saved_by=by,
    )


def _store_hero_image(case_study, upload, *, by):
    """The file's checked kind names its extension; the uploader's name names nothing. A file
    that arrived while the virus scanner was down is held (not shown) until it is scanned."""
    checked = upload.checked
    name = f"{uuid.uuid4().hex}.{checked.kind.extension}"
    case_study.hero_image.save(name, upload, save=False)
    case_study.hero_scan_status = checked.scan_status
    case_study.hero_uploaded_by = by


def create_case_study(
    *, by, hero_image=None, related_challenges=(), related_pilots=(), slug=None, **fields
):
    """A new draft written by ``by``; its first version is kept."""
    _require_staff(by)
    with transaction.atomic():
        case_study = CaseStudy(**fields)
        case_study.slug = slug or _unique_slug(case_study.title, case_study.city)
        if hero_image is not None:
            _store_hero_image(case_study, hero_image, by=by)
        case_study.save()
        case_study.authors.add(by)
        case_study.related_challenges.set(related_challenges)
        case_study.related_pilots.set(related_pilots)
        _keep_version(case_study, language=case_study.language, by=by, text=case_study)
        audit.record(case_study, "case_study.created", actor=by)
    return case_study


def save_case_study(
    case_study, *, by, hero_image=None, related_challenges=None, related_pilots=None, **changes
):
    """Save an edit: a new version, the editor among the authors, fresh PDFs if public."""
    _require_staff(by)
    unknown = set(changes) - set(CONTENT_FIELDS)
    if unknown:
        raise ValueError(f"Not case-study content: {sorted(unknown)}")
    with locked(case_study) as row:
        if row.status == CaseStudy.Status.ARCHIVED:
            raise Refused(_("An archived case study is restored before it is edited."))
        for field, value in changes.items():
            setattr(row, field, value)
        if hero_image is not None:
            _store_hero_image(row, hero_image, by=by)
        row.save()
        row.authors.add(by)
        if related_challenges is not None:
            row.related_challenges.set(related_challenges)
        if related_pilots is not None:
            row.related_pilots.set(related_pilots)
        version = _keep_version(row, language=row.language, by=by, text=row)
        audit.record(row, "case_study.saved", actor=by, version=version.number)
        if row.is_public():
            request_pdfs(row)
    for field in (*changes, "hero_image", "hero_scan_status", "updated_at"):
        setattr(case_study, field, getattr(row, field))
    return row


def save_translation(case_study, language, *, by, **text):
    """Write or rewrite the ``language`` text; kept as a version in that language."""
    _require_staff(by)
    if language == case_study.language:
        raise Refused(
            _("The case study is written in this language: edit it instead."), field="language"
        )
    with locked(case_study) as row:
        if row.status == CaseStudy.Status.ARCHIVED:
            raise Refused(_("An archived case study is restored before it is edited."))
        translation, _created = CaseStudyTranslation.objects.update_or_create(
            case_study=row,
            language=language,
            defaults={field: text.get(field, "") for field in TRANSLATED_FIELDS},
        )
        version = _keep_version(row, language=language, by=by, text=translation)
        audit.record(
            row, "case_study.translated", actor=by, language=language, version=version.number
        )
        if row.is_public():
            request_pdfs(row, languages=[language])
    return translation


def _staff_check(by):
    def check(row):
        _require_staff(by)

    return check


def submit_for_review(case_study, *, by):
    return transition(
        case_study,
        to=CaseStudy.Status.IN_REVIEW,
        allowed_from=[CaseStudy.Status.DRAFT],
        action="case_study.submitted",
        by=by,
        check=_staff_check(by),
        changes={"submitted_at": timezone.now()},
    )


def _reviewer_check(by):
    def check(row):
        _require_staff(by)
        if row.authors.filter(pk=by.pk).exists():
            raise Refused(_("An author cannot review their own case study: ask a colleague."))

    return check


def publish(case_study, *, by, comments=""):
    """The reviewer approves: the case study goes public and its PDFs render."""
    now = timezone.now()
    return transition(
        case_study,
        to=CaseStudy.Status.PUBLISHED,
        allowed_from=[CaseStudy.Status.IN_REVIEW],
        action="case_study.published",
        by=by,
        check=_reviewer_check(by),
        changes=lambda row: {
            "reviewer": by,
            "review_comments": comments,
            "published_at": row.published_at or now,
        },
        message=comments,
        then=request_pdfs,
    )


def send_back(case_study, *, by, comments):
    """The reviewer asks for changes; the comments say which."""
    if not (comments or "").strip():
        raise Refused(_("Say what should change before sending it back."), field="comments")
    return transition(
        case_study,
        to=CaseStudy.Status.DRAFT,
        allowed_from=[CaseStudy.Status.IN_REVIEW],
        action="case_study.sent_back",
        by=by,
        check=_reviewer_check(by),
        changes={"reviewer": by, "review_comments": comments},
        message=comments,
    )


def archive(case_study, *, by):
    """Out of lists and feeds; its address and PDF keep working for old links."""
    return transition(
        case_study,
        to=CaseStudy.Status.ARCHIVED,
        allowed_from=[CaseStudy.Status.PUBLISHED],
        action="case_study.archived",
        by=by,
        check=_staff_check(by),
    )


def restore(case_study, *, by):
    return transition(
        case_study,
        to=CaseStudy.Status.PUBLISHED,
        allowed_from=[CaseStudy.Status.ARCHIVED],
        action="case_study.restored",
        by=by,
        check=_staff_check(by),
    )


# --- PDFs ---------------------------------------------------------------------------------


def request_pdfs(case_study, languages=None):
    """Mark the PDFs of ``languages`` (default: every one it is readable in) as waiting, and
    queue their renders after commit. The render itself skips unchanged content."""
    for language in languages or case_study.languages():
        pdf.mark_waiting(case_study, language)
        # Robust: the case study is saved; a broker outage must not turn that into an error
        # page. The beat's requeue_stale_pdfs sends the render again later.
        transaction.on_commit(
            lambda language=language: tasks.render_case_study_pdf.delay(case_study.pk, language),
            robust=True,
        )
