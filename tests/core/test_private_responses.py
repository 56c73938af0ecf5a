"""Nothing shown to a signed-in user is kept by a shared cache: every response to them says
``Cache-Control: private, no-store``, walked over every route of the demo programme."""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils.cache import get_max_age

from casestudies.models import CaseStudy, NewsletterIssue, Subscriber
from cohorts.models import City, CityApplication, CityMembership, Cohort
from mentorship.models import (
    ActionItem,
    CalendarFeed,
    LearningSession,
    MatchingRound,
    MentorProfile,
    Mentorship,
    ProposedPair,
    Registration,
    SessionMaterial,
)
from procurement.models import (
    Challenge,
    ChallengeAttachment,
    Clarification,
    Evidence,
    Milestone,
    PanelSeat,
    Pilot,
    Proposal,
    ProposalAttachment,
    ProposalVersion,
    StandstillQuestion,
)
from resilience_portal import demo
from resilience_portal.models import User
from smes.models import SME, SMEDocument, SMEMembership
from tests.factories import PDF_BYTES, ChallengeFactory, ProposalFactory, member_of

pytestmark = pytest.mark.django_db

# Namespaces whose every route the walk covers; a new route needs its parameters below.
PORTAL_NAMESPACES = ("cohorts", "smes", "procurement", "mentorship", "casestudies")
ALSO_WALKED = ["home", "dashboard", "preferences", "set_language", "healthz"]
EXTRA_PATHS = ["/admin/", "/admin/cohorts/cityapplication/", "/accounts/email/", "/accounts/2fa/"]
PER_ROUTE = 3


def _slugs(queryset):
    return [{"slug": slug} for slug in queryset.values_list("slug", flat=True)[:PER_ROUTE]]


def _pks(queryset):
    return [{"pk": pk} for pk in queryset.values_list("pk", flat=True)[:PER_ROUTE]]


