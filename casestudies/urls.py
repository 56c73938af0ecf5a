from django.urls import path

from .feeds import CaseStudyAtomFeed, CaseStudyFeed
from .views import case_study, newsletter

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
    # Pictures come from the store through the portal, whatever the store (disk or bucket).
    path(
        "media/casestudies/images/<str:name>",
        case_study.image_file,
        name="image_file",
    ),
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
    # The newsletter
    path("newsletter/", newsletter.archive, name="newsletter"),
    path("newsletter/subscribe/", newsletter.subscribe, name="newsletter_subscribe"),
    path("newsletter/subscribe/sent/", newsletter.check_inbox, name="newsletter_check_inbox"),
    path("newsletter/confirm/<str:token>/", newsletter.confirm, name="newsletter_confirm"),
    path(
        "newsletter/unsubscribe/<str:token>/",
        newsletter.unsubscribe,
        name="newsletter_unsubscribe",
    ),
    path("newsletter/manage/<str:token>/", newsletter.manage, name="newsletter_manage"),
    path("newsletter/issues/<int:pk>/", newsletter.issue_web_view, name="newsletter_issue"),
    path("newsletter/staff/", newsletter.staff_issue_list, name="newsletter_staff"),
    path(
        "newsletter/staff/issues/new/",
        newsletter.staff_issue_create,
        name="newsletter_staff_create",
    ),
    path(
        "newsletter/staff/issues/<int:pk>/",
        newsletter.staff_issue,
        name="newsletter_staff_issue",
    ),
    path(
        "newsletter/staff/issues/<int:pk>/edit/",
        newsletter.staff_issue_edit,
        name="newsletter_staff_edit",
    ),
    path(
        "newsletter/staff/issues/<int:pk>/translations/<str:language>/",
        newsletter.staff_issue_translation,
        name="newsletter_staff_translation",
    ),
    path(
        "newsletter/staff/issues/<int:pk>/preview/",
        newsletter.staff_issue_preview,
        name="newsletter_staff_preview",
    ),
    path(
        "newsletter/staff/issues/<int:pk>/progress/",
        newsletter.staff_issue_progress,
        name="newsletter_staff_progress",
    ),
    path(
        "newsletter/staff/issues/<int:pk>/<slug:act>/",
        newsletter.staff_issue_act,
        name="newsletter_staff_act",
    ),
    path(
        "newsletter/staff/subscribers/",
        newsletter.staff_subscriber_list,
        name="newsletter_staff_subscribers",
    ),
    path(
        "newsletter/staff/subscribers/<int:pk>/bounce/",
        newsletter.staff_subscriber_bounce,
        name="newsletter_staff_bounce",
    ),
]
