from django.urls import path

from .views import autosave, challenge, evaluation, ocds, pilot, proposal

app_name = "procurement"

urlpatterns: list = [
    # Challenges and proposals
    path("challenges/", challenge.challenge_list, name="challenge_list"),
    path("challenges/new/", challenge.challenge_create, name="challenge_create"),
    path("challenges/approval/", challenge.approval_queue, name="approval_queue"),
    path("challenges/advice/", challenge.challenge_advice, name="challenge_advice"),
    path("challenges/<slug:slug>/", challenge.challenge_detail, name="challenge_detail"),
    path("challenges/<slug:slug>/edit/", challenge.challenge_edit, name="challenge_edit"),
    path(
        "challenges/<slug:slug>/autosave/", autosave.challenge_autosave, name="challenge_autosave"
    ),
    path("challenges/<slug:slug>/submit/", challenge.challenge_submit, name="challenge_submit"),
    path("challenges/<slug:slug>/approve/", challenge.challenge_approve, name="challenge_approve"),
    path(
        "challenges/<slug:slug>/send-back/",
        challenge.challenge_send_back,
        name="challenge_send_back",
    ),
    path("challenges/<slug:slug>/cancel/", challenge.challenge_cancel, name="challenge_cancel"),
    path("challenges/<slug:slug>/amend/", challenge.challenge_amend, name="challenge_amend"),
    path(
        "challenges/<slug:slug>/evaluate/",
        challenge.challenge_start_evaluation,
        name="challenge_start_evaluation",
    ),
    path("challenges/<slug:slug>/questions/", challenge.question_ask, name="question_ask"),
    path(
        "challenges/<slug:slug>/questions/<int:pk>/answer/",
        challenge.question_answer,
        name="question_answer",
    ),
    path(
        "challenges/<slug:slug>/documents/",
        challenge.challenge_attachment_upload,
        name="challenge_attachment_upload",
    ),
    path(
        "challenges/<slug:slug>/documents/<int:pk>/",
        challenge.challenge_attachment,
        name="challenge_attachment",
    ),
    path("challenges/<slug:slug>/proposals/", challenge.proposal_table, name="proposal_table"),
    path(
        "challenges/<slug:slug>/proposals.csv",
        challenge.proposal_table_csv,
        name="proposal_table_csv",
    ),
    path("challenges/<slug:slug>/propose/", proposal.proposal_start, name="proposal_start"),
    path("proposals/<int:pk>/", proposal.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/edit/", proposal.proposal_edit, name="proposal_edit"),
    path("proposals/<int:pk>/autosave/", autosave.proposal_autosave, name="proposal_autosave"),
    path("proposals/<int:pk>/submit/", proposal.proposal_submit, name="proposal_submit"),
    path("proposals/<int:pk>/withdraw/", proposal.proposal_withdraw, name="proposal_withdraw"),
    path("proposals/<int:pk>/confirm/", proposal.proposal_confirm, name="proposal_confirm"),
    path("proposals/<int:pk>/attachments/", proposal.attachment_upload, name="attachment_upload"),
    path(
        "proposals/<int:pk>/attachments/<int:attachment_pk>/",
        proposal.attachment_download,
        name="attachment_download",
    ),
    path(
        "proposals/<int:pk>/attachments/<int:attachment_pk>/remove/",
        proposal.attachment_remove,
        name="attachment_remove",
    ),
    path(
        "proposals/<int:pk>/receipts/<int:number>.json",
        proposal.receipt_content,
        name="receipt_content",
    ),
    # Evaluation: panel, conflicts, scores, moderation, award, debrief and standstill
    path("challenges/<slug:slug>/panel/", evaluation.panel, name="panel"),
    path("panel-invitations/<str:token>/", evaluation.panel_invitation, name="panel_invitation"),
    path("challenges/<slug:slug>/evaluation/", evaluation.evaluation, name="evaluation"),
    path(
        "challenges/<slug:slug>/evaluation/conflicts/",
        evaluation.conflicts,
        name="evaluation_conflicts",
    ),
    path(
        "challenges/<slug:slug>/evaluation/proposals/<int:pk>/",
        evaluation.score,
        name="evaluation_score",
    ),
    path("challenges/<slug:slug>/evaluation/submit/", evaluation.submit, name="evaluation_submit"),
    path("challenges/<slug:slug>/evaluation/matrix/", evaluation.matrix, name="evaluation_matrix"),
    path(
        "challenges/<slug:slug>/evaluation/proposals/<int:pk>/consensus/",
        evaluation.consensus,
        name="evaluation_consensus",
    ),
    path(
        "challenges/<slug:slug>/evaluation/proposals/<int:pk>/disqualify/",
        evaluation.disqualify,
        name="evaluation_disqualify",
    ),
    path(
        "challenges/<slug:slug>/evaluation/proposals/<int:pk>/shortlist/",
        evaluation.shortlist,
        name="evaluation_shortlist",
    ),
    path("challenges/<slug:slug>/evaluation/award/", evaluation.award, name="evaluation_award"),
    path(
        "challenges/<slug:slug>/evaluation/close/",
        evaluation.close_without_award,
        name="evaluation_close",
    ),
    path(
        "challenges/<slug:slug>/evaluation/questions/<int:pk>/answer/",
        evaluation.answer_question,
        name="evaluation_answer",
    ),
    path("challenges/<slug:slug>/debrief/", evaluation.debrief, name="debrief"),
    # Pilots and open contracting data
    path("challenges/<slug:slug>/pilot/", pilot.pilot_detail, name="pilot_detail"),
    path("challenges/<slug:slug>/pilot/start/", pilot.pilot_start, name="pilot_start"),
    path("challenges/<slug:slug>/pilot/plan/", pilot.pilot_manage, name="pilot_manage"),
    path(
        "challenges/<slug:slug>/pilot/milestones/<int:pk>/move/",
        pilot.milestone_move,
        name="pilot_milestone_move",
    ),
    path("challenges/<slug:slug>/pilot/complete/", pilot.pilot_complete, name="pilot_complete"),
    path("challenges/<slug:slug>/pilot/report/", pilot.pilot_report, name="pilot_report"),
    path(
        "challenges/<slug:slug>/pilot/evidence/<int:pk>/",
        pilot.evidence_download,
        name="pilot_evidence",
    ),
    path("challenges/<slug:slug>/ocds.json", ocds.challenge_package, name="challenge_ocds"),
    path("ocds/releases.json", ocds.bulk_package, name="ocds_releases"),
]
