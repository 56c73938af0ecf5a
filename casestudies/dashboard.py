"""What programme staff should do next about case studies: review colleagues' drafts, fix PDFs."""

from .models import CaseStudy, CaseStudyPDF


def staff_panel(request):
    in_review = CaseStudy.objects.filter(status=CaseStudy.Status.IN_REVIEW).exclude(
        authors=request.user
    )
    return {
        "case_studies_to_review": in_review.select_related("city").order_by("submitted_at"),
        "case_study_drafts": CaseStudy.objects.filter(
            status=CaseStudy.Status.DRAFT, authors=request.user
        ).order_by("-updated_at"),
        "failed_pdfs": CaseStudyPDF.objects.filter(state=CaseStudyPDF.State.FAILED).select_related(
            "case_study"
        ),
    }
