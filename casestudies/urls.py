from django.urls import path

from .feeds import CaseStudyAtomFeed, CaseStudyFeed
from .views import case_study

app_name = "casestudies"

urlpatterns: list = [
    path("case-studies/", case_study.case_study_list, name="list"),
    path("case-studies/feed/", CaseStudyFeed(), name="feed"),
    path("case-studies/feed/atom/", CaseStudyAtomFeed(), name="feed_atom"),
    path("case-studies/new/", case_study.case_study_create, name="create"),
    path("case-studies/<slug:slug>.pdf", case_study.case_study_pdf, name="pdf"),
    path("case-studies/<slug:slug>/", case_study.case_study_detail, name="detail"),
    path("case-studies/<slug:slug>/pdf-status/", case_study.pdf_status, name="pdf_status"),
    path("case-studies/<slug:slug>/edit/", case_study.case_study_edit, name="edit"),
    path("case-studies/<slug:slug>/images/", case_study.image_upload, name="image_upload"),
    path(
        "case-studies/<slug:slug>/translations/<str:language>/",
        case_study.translation_edit,
        name="translation_edit",
    ),
    path("case-studies/<slug:slug>/submit/", case_study.case_study_submit, name="submit"),
    path("case-studies/<slug:slug>/review/", case_study.case_study_review, name="review"),
    path("case-studies/<slug:slug>/archive/", case_study.case_study_archive, name="archive"),
    path("case-studies/<slug:slug>/restore/", case_study.case_study_restore, name="restore"),
    path("case-studies/<slug:slug>/versions/", case_study.version_list, name="versions"),
    path(
        "case-studies/<slug:slug>/versions/compare/",
        case_study.version_compare,
        name="compare",
    ),
]