def route_parameters():
    """For each route with parameters, a few parameter sets naming demo objects."""
    cohorts, cities, smes = _slugs(Cohort.objects), _slugs(City.objects), _slugs(SME.objects)
    challenges = _slugs(Challenge.objects.order_by("status"))
    # Applications with a leadership letter first, so the letter download is among them.
    applications = _pks(CityApplication.objects.order_by("leadership_letter", "status"))
    proposals = _pks(Proposal.objects.order_by("status"))
    memberships = _pks(CityMembership.objects.order_by("evidence_letter"))
    token = [{"token": "not-a-real-invitation"}]
    by_sme = [
        {"slug": row.sme.slug, "pk": row.pk}
        for row in SMEDocument.objects.select_related("sme")[:PER_ROUTE]
    ]
    by_member = [
        {"slug": row.sme.slug, "pk": row.pk}
        for row in SMEMembership.objects.select_related("sme")[:PER_ROUTE]
    ]
    questions = [
        {"slug": row.challenge.slug, "pk": row.pk}
        for row in Clarification.objects.select_related("challenge")[:PER_ROUTE]
    ]
    challenge_documents = [
        {"slug": row.challenge.slug, "pk": row.pk}
        for row in ChallengeAttachment.objects.select_related("challenge")[:PER_ROUTE]
    ]
    attachments = [
        {"pk": row.proposal_id, "attachment_pk": row.pk}
        for row in ProposalAttachment.objects.all()[:PER_ROUTE]
    ]
    receipts = [
        {"pk": row.proposal_id, "number": row.number}
        for row in ProposalVersion.objects.all()[:PER_ROUTE]
    ]
    sessions = _pks(LearningSession.objects.order_by("-starts_at"))
    mentorships = _pks(Mentorship.objects.order_by("status"))
    rounds = _pks(MatchingRound.objects.order_by("status"))
    feeds = [{"token": t} for t in CalendarFeed.objects.values_list("token", flat=True)[:1]]
    case_studies = _slugs(CaseStudy.objects.order_by("status"))
    issues = _pks(NewsletterIssue.objects.order_by("status"))
    subscribers = list(Subscriber.objects.order_by("status")[:PER_ROUTE])
    # The evaluation's and the pilot's pages: challenges with a panel, and with a pilot.
    evaluated = _slugs(Challenge.objects.filter(pk__in=PanelSeat.objects.values("challenge")))
    piloted = _slugs(Challenge.objects.filter(pk__in=Pilot.objects.values("challenge")))
    evaluated_proposals = [
        {"slug": row.challenge.slug, "pk": row.pk}
        for row in Proposal.objects.filter(
            challenge__in=PanelSeat.objects.values("challenge"),
            status__in=Proposal.SUBMITTED_STATUSES,
        ).select_related("challenge")[:PER_ROUTE]
    ]
    standstill_questions = [
        {"slug": row.proposal.challenge.slug, "pk": row.pk}
        for row in StandstillQuestion.objects.select_related("proposal__challenge")[:PER_ROUTE]
    ]
    milestones = [
        {"slug": row.pilot.challenge.slug, "pk": row.pk}
        for row in Milestone.objects.select_related("pilot__challenge")[:PER_ROUTE]
    ]
    evidence = [
        {"slug": row.update.pilot.challenge.slug, "pk": row.pk}
        for row in Evidence.objects.select_related("update__pilot__challenge")[:PER_ROUTE]
    ]
    parameters = {
        "casestudies:newsletter_confirm": [{"token": s.confirm_token()} for s in subscribers],
        "casestudies:newsletter_unsubscribe": [
            {"token": s.unsubscribe_token()} for s in subscribers
        ],
        "casestudies:newsletter_manage": [{"token": s.manage_token()} for s in subscribers],
        "casestudies:newsletter_staff_bounce": [{"pk": s.pk} for s in subscribers],
        "casestudies:newsletter_staff_translation": [{**row, "language": "th"} for row in issues],
        "casestudies:newsletter_staff_act": [{**row, "act": "pause"} for row in issues],
        "casestudies:translation_edit": [{**row, "language": "th"} for row in case_studies],
        "mentorship:private_feed": [*feeds, {"token": "not-a-real-feed"}],
        "mentorship:request_mentor": _pks(MentorProfile.objects),
        "mentorship:mark_attendance": [
            {"pk": row.session_id, "registration": row.pk}
            for row in Registration.objects.all()[:PER_ROUTE]
        ],
        "mentorship:material_download": [
            {"pk": row.session_id, "material": row.pk}
            for row in SessionMaterial.objects.all()[:PER_ROUTE]
        ],
        "mentorship:tick": [
            {"pk": row.meeting.mentorship_id, "item": row.pk}
            for row in ActionItem.objects.select_related("meeting")[:PER_ROUTE]
        ],
        "mentorship:adjust_pair": [
            {"pk": row.matching_round_id, "pair": row.pk}
            for row in ProposedPair.objects.all()[:PER_ROUTE]
        ],
        "procurement:panel_invitation": token,
        "procurement:evaluation_answer": standstill_questions,
        "procurement:pilot_milestone_move": milestones,
        "procurement:pilot_evidence": evidence,
        "cohorts:invitation": token,
        "smes:invitation": token,
        "smes:document": by_sme,
        "smes:document_delete": by_sme,
        "smes:hand_over": by_member,
        "smes:member_remove": by_member,
        "procurement:question_answer": questions,
        "procurement:challenge_attachment": challenge_documents,
        "procurement:attachment_download": attachments,
        "procurement:attachment_remove": attachments,
        "procurement:receipt_content": receipts,
    }
    for prefix, names, values in [
        ("cohorts:", ["detail", "apply", "edit", "manage", "open", "start_review"], cohorts),
        ("cohorts:", ["confirm", "start_running", "close"], cohorts),
        ("cohorts:", ["city", "city_edit", "city_team"], cities),
        ("cohorts:", ["official_request_decide", "official_request_letter"], memberships),
        ("cohorts:", ["application", "application_edit", "application_withdraw"], applications),
        ("cohorts:", ["application_autosave"], applications),
        (
            "cohorts:",
            ["application_letter", "application_review", "application_decide"],
            applications,
        ),
        ("smes:", ["detail", "edit", "documents", "members"], smes),
        ("smes:", ["request_verification", "decide"], smes),
        ("procurement:", ["challenge_detail", "challenge_edit", "challenge_submit"], challenges),
        ("procurement:", ["challenge_autosave"], challenges),
        ("procurement:", ["proposal_autosave"], proposals),
        (
            "procurement:",
            ["challenge_approve", "challenge_send_back", "challenge_cancel"],
            challenges,
        ),
        ("procurement:", ["challenge_amend", "challenge_start_evaluation"], challenges),
        ("procurement:", ["question_ask", "challenge_attachment_upload"], challenges),
        ("procurement:", ["proposal_table", "proposal_table_csv", "proposal_start"], challenges),
        ("procurement:", ["proposal_detail", "proposal_edit", "proposal_submit"], proposals),
        ("procurement:", ["proposal_withdraw", "attachment_upload", "proposal_confirm"], proposals),
        ("casestudies:", ["detail", "pdf", "pdf_status", "edit", "image_upload"], case_studies),
        ("casestudies:", ["submit", "review", "archive", "restore"], case_studies),
        ("casestudies:", ["versions", "compare"], case_studies),
        ("casestudies:", ["newsletter_issue", "newsletter_staff_issue"], issues),
        (
            "casestudies:",
            ["newsletter_staff_edit", "newsletter_staff_preview", "newsletter_staff_progress"],
            issues,
        ),
        ("mentorship:", ["session_detail", "session_ics", "session_edit"], sessions),
        ("mentorship:", ["session_cancel", "register", "cancel_registration"], sessions),
        ("mentorship:", ["attendance", "feedback", "add_material", "set_recording"], sessions),
        ("mentorship:", ["mentorship_detail", "accept", "decline", "complete"], mentorships),
        ("mentorship:", ["log_meeting"], mentorships),
        ("mentorship:", ["round_detail", "join_round", "run_matcher", "confirm_round"], rounds),
        ("procurement:", ["panel", "evaluation", "evaluation_conflicts"], evaluated),
        ("procurement:", ["evaluation_submit", "evaluation_matrix", "evaluation_award"], evaluated),
        ("procurement:", ["evaluation_close", "debrief", "challenge_ocds"], evaluated),
        (
            "procurement:",
            ["evaluation_score", "evaluation_consensus", "evaluation_disqualify"],
            evaluated_proposals,
        ),
        ("procurement:", ["evaluation_shortlist"], evaluated_proposals),
        ("procurement:", ["pilot_detail", "pilot_start", "pilot_manage"], piloted),
        ("procurement:", ["pilot_complete", "pilot_report"], piloted),
    ]:
        parameters.update({prefix + name: values for name in names})
    return parameters


