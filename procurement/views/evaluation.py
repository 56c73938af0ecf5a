"""Evaluation pages: the panel, conflicts, score sheets, the chair's matrix, award and debrief.

Every page fetches the viewer's panel seat on that challenge first, so an evaluator of one
challenge gets a 404 on every other challenge's evaluation pages, and proposals only
through ``Proposal.objects.visible_to`` so the sealed rule and conflicts hold everywhere.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from resilience_portal import audit
from resilience_portal.refusals import Refused, refuse

from .. import evaluation_services as services
from ..forms.evaluation import (
    AppointForm,
    AwardForm,
    ConflictsForm,
    ConsensusForm,
    InviteExpertForm,
    ReasonForm,
    ScoreSheetForm,
    StandstillDaysForm,
    StandstillQuestionForm,
)
from ..models import (
    Award,
    Challenge,
    PanelInvitation,
    PanelSeat,
    Proposal,
    Score,
    StandstillQuestion,
)


def _seat(request, slug):
    """The viewer's seat on this challenge's panel; anyone else gets a 404."""
    seat = get_object_or_404(
        PanelSeat.objects.of(request.user).select_related("challenge__city", "user"),
        challenge__slug=slug,
    )
    return seat


def _chair(request, slug):
    seat = _seat(request, slug)
    if not seat.is_chair:
        raise Http404
    return seat


def _evaluation(seat):
    return redirect("procurement:evaluation", slug=seat.challenge.slug)


# --- the panel (officials) ---------------------------------------------------------------------


@login_required
def panel(request, slug):
    challenge = get_object_or_404(
        Challenge.objects.editable_by(request.user).select_related("city"), slug=slug
    )
    appoint_form = AppointForm(challenge=challenge)
    invite_form = InviteExpertForm()
    standstill_form = StandstillDaysForm(initial={"standstill_days": challenge.standstill_days})
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "appoint":
                appoint_form = AppointForm(request.POST, challenge=challenge)
                if appoint_form.is_valid():
                    services.appoint_official(
                        challenge, appoint_form.cleaned_data["user"], by=request.user
                    )
                    messages.success(request, _("Appointed to the panel."))
                    return redirect("procurement:panel", slug=slug)
            elif action == "invite":
                invite_form = InviteExpertForm(request.POST)
                if invite_form.is_valid():
                    services.invite_expert(
                        challenge, invite_form.cleaned_data["email"], by=request.user
                    )
                    messages.success(request, _("The invitation is on its way."))
                    return redirect("procurement:panel", slug=slug)
            elif action == "standstill":
                standstill_form = StandstillDaysForm(request.POST)
                if standstill_form.is_valid():
                    services.set_standstill_days(
                        challenge, standstill_form.cleaned_data["standstill_days"], by=request.user
                    )
                    messages.success(request, _("The standstill period is set."))
                    return redirect("procurement:panel", slug=slug)
            elif action in ("chair", "remove"):
                seat = get_object_or_404(
                    challenge.panel_seats.select_related("user"), pk=request.POST.get("seat", 0)
                )
                if action == "chair":
                    services.name_chair(seat, by=request.user)
                    messages.success(request, _("The chair is named."))
                else:
                    services.remove_from_panel(seat, by=request.user)
                    messages.success(request, _("Removed from the panel."))
                return redirect("procurement:panel", slug=slug)
        except Refused as refused:
            refuse(request, refused, form=invite_form if action == "invite" else None)
    return render(
        request,
        "procurement/evaluation/panel.html",
        {
            "challenge": challenge,
            "seats": challenge.panel_seats.select_related("user"),
            "invitations": challenge.panel_invitations.filter(accepted_at__isnull=True),
            "appoint_form": appoint_form,
            "invite_form": invite_form,
            "standstill_form": standstill_form,
        },
    )


def panel_invitation(request, token):
    try:
        invitation = PanelInvitation.from_token(token)
    except Refused as refused:
        return render(
            request,
            "procurement/evaluation/invitation.html",
            {"refusal": refused.message},
            status=404,
        )
    if request.method == "POST" and request.user.is_authenticated:
        try:
            services.accept_panel_invitation(invitation, request.user)
        except Refused as refused:
            refuse(request, refused)
        else:
            messages.success(request, _("You are on the panel."))
            return redirect("procurement:evaluation", slug=invitation.challenge.slug)
    return render(request, "procurement/evaluation/invitation.html", {"invitation": invitation})


# --- the evaluator ------------------------------------------------------------------------------


@login_required
def evaluation(request, slug):
    seat = _seat(request, slug)
    challenge = seat.challenge
    context = {
        "seat": seat,
        "challenge": challenge,
        "panel": challenge.panel_seats.select_related("user"),
        "unsealed": challenge.proposals_unsealed(),
    }
    if context["unsealed"] and seat.has_declared:
        proposals = list(services.proposals_for(seat))
        done = {}
        complete = Score.objects.filter(seat=seat, score__isnull=False).exclude(comment="")
        for proposal_id in complete.values_list("proposal_id", flat=True):
            done[proposal_id] = done.get(proposal_id, 0) + 1
        criteria = challenge.criteria.count()
        context["proposals"] = [(p, done.get(p.pk, 0), criteria) for p in proposals]
    return render(request, "procurement/evaluation/overview.html", context)


@login_required
def conflicts(request, slug):
    seat = _seat(request, slug)
    challenge = seat.challenge
    if not challenge.proposals_unsealed() or seat.has_declared:
        return _evaluation(seat)
    form = ConflictsForm(request.POST or None, smes=services.bidders(challenge))
    if request.method == "POST" and form.is_valid():
        try:
            services.declare_conflicts(seat, form.answers(), by=request.user)
            messages.success(request, _("Your declarations are recorded."))
            return _evaluation(seat)
        except Refused as refused:
            refuse(request, refused, form=form)
    return render(
        request,
        "procurement/evaluation/conflicts.html",
        {"seat": seat, "challenge": challenge, "form": form},
    )


@login_required
def score(request, slug, pk):
    seat = _seat(request, slug)
    challenge = seat.challenge
    if not seat.has_declared:
        return _evaluation(seat)
    proposal = get_object_or_404(services.proposals_for(seat), pk=pk)
    criteria = list(challenge.criteria.all())
    scores = {s.criterion_id: s for s in Score.objects.filter(seat=seat, proposal=proposal)}
    form = ScoreSheetForm(request.POST or None, criteria=criteria, scores=scores)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_scores(seat, proposal, form.values(), by=request.user)
            messages.success(request, _("Your scores are saved as a draft."))
            return _evaluation(seat)
        except Refused as refused:
            refuse(request, refused, form=form)
    return render(
        request,
        "procurement/evaluation/score.html",
        {
            "seat": seat,
            "challenge": challenge,
            "proposal": proposal,
            "attachments": proposal.attachments.all(),
            "form": form,
            "editable": not seat.has_submitted,
        },
    )


@require_POST
@login_required
def submit(request, slug):
    seat = _seat(request, slug)
    try:
        services.submit_scores(seat, by=request.user)
        messages.success(request, _("Your scores are submitted."))
    except Refused as refused:
        refuse(request, refused)
    return _evaluation(seat)


# --- the matrix and the chair ------------------------------------------------------------------


@login_required
def matrix(request, slug):
    seat = _seat(request, slug)
    challenge = seat.challenge
    if not seat.has_submitted:
        # Others' scores stay hidden until one's own are in.
        messages.info(request, _("The panel's scores show once you have submitted your own."))
        return _evaluation(seat)
    table = services.matrix(challenge, viewer=request.user)
    may_decide = seat.is_chair and services.evaluation_open(challenge)
    context = {"seat": seat, "challenge": challenge, "matrix": table, "may_decide": may_decide}
    if may_decide:
        running = [row.proposal for row in table.rows if row.in_the_running]
        context.update(
            {
                "consensus_forms": {
                    row.proposal.pk: ConsensusForm(cells=row.cells, prefix=f"p{row.proposal.pk}")
                    for row in table.rows
                    if row.in_the_running
                },
                "award_form": AwardForm(proposals=running, challenge=challenge),
                "reason_form": ReasonForm(),
                "blockers": services.award_blockers(challenge),
            }
        )
        for row in table.rows:
            row.consensus_form = context["consensus_forms"].get(row.proposal.pk)
    if seat.is_chair:
        context["questions"] = StandstillQuestion.objects.filter(
            proposal__challenge=challenge
        ).select_related("proposal__sme")
    context["award"] = Award.objects.filter(challenge=challenge).select_related("sme").first()
    context["trail"] = audit.trail(challenge)[:30] if seat.is_chair else None
    return render(request, "procurement/evaluation/matrix.html", context)


def _running_proposal(request, seat, pk):
    return get_object_or_404(
        Proposal.objects.visible_to(request.user).filter(challenge=seat.challenge), pk=pk
    )


def _back_to_matrix(seat):
    return redirect("procurement:evaluation_matrix", slug=seat.challenge.slug)


@require_POST
@login_required
def consensus(request, slug, pk):
    seat = _chair(request, slug)
    proposal = _running_proposal(request, seat, pk)
    table = services.matrix(seat.challenge, viewer=request.user)
    row = next((row for row in table.rows if row.proposal.pk == proposal.pk), None)
    form = ConsensusForm(request.POST, cells=row.cells if row else [], prefix=f"p{proposal.pk}")
    if form.is_valid():
        try:
            services.record_consensus(proposal, form.values(), by=request.user)
            messages.success(request, _("Consensus recorded for %(sme)s.") % {"sme": proposal.sme})
        except Refused as refused:
            refuse(request, refused)
    else:
        messages.error(request, _("Give a score from 0 to 10 for every criterion."))
    return _back_to_matrix(seat)


@require_POST
@login_required
def disqualify(request, slug, pk):
    seat = _chair(request, slug)
    proposal = _running_proposal(request, seat, pk)
    try:
        services.disqualify(proposal, by=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, _("%(sme)s is disqualified.") % {"sme": proposal.sme})
    except Refused as refused:
        refuse(request, refused)
    return _back_to_matrix(seat)


@require_POST
@login_required
def shortlist(request, slug, pk):
    seat = _chair(request, slug)
    proposal = _running_proposal(request, seat, pk)
    try:
        services.shortlist(proposal, by=request.user, on=request.POST.get("on") != "0")
    except Refused as refused:
        refuse(request, refused)
    return _back_to_matrix(seat)


@require_POST
@login_required
def award(request, slug):
    seat = _chair(request, slug)
    challenge = seat.challenge
    proposals = Proposal.objects.visible_to(request.user).filter(challenge=challenge)
    form = AwardForm(request.POST, proposals=proposals, challenge=challenge)
    if form.is_valid():
        try:
            services.record_award(
                challenge,
                proposals.get(pk=form.cleaned_data["proposal"]),
                by=request.user,
                amount=form.cleaned_data["amount"],
                currency=form.cleaned_data["currency"],
                justification=form.cleaned_data["justification"],
            )
            messages.success(request, _("The award is recorded and every bidder is told."))
            return redirect(challenge)
        except Refused as refused:
            refuse(request, refused)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return _back_to_matrix(seat)


@require_POST
@login_required
def close_without_award(request, slug):
    seat = _chair(request, slug)
    try:
        services.close_without_award(
            seat.challenge, by=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("The challenge is closed without an award; bidders are told."))
        return redirect(seat.challenge)
    except Refused as refused:
        refuse(request, refused)
    return _back_to_matrix(seat)


@require_POST
@login_required
def answer_question(request, slug, pk):
    seat = _chair(request, slug)
    question = get_object_or_404(
        StandstillQuestion.objects.filter(proposal__challenge=seat.challenge).select_related(
            "proposal__challenge"
        ),
        pk=pk,
    )
    try:
        services.answer_standstill_question(
            question, by=request.user, answer=request.POST.get("answer", "")
        )
        messages.success(request, _("Your answer is sent."))
    except Refused as refused:
        refuse(request, refused)
    return _back_to_matrix(seat)


# --- the bidder's debrief ----------------------------------------------------------------------


@login_required
def debrief(request, slug):
    proposal = get_object_or_404(
        Proposal.objects.of_member(request.user)
        .filter(challenge__award__isnull=False, status__in=services.UNSUCCESSFUL)
        .select_related("challenge__city", "sme"),
        challenge__slug=slug,
    )
    form = StandstillQuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.ask_standstill_question(
                proposal, by=request.user, question=form.cleaned_data["question"]
            )
            messages.success(request, _("Your question is sent to the panel's chair."))
            return redirect("procurement:debrief", slug=slug)
        except Refused as refused:
            refuse(request, refused, form=form)
    report = services.debrief(proposal)
    return render(
        request,
        "procurement/evaluation/debrief.html",
        {
            "challenge": proposal.challenge,
            "proposal": proposal,
            "debrief": report,
            "question": StandstillQuestion.objects.filter(proposal=proposal).first(),
            "form": form if report.award.in_standstill() else None,
        },
    )
