"""What programme staff should do next about case studies: review colleagues' drafts, fix PDFs.

The panel reads everything in one query (the staff dashboard keeps a small, constant number
of queries, shared by every app's panel): the case studies that are in review by someone
else, the reader's own drafts and those with a failed PDF, each row annotated with whether
the reader wrote it and which languages failed; Python sorts them into the three lists.
"""

from types import SimpleNamespace

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import BooleanField, ExpressionWrapper, Q

from .models import CaseStudy, CaseStudyPDF


def staff_panel(request):
    status = CaseStudy.Status
    written_by_reader = CaseStudy.objects.filter(authors=request.user).values("pk")
    failed = CaseStudyPDF.objects.filter(state=CaseStudyPDF.State.FAILED)
    rows = list(
        CaseStudy.objects.filter(
            Q(status=status.IN_REVIEW)
            | Q(status=status.DRAFT, pk__in=written_by_reader)
            | Q(pk__in=failed.values("case_study"))
        )
        .annotate(
            by_reader=ExpressionWrapper(Q(pk__in=written_by_reader), output_field=BooleanField()),
            failed_languages=ArrayAgg(
                "pdfs__language",
                filter=Q(pdfs__state=CaseStudyPDF.State.FAILED),
                distinct=True,
                order_by="pdfs__language",
            ),
        )
        .select_related("city")
    )
    to_review = [r for r in rows if r.status == status.IN_REVIEW and not r.by_reader]
    drafts = [r for r in rows if r.status == status.DRAFT and r.by_reader]
    failed_pdfs = [
        SimpleNamespace(case_study=row, language=language)
        for row in sorted(rows, key=lambda r: r.title)
        for language in row.failed_languages or ()
        if language
    ]
    return {
        "case_studies_to_review": sorted(
            to_review, key=lambda r: (r.submitted_at is None, r.submitted_at or r.updated_at)
        ),
        "case_study_drafts": sorted(drafts, key=lambda r: r.updated_at, reverse=True),
        "failed_pdfs": failed_pdfs,
    }
