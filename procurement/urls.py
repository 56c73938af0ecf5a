from django.urls import path

from .views import sme

app_name = "procurement"

urlpatterns: list = [
    # SMEs
    path("smes/", sme.directory, name="sme_directory"),
    path("smes/export.csv", sme.export, name="sme_export"),
    path("smes/register/", sme.register, name="sme_register"),
    path("smes/verification/", sme.verification_queue, name="sme_verification_queue"),
    path("smes/invitations/<str:token>/", sme.invitation, name="sme_invitation"),
    path("smes/<slug:slug>/", sme.detail, name="sme_detail"),
    path("smes/<slug:slug>/edit/", sme.edit, name="sme_edit"),
    path("smes/<slug:slug>/documents/", sme.documents, name="sme_documents"),
    path("smes/<slug:slug>/documents/<int:pk>/", sme.download_document, name="sme_document"),
    path(
        "smes/<slug:slug>/documents/<int:pk>/delete/",
        sme.delete_document,
        name="sme_document_delete",
    ),
    path(
        "smes/<slug:slug>/request-verification/",
        sme.request_verification,
        name="sme_request_verification",
    ),
    path("smes/<slug:slug>/decide/", sme.decide, name="sme_decide"),
    path("smes/<slug:slug>/members/", sme.members, name="sme_members"),
    path("smes/<slug:slug>/members/<int:pk>/hand-over/", sme.hand_over, name="sme_hand_over"),
    path("smes/<slug:slug>/members/<int:pk>/remove/", sme.remove, name="sme_member_remove"),
]