def portal_routes():
    """Every named route of the portal's apps: (name, whether it takes parameters)."""
    routes = [(name, False) for name in ALSO_WALKED]
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace in PORTAL_NAMESPACES:
            routes += [
                (f"{entry.namespace}:{pattern.name}", bool(pattern.pattern.converters))
                for pattern in entry.url_patterns
            ]
    return routes


def assert_private(response, url, email):
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    assert {"private", "no-store"} <= directives, (url, email, response.status_code)
    assert not get_max_age(response), (url, email)


def test_every_route_of_the_demo_answers_signed_in_users_privately(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    settings.DEBUG = False
    users = User.objects.filter(email__in=[email for email, _note in demo.logins])
    clients = []
    for user in sorted(users, key=lambda user: not user.is_staff):  # staff see the most
        clients.append((user.email, Client()))
        clients[-1][1].force_login(user)
    parameters = route_parameters()
    missing = [name for name, takes in portal_routes() if takes and name not in parameters]
    assert not missing, f"Tell this walk which demo objects fill these routes: {missing}"

    urls = list(EXTRA_PATHS)
    for name, takes in portal_routes():
        urls += [reverse(name, kwargs=kwargs) for kwargs in (parameters[name] if takes else [{}])]
    opened = set()
    for url in urls:
        for email, client in clients:
            response = client.get(url)
            assert_private(response, url, email)
            if response.status_code == 200:
                opened.add(url)
                break
            if response.status_code == 405:  # the route takes only POST, whoever asks
                break

    # The walk reached the pages and files the rule is for, not only refusals.
    private = [reverse("dashboard"), reverse("smes:export")]
    for name in [
        "cohorts:application",
        "cohorts:application_letter",
        "smes:document",
        "procurement:proposal_detail",
        "procurement:proposal_table_csv",
        "procurement:receipt_content",
    ]:
        reached = [reverse(name, kwargs=kwargs) for kwargs in parameters[name]]
        assert set(reached) & opened, f"no demo identity opened {name}"
    assert set(private) <= opened


def test_a_proposal_attachment_download_is_private(client):
    # The demo's proposals carry no attachments, so this download gets its own walk.
    proposal = ProposalFactory()
    client.force_login(member_of(proposal.sme))
    upload = SimpleUploadedFile("plan.pdf", PDF_BYTES, content_type="application/pdf")
    uploaded = client.post(
        reverse("procurement:attachment_upload", args=[proposal.pk]), {"file": upload}
    )
    attachment = proposal.attachments.get()

    response = client.get(
        reverse("procurement:attachment_download", args=[proposal.pk, attachment.pk])
    )

    assert response.status_code == 200
    assert_private(uploaded, "upload", "member")
    assert_private(response, "download", "member")


def test_public_pages_stay_cacheable_for_visitors(client):
    challenge = ChallengeFactory(status=Challenge.Status.PUBLISHED)

    response = client.get(challenge.get_absolute_url())

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
