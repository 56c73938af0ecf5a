from django.urls import path

from . import views

app_name = "smes"

urlpatterns = [
    path("smes/", views.directory, name="directory"),
    path("smes/export.csv", views.export, name="export"),
    path("smes/register/", views.register, name="register"),
    path("smes/verification/", views.verification_queue, name="verification_queue"),
    path("smes/invitations/<str:token>/", views.invitation, name="invitation"),
    path("smes/<slug:slug>/", views.detail, name="detail"),
    path("smes/<slug:slug>/edit/", views.edit, name="edit"),
    path("smes/<slug:slug>/documents/", views.documents, name="documents"),
    path("smes/<slug:slug>/documents/<int:pk>/", views.download_document, name="document"),
    path(
        "smes/<slug:slug>/documents/<int:pk>/delete/",
        views.delete_document,
        name="document_delete",
    ),
    path(
        "smes/<slug:slug>/request-verification/",
        views.request_verification,
        name="request_verification",
    ),
    path("smes/<slug:slug>/decide/", views.decide, name="decide"),
    path("smes/<slug:slug>/members/", views.members, name="members"),
    path("smes/<slug:slug>/members/<int:pk>/hand-over/", views.hand_over, name="hand_over"),
    path("smes/<slug:slug>/members/<int:pk>/remove/", views.remove, name="member_remove"),
]
