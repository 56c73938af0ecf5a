from django.urls import path

from . import views

app_name = "cohorts"

urlpatterns = [
    path("cohorts/", views.cohort_list, name="list"),
    path("cohorts/new/", views.cohort_edit, name="create"),
    path("cohorts/cities/new/", views.city_register, name="city_register"),
    path("cohorts/invitations/<str:token>/", views.invitation, name="invitation"),
    path("cohorts/city-requests/", views.official_requests, name="official_requests"),
    path(
        "cohorts/city-requests/<int:pk>/decide/",
        views.official_request_decide,
        name="official_request_decide",
    ),
    path(
        "cohorts/city-requests/<int:pk>/letter/",
        views.official_request_letter,
        name="official_request_letter",
    ),
    path("cohorts/applications/<int:pk>/", views.application_detail, name="application"),
    path("cohorts/applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path(
        "cohorts/applications/<int:pk>/autosave/",
        views.application_autosave,
        name="application_autosave",
    ),
    path(
        "cohorts/applications/<int:pk>/withdraw/",
        views.application_withdraw,
        name="application_withdraw",
    ),
    path(
        "cohorts/applications/<int:pk>/letter/",
        views.application_letter,
        name="application_letter",
    ),
    path(
        "cohorts/applications/<int:pk>/review/",
        views.application_review,
        name="application_review",
    ),
    path(
        "cohorts/applications/<int:pk>/decide/",
        views.application_decide,
        name="application_decide",
    ),
    path("cohorts/<slug:slug>/", views.cohort_detail, name="detail"),
    path("cohorts/<slug:slug>/apply/", views.application_start, name="apply"),
    path("cohorts/<slug:slug>/edit/", views.cohort_edit, name="edit"),
    path("cohorts/<slug:slug>/manage/", views.cohort_manage, name="manage"),
    # One view for every staff act on a cohort; each act keeps its own address and name.
    *[
        path(f"cohorts/<slug:slug>/{address}/", views.cohort_act, {"act": act}, name=act)
        for act, address in [
            ("open", "open"),
            ("start_review", "start-review"),
            ("confirm", "confirm"),
            ("start_running", "start-running"),
            ("close", "close"),
        ]
    ],
    path("cities/<slug:slug>/", views.city_detail, name="city"),
    path("cities/<slug:slug>/edit/", views.city_edit, name="city_edit"),
    path("cities/<slug:slug>/team/", views.city_team, name="city_team"),
]
