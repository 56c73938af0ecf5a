"""Challenge pages: the public list and page, drafting, review, questions, amendments, bids table."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from resilience_portal import audit
from resilience_portal.permissions import (
    Role,
    get_visible_or_404,
    is_programme_staff,
    role_required,
)

from .. import markdown
from ..challenge_services import close_due_challenges
from ..evaluation_services import challenge_page_context
from ..forms.challenge import (
    AmendedCriteriaFormSet,
    AmendmentForm,
    AnswerForm,
    CancelForm,
    ChallengeFilterForm,
    ChallengeForm,
    CommentsForm,
    CriterionFormSet,
    QuestionForm,
)
from ..forms.proposal import UploadForm
from ..models import (
    SME,
    Challenge,
    ChallengeAttachment,
    Clarification,
    Proposal,
    TransitionRefused,
)


def _refused(request, error):
    for message in error.messages:
        messages.error(request, message)


def challenge_list(request):
    # Deadlines passed since the beat last ran are recorded first (one indexed query when
    # none is due), so the list never shows a challenge as open after its deadline.
    close_due_challenges()
    form = ChallengeFilterForm(request.GET or None)
    challenges = (
        form.filter(Challenge.objects.public())
        .select_related("city")
        .annotate(answered_questions=Count("clarifications", filter=Q(clarifications__answered_at__isnull=False)))
        .order_by("-status", "submissions_close", "id")
    )  # fmt: skip
    page = Paginator(challenges, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "procurement/challenge/list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def _challenge(request, slug):
    challenge = get_visible_or_404(
        Challenge.objects.select_related("city", "cohort"), request.user, slug=slug
    )
    # The close is recorded on first access too, so nothing depends on the beat being up.
    challenge.close_if_due()
    return challenge


def challenge_detail(request, slug):
    challenge = _challenge(request, slug)
    user = request.user
    is_official = challenge.is_official(user)
    staff = is_programme_staff(user)
    context = {
        "challenge": challenge,
        "problem_html": markdown.render(challenge.problem_statement),
        "outcomes_html": markdown.render(challenge.desired_outcomes),
        "criteria": challenge.criteria.all(),
        "attachments": challenge.attachments.all(),
        "amendments": challenge.amendments.all(),
        "answered": challenge.clarifications.answered(),
        "is_official": is_official,
        "is_staff": staff,
        "can_read_proposals": challenge.can_read_proposals(user),
        "audit_trail": audit.trail(challenge)[:20] if (is_official or staff) else None,
        **challenge_page_context(challenge, user),
    }
    if user.is_authenticated:
        member_smes = list(SME.objects.filter(memberships__user=user))
        if member_smes:
            own = {
                p.sme_id: p
                for p in Proposal.objects.filter(challenge=challenge, sme__in=member_smes)
            }
            context["my_smes"] = [
                (sme, own.get(sme.pk), challenge.is_eligible(sme)) for sme in member_smes
            ]  # fmt: skip
            context["my_questions"] = Clarification.objects.filter(
                challenge=challenge, sme__in=member_smes, answered_at__isnull=True
            )
            if challenge.questions_open():
                context["question_form"] = QuestionForm(user=user)
        if is_official:
            context["unanswered"] = challenge.clarifications.filter(answered_at__isnull=True)
            context["answer_form"] = AnswerForm()
            context["cancel_form"] = CancelForm()
            context["upload_form"] = UploadForm()
        if staff:
            context["comments_form"] = CommentsForm()
    return render(request, "procurement/challenge/detail.html", context)


def _edit_form(request, challenge=None):
    user = request.user
    form = ChallengeForm(request.POST or None, instance=challenge, user=user)
    criteria = CriterionFormSet(
        request.POST or None, instance=challenge or Challenge(), prefix="criteria"
    )
    if request.method == "POST" and form.is_valid() and criteria.is_valid():
        with transaction.atomic():
            created = challenge is None
            saved = form.save(commit=False)
            if created:
                saved.created_by = user
            saved.save()
            form.save_m2m()
            criteria.instance = saved
            criteria.save()
            audit.record(saved, "challenge.created" if created else "challenge.edited", actor=user)
        messages.success(request, _("The draft is saved."))
        return redirect(saved)
    return render(
        request,
        "procurement/challenge/form.html",
        {"form": form, "criteria": criteria, "challenge": challenge},
    )


@role_required(Role.CITY_OFFICIAL)
def challenge_create(request):
    return _edit_form(request)


@login_required
def challenge_edit(request, slug):
    challenge = get_object_or_404(Challenge.objects.editable_by(request.user), slug=slug)
    if challenge.status != Challenge.Status.DRAFT:
        messages.error(request, _("Only a draft can be edited; a published challenge is amended."))
        return redirect(challenge)
    return _edit_form(request, challenge)


def _official_challenge(request, slug):
    return get_object_or_404(
        Challenge.objects.editable_by(request.user).select_related("city"), slug=slug
    )


@require_POST
@login_required
def challenge_submit(request, slug):
    challenge = _official_challenge(request, slug)
    try:
        challenge.submit_for_approval(by=request.user)
        messages.success(request, _("Sent to programme staff for approval."))
    except TransitionRefused as error:
        _refused(request, error)
    return redirect(challenge)


@require_POST
@role_required(Role.PROGRAMME_STAFF)
def challenge_approve(request, slug):
    challenge = _challenge(request, slug)
    try:
        challenge.approve(by=request.user)
        messages.success(request, _("Approved and published."))
    except TransitionRefused as error:
        _refused(request, error)
    return redirect(challenge)


@require_POST
@role_required(Role.PROGRAMME_STAFF)
def challenge_send_back(request, slug):
    challenge = _challenge(request, slug)
    form = CommentsForm(request.POST)
    try:
        challenge.send_back(by=request.user, comments=form.data.get("comments", ""))
        messages.success(request, _("Sent back to the city with your comments."))
    except TransitionRefused as error:
        _refused(request, error)
    return redirect(challenge)


@require_POST
@login_required
def challenge_cancel(request, slug):
    challenge = _challenge(request, slug)
    if not (challenge.is_official(request.user) or is_programme_staff(request.user)):
        raise Http404
    try:
        challenge.cancel(by=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, _("The challenge is cancelled; bidders are told."))
    except TransitionRefused as error:
        _refused(request, error)
    return redirect(challenge)


@require_POST
@login_required
def challenge_start_evaluation(request, slug):
    challenge = _challenge(request, slug)
    if not (challenge.is_official(request.user) or is_programme_staff(request.user)):
        raise Http404
    try:
        challenge.start_evaluation(by=request.user)
    except TransitionRefused as error:
        _refused(request, error)
    return redirect(challenge)


@login_required
def challenge_amend(request, slug):
    challenge = _official_challenge(request, slug)
    initial = [
        {"name": c.name, "description": c.description, "weight": c.weight}
        for c in challenge.criteria.all()
    ]
    form = AmendmentForm(request.POST or None, challenge=challenge)
    criteria = AmendedCriteriaFormSet(request.POST or None, initial=initial, prefix="criteria")
    if request.method == "POST" and form.is_valid() and criteria.is_valid():
        try:
            challenge.amend(
                by=request.user,
                summary=form.cleaned_data["summary"],
                questions_close=form.cleaned_data["questions_close"],
                submissions_close=form.cleaned_data["submissions_close"],
                criteria=criteria.criteria(),
            )
            messages.success(request, _("The amendment is published and bidders are told."))
            return redirect(challenge)
        except TransitionRefused as error:
            _refused(request, error)
    return render(
        request,
        "procurement/challenge/amend.html",
        {"challenge": challenge, "form": form, "criteria": criteria},
    )


@require_POST
@login_required
def question_ask(request, slug):
    challenge = _challenge(request, slug)
    form = QuestionForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            Clarification.ask(
                challenge,
                sme=form.cleaned_data["sme"],
                by=request.user,
                question=form.cleaned_data["question"],
            )
            messages.success(request, _("Your question is sent; the answer will appear below."))
        except TransitionRefused as error:
            _refused(request, error)
    else:
        messages.error(request, _("Write your question and choose your SME."))
    return redirect(challenge)


@require_POST
@login_required
def question_answer(request, slug, pk):
    challenge = _official_challenge(request, slug)
    clarification = get_object_or_404(challenge.clarifications, pk=pk)
    try:
        clarification.publish_answer(by=request.user, answer=request.POST.get("answer", ""))
        messages.success(request, _("The answer is published."))
    except TransitionRefused as error:
        _refused(request, error)
    return redirect(challenge)


@require_POST
@login_required
def challenge_attachment_upload(request, slug):
    challenge = _official_challenge(request, slug)
    form = UploadForm(request.POST, request.FILES)
    if challenge.status != Challenge.Status.DRAFT:
        messages.error(request, _("Documents are added while the challenge is a draft."))
    elif form.is_valid():
        upload = form.cleaned_data["file"]
        attachment = ChallengeAttachment.objects.create(
            challenge=challenge,
            file=upload,
            name=form.display_name,
            content_type=form.content_type,
            size=upload.size,
            sha256=form.sha256,
        )
        audit.record(
            challenge, "challenge.attachment_added", actor=request.user, sha256=attachment.sha256
        )
    else:
        for error in form.errors.get("file", []):
            messages.error(request, error)
    return redirect(challenge)


def challenge_attachment(request, slug, pk):
    challenge = _challenge(request, slug)
    attachment = get_object_or_404(challenge.attachments, pk=pk)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )


def _spreadsheet_safe(value):
    """Keep a spreadsheet from reading a bidder's text as a formula (CSV injection)."""
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _unsealed_proposals(request, slug):
    """Submitted proposals, for the city's officials and staff, after the deadline only."""
    challenge = _challenge(request, slug)
    if not challenge.can_read_proposals(request.user):
        raise Http404
    proposals = (
        Proposal.objects.visible_to(request.user)
        .filter(challenge=challenge, status__in=Proposal.SUBMITTED_STATUSES)
        .select_related("sme")
        .prefetch_related(Prefetch("attachments"))
        .order_by("price", "sme__legal_name")
    )
    return challenge, proposals


@login_required
def proposal_table(request, slug):
    challenge, proposals = _unsealed_proposals(request, slug)
    return render(
        request,
        "procurement/challenge/proposals.html",
        {"challenge": challenge, "proposals": proposals},
    )


@login_required
def proposal_table_csv(request, slug):
    challenge, proposals = _unsealed_proposals(request, slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{challenge.slug}-proposals.csv"'
    writer = csv.writer(response)
    writer.writerow(["sme", "price", "currency", "submitted_at", "version", "sha256"])
    for proposal in proposals:
        writer.writerow(
            [
                _spreadsheet_safe(proposal.sme.legal_name),
                proposal.price,
                proposal.currency,
                proposal.submitted_at.isoformat(),
                proposal.version,
                proposal.receipt_digest,
            ]
        )
    return response
