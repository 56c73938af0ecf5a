"""The evaluation's acts and readings: panel, conflicts, scores, moderation, award, standstill.

Every act locks what it changes (``transition`` for a status, ``locked`` otherwise), checks
who acts against the panel seat inside the lock, and writes the audit trail. After the
award nothing of the evaluation changes: such attempts are refused and the refusal is
itself recorded, so a later dispute can see that someone tried.
"""

import statistics
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from resilience_portal import audit, mail
from resilience_portal.refusals import Refused
from resilience_portal.transitions import locked, transition
from smes.models import SME

from .models import (
    Award,
    Challenge,
    ConflictDeclaration,
    ConsensusScore,
    Disqualification,
    PanelInvitation,
    PanelSeat,
    Proposal,
    Score,
    StandstillQuestion,
)
from .models.evaluation import MAX_SCORE, OUTLIER_GAP, one_decimal
from .services import close_challenge, tell_bidders_cancelled

CLOSED_FOR_CHANGES = (Challenge.Status.AWARDED, Challenge.Status.CANCELLED)
# Proposals still in the running: neither withdrawn nor disqualified.
IN_THE_RUNNING = (Proposal.Status.SUBMITTED, Proposal.Status.SHORTLISTED)
UNSUCCESSFUL = (Proposal.Status.UNSUCCESSFUL, Proposal.Status.DISQUALIFIED)


class ClosedEvaluation(Refused):
    """An attempt to change an evaluation whose challenge is awarded or closed."""


def _link(path):
    return settings.SITE_URL.rstrip("/") + path


def evaluation_open(challenge):
    """Still open to scores, moderation and a decision: neither awarded nor cancelled."""
    return challenge.status not in CLOSED_FOR_CHANGES


def _refuse_if_closed(challenge, act):
    if not evaluation_open(challenge):
        raise ClosedEvaluation(
            _("The evaluation is over (%(status)s): nothing in it can change any more.")
            % {"status": challenge.get_status_display().lower()}
        )


def _recording_refusals(act):
    """Run an act; a refusal because the evaluation is over is written to the audit trail.

    The entry is written after the act's own transaction rolled back, so it stays.
    """

    def decorator(function):
        def wrapped(target, *args, by, **kwargs):
            try:
                return function(target, *args, by=by, **kwargs)
            except ClosedEvaluation as refused:
                challenge = target if isinstance(target, Challenge) else target.challenge
                audit.record(
                    challenge, "evaluation.refused", actor=by, message=str(refused), act=act
                )
                raise

        wrapped.__name__ = function.__name__
        wrapped.__doc__ = function.__doc__
        return wrapped

    return decorator


# --- the panel (journey 1) -------------------------------------------------------------------


def _check_official(challenge, user):
    if not challenge.is_official(user):
        raise Refused(_("Only the city's officials appoint the evaluation panel."))


def appoint_official(challenge, user, *, by):
    """Seat one of the city's officials on the panel."""
    _check_official(challenge, by)
    if not challenge.is_official(user):
        raise Refused(_("Only officials of the city can be appointed from the team list."))
    return _seat(challenge, user, by=by, via="official")


def _seat(challenge, user, *, by, via):
    with locked(challenge) as row:
        _refuse_if_closed(row, "appoint")
        seat, created = PanelSeat.objects.get_or_create(
            challenge=row, user=user, defaults={"appointed_by": by}
        )
        if not created:
            raise Refused(
                _("%(name)s is already on the panel.") % {"name": user.full_name or user.email}
            )
        audit.record(row, "panel.appointed", actor=by, evaluator=user.email, via=via)
        mail.send_templated(
            "evaluation_appointed",
            to=user,
            context={
                "challenge": row,
                "link": _link(reverse("procurement:evaluation", kwargs={"slug": row.slug})),
            },
        )
    return seat


def invite_expert(challenge, email, *, by):
    """Invite an outside expert by e-mail; the seat is made when they accept."""
    _check_official(challenge, by)
    email = email.strip().lower()
    if challenge.panel_seats.filter(user__email__iexact=email).exists():
        raise Refused(_("%(email)s is already on the panel.") % {"email": email}, field="email")
    with locked(challenge) as row:
        _refuse_if_closed(row, "invite")
        invitation = PanelInvitation.objects.create(challenge=row, email=email, invited_by=by)
        audit.record(row, "panel.invitation_sent", actor=by, email=email)
        mail.send_templated(
            "evaluation_invitation",
            to=mail.addressee(email, introduced_by=by),
            context={
                "challenge": row,
                "inviter": by,
                "link": _link(invitation.get_absolute_url()),
                "expires_at": timezone.now() + PanelInvitation.lifetime,
            },
        )
    return invitation


def accept_panel_invitation(invitation, user):
    if user.email.lower() != invitation.email.lower():
        raise Refused(
            _("This invitation is for %(email)s; sign in with that address to accept it.")
            % {"email": invitation.email}
        )
    with locked(invitation) as row:
        if row.accepted_at is not None:
            raise Refused(_("This invitation has already been used."))
        seat = _seat(row.challenge, user, by=user, via="invitation")
        row.accepted_at = timezone.now()
        row.accepted_by = user
        row.save(update_fields=["accepted_at", "accepted_by"])
        audit.record(row, "panel.invitation_accepted", actor=user)
    return seat


def name_chair(seat, *, by):
    challenge = seat.challenge
    _check_official(challenge, by)
    with locked(challenge) as row:
        _refuse_if_closed(row, "name_chair")
        # One chair per panel (a partial unique constraint): the old chair steps down first.
        PanelSeat.objects.filter(challenge=row, is_chair=True).update(is_chair=False)
        PanelSeat.objects.filter(pk=seat.pk).update(is_chair=True)
        audit.record(row, "panel.chair_named", actor=by, chair=seat.user.email)
    seat.is_chair = True
    return seat


def remove_from_panel(seat, *, by):
    challenge = seat.challenge
    _check_official(challenge, by)
    with locked(challenge) as row:
        _refuse_if_closed(row, "remove")
        current = PanelSeat.objects.select_for_update().get(pk=seat.pk)
        # Declarations are what keeps a conflicted official away from a proposal: a seat
        # that has made them stays, so no conflict is ever undone by a removal.
        if current.has_declared:
            raise Refused(_("This evaluator has declared conflicts; their seat stays on record."))
        current.delete()
        audit.record(row, "panel.removed", actor=by, evaluator=seat.user.email)


def set_standstill_days(challenge, days, *, by):
    _check_official(challenge, by)
    with locked(challenge) as row:
        _refuse_if_closed(row, "standstill_days")
        previous = row.standstill_days
        row.standstill_days = days
        row.save(update_fields=["standstill_days"])
        audit.record(row, "challenge.standstill_set", actor=by, days=[previous, days])
    challenge.standstill_days = days


# --- conflicts (journey 2) --------------------------------------------------------------------


def bidders(challenge):
    """The SMEs whose submitted proposals the panel evaluates, known once the deadline passed."""
    if not challenge.proposals_unsealed():
        return SME.objects.none()
    return SME.objects.filter(
        proposals__challenge=challenge, proposals__status__in=Proposal.SUBMITTED_STATUSES
    ).order_by("legal_name")


def _own_seat(seat, by):
    if seat.user_id != by.pk:
        raise Refused(_("Only the evaluator in this seat can act for it."))


def declare_conflicts(seat, answers, *, by):
    """Record, once, the evaluator's answer for every bidder: ``{sme_id: (conflicted, note)}``."""
    _own_seat(seat, by)
    challenge = seat.challenge
    if not challenge.proposals_unsealed():
        raise Refused(
            _("Conflicts are declared once the deadline has passed and bidders are known.")
        )
    smes = list(bidders(challenge))
    missing = [str(sme) for sme in smes if sme.pk not in answers]
    if missing:
        raise Refused(_("Answer for every SME: %(smes)s.") % {"smes": ", ".join(missing)})
    with locked(seat) as row:
        _refuse_if_closed(challenge, "declare")
        if row.has_declared:
            raise Refused(_("Your declarations are recorded already; they cannot change."))
        ConflictDeclaration.objects.bulk_create(
            ConflictDeclaration(
                seat=row, sme=sme, conflicted=answers[sme.pk][0], note=answers[sme.pk][1]
            )
            for sme in smes
        )
        row.conflicts_declared_at = timezone.now()
        row.save(update_fields=["conflicts_declared_at"])
        conflicts = [sme.pk for sme in smes if answers[sme.pk][0]]
        audit.record(challenge, "panel.conflicts_declared", actor=by, conflicts=conflicts)
        for sme in smes:
            if answers[sme.pk][0]:
                audit.record(sme, "panel.conflict_declared", actor=by, challenge=challenge.slug)
        _tell_evaluator_scoring_open(row, by)
    seat.conflicts_declared_at = row.conflicts_declared_at
    return seat


def _tell_evaluator_scoring_open(seat, user):
    # Fetched through the sealed rule like every page, so a conflicted SME is never named.
    proposals = (
        Proposal.objects.visible_to(user)
        .filter(challenge=seat.challenge, status__in=Proposal.SUBMITTED_STATUSES)
        .select_related("sme")
        .order_by("sme__legal_name")
    )
    mail.send_templated(
        "evaluation_scoring_open",
        to=user,
        context={
            "challenge": seat.challenge,
            "proposals": list(proposals),
            "link": _link(reverse("procurement:evaluation", kwargs={"slug": seat.challenge.slug})),
        },
    )


# --- scoring (journey 3) ----------------------------------------------------------------------


def proposals_for(seat):
    """The proposals this evaluator scores: visible to them and still in the running."""
    return (
        Proposal.objects.visible_to(seat.user)
        .filter(challenge_id=seat.challenge_id, status__in=IN_THE_RUNNING)
        .select_related("sme")
        .order_by("sme__legal_name", "pk")
    )


def _check_may_score(seat, challenge):
    if not challenge.proposals_unsealed():
        raise Refused(_("Scoring opens when the deadline has passed."))
    if not seat.has_declared:
        raise Refused(_("Declare your conflicts of interest before scoring."))
    if seat.has_submitted:
        raise Refused(_("Your scores are submitted; they cannot change."))


@_recording_refusals("save_scores")
def save_scores(seat, proposal, values, *, by):
    """Save a draft score sheet: ``{criterion_id: (score or None, comment)}``."""
    _own_seat(seat, by)
    challenge = seat.challenge
    criteria = {c.pk: c for c in challenge.criteria.all()}
    with locked(challenge) as current:
        _refuse_if_closed(current, "save_scores")
        row = PanelSeat.objects.select_for_update().get(pk=seat.pk)
        _check_may_score(row, current)
        if not proposals_for(row).filter(pk=proposal.pk).exists():
            raise Refused(_("This proposal is not one you score."))
        for criterion_id, (score, comment) in values.items():
            if criterion_id not in criteria:
                raise Refused(_("That criterion is not one of this challenge's."))
            if score is not None and not 0 <= score <= MAX_SCORE:
                raise Refused(_("Scores run from 0 to 10."))
            Score.objects.update_or_create(
                seat=row,
                proposal=proposal,
                criterion=criteria[criterion_id],
                defaults={"score": score, "comment": comment.strip()},
            )
        audit.record(proposal, "evaluation.scores_saved", actor=by)


@_recording_refusals("submit_scores")
def submit_scores(seat, *, by):
    """Submit every score at once: each proposal, each criterion, each with a comment."""
    _own_seat(seat, by)
    challenge = seat.challenge
    with locked(challenge) as current:
        _refuse_if_closed(current, "submit_scores")
        row = PanelSeat.objects.select_for_update().get(pk=seat.pk)
        _check_may_score(row, current)
        proposals = list(proposals_for(row))
        criteria = list(current.criteria.all())
        done = {
            (s.proposal_id, s.criterion_id)
            for s in Score.objects.filter(seat=row, score__isnull=False).exclude(comment="")
        }
        missing = [str(p.sme) for p in proposals if any((p.pk, c.pk) not in done for c in criteria)]
        if missing:
            raise Refused(
                _("Score every criterion, with a comment, for: %(smes)s.")
                % {"smes": ", ".join(missing)}
            )
        row.scores_submitted_at = timezone.now()
        row.save(update_fields=["scores_submitted_at"])
        audit.record(current, "evaluation.scores_submitted", actor=by, proposals=len(proposals))
    seat.scores_submitted_at = row.scores_submitted_at
    return seat


# --- reading the scores ----------------------------------------------------------------------


def weighted_total(values, criteria):
    """The 0-10 weighted total of ``{criterion_id: value}``; None until every criterion has one."""
    if any(values.get(c.pk) is None for c in criteria):
        return None
    return one_decimal(sum(Decimal(values[c.pk]) * c.weight for c in criteria) / 100)


@dataclass
class Cell:
    criterion: object
    scores: list  # one (Score or None, is_outlier) per seat, in the seats' order
    mean: Decimal | None
    consensus: ConsensusScore | None

    @property
    def effective(self):
        return self.consensus.score if self.consensus else self.mean


@dataclass
class MatrixRow:
    proposal: Proposal
    cells: list
    totals: list  # weighted total per seat
    mean_total: Decimal | None
    consensus_total: Decimal | None
    rank: int | None = None

    @property
    def shortlisted(self):
        return self.proposal.status == Proposal.Status.SHORTLISTED

    @property
    def in_the_running(self):
        return self.proposal.status in IN_THE_RUNNING


@dataclass
class EvaluatorSpread:
    seat: PanelSeat
    lowest: Decimal | None
    highest: Decimal | None
    mean: Decimal | None
    bias: Decimal | None  # mean difference from the panel's mean totals

    @property
    def spread(self):
        return None if self.lowest is None else self.highest - self.lowest


@dataclass
class Matrix:
    criteria: list
    seats: list
    rows: list
    spreads: list = field(default_factory=list)


def _mean(values):
    values = [v for v in values if v is not None]
    return one_decimal(statistics.fmean(values)) if values else None


def matrix(challenge, *, viewer):
    """Proposal by criterion by evaluator: the submitted scores, in a fixed number of queries.

    Rows are the proposals ``viewer`` may see (a conflicted chair never sees that row);
    drafts of scores stay out: only submitted seats count.
    """
    criteria = list(challenge.criteria.all())
    seats = list(
        challenge.panel_seats.filter(scores_submitted_at__isnull=False).select_related("user")
    )
    proposals = list(
        Proposal.objects.visible_to(viewer)
        .filter(challenge=challenge, status__in=Proposal.SUBMITTED_STATUSES)
        .select_related("sme", "disqualification")
        .order_by("sme__legal_name", "pk")
    )
    scores = {}
    for score in Score.objects.filter(seat__in=seats, proposal__in=proposals):
        scores[(score.proposal_id, score.criterion_id, score.seat_id)] = score
    consensus = {
        (c.proposal_id, c.criterion_id): c
        for c in ConsensusScore.objects.filter(proposal__in=proposals)
    }
    rows = []
    for proposal in proposals:
        cells = []
        for criterion in criteria:
            cell_scores = [scores.get((proposal.pk, criterion.pk, seat.pk)) for seat in seats]
            values = [s.score for s in cell_scores if s is not None and s.score is not None]
            marked = []
            for score in cell_scores:
                others = list(values)
                if score is not None and score.score is not None:
                    others.remove(score.score)
                outlier = bool(
                    score is not None
                    and score.score is not None
                    and others
                    and abs(score.score - statistics.fmean(others)) >= OUTLIER_GAP
                )
                marked.append((score, outlier))
            cells.append(
                Cell(
                    criterion=criterion,
                    scores=marked,
                    mean=_mean(values),
                    consensus=consensus.get((proposal.pk, criterion.pk)),
                )
            )
        totals = []
        for index in range(len(seats)):
            values = {
                cell.criterion.pk: (cell.scores[index][0].score if cell.scores[index][0] else None)
                for cell in cells
            }
            totals.append(weighted_total(values, criteria))
        rows.append(
            MatrixRow(
                proposal=proposal,
                cells=cells,
                totals=totals,
                mean_total=_mean(totals),
                consensus_total=weighted_total(
                    {cell.criterion.pk: cell.effective for cell in cells}, criteria
                ),
            )
        )
    _rank(rows)
    spreads = []
    for index, seat in enumerate(seats):
        totals = [row.totals[index] for row in rows if row.totals[index] is not None]
        differences = [
            row.totals[index] - row.mean_total
            for row in rows
            if row.totals[index] is not None and row.mean_total is not None
        ]
        spreads.append(
            EvaluatorSpread(
                seat=seat,
                lowest=min(totals) if totals else None,
                highest=max(totals) if totals else None,
                mean=_mean(totals),
                bias=_mean(differences),
            )
        )
    return Matrix(criteria=criteria, seats=seats, rows=rows, spreads=spreads)


def _rank(rows):
    """Rank by the consensus total, proposals still in the running only; ties share a rank."""
    ranked = [
        row
        for row in rows
        if row.proposal.status != Proposal.Status.DISQUALIFIED and row.consensus_total is not None
    ]
    for row in ranked:
        row.rank = 1 + sum(1 for other in ranked if other.consensus_total > row.consensus_total)
    rows.sort(key=lambda row: (row.rank is None, row.rank or 0, row.proposal.sme.legal_name))


# --- the chair (journey 4) --------------------------------------------------------------------


def chair_seat(challenge, user):
    return PanelSeat.objects.filter(challenge=challenge, user=user, is_chair=True).first()


def _check_chair(challenge, by):
    seat = chair_seat(challenge, by)
    if seat is None:
        raise Refused(_("Only the panel's chair can do this."))
    return seat


def _check_chair_sees(proposal, by):
    if not Proposal.objects.visible_to(by).filter(pk=proposal.pk).exists():
        raise Refused(_("You declared a conflict with this SME; another chair must decide on it."))


@_recording_refusals("record_consensus")
def record_consensus(proposal, values, *, by):
    """The chair's consensus per criterion: ``{criterion_id: (score, reason)}``.

    A score that departs from the panel's mean needs the reason, which the bidder reads.
    """
    challenge = proposal.challenge
    seat = _check_chair(challenge, by)
    if not seat.has_submitted:
        raise Refused(_("Submit your own scores before moderating."))
    _check_chair_sees(proposal, by)
    criteria = {c.pk: c for c in challenge.criteria.all()}
    with locked(challenge) as current:
        _refuse_if_closed(current, "record_consensus")
        means = {
            row_criterion: _mean(
                Score.objects.filter(
                    proposal=proposal,
                    criterion_id=row_criterion,
                    seat__scores_submitted_at__isnull=False,
                ).values_list("score", flat=True)
            )
            for row_criterion in criteria
        }
        for criterion_id, (score, reason) in values.items():
            if criterion_id not in criteria:
                raise Refused(_("That criterion is not one of this challenge's."))
            if means[criterion_id] is None:
                raise Refused(_("No submitted scores to moderate yet."))
            score = one_decimal(score)
            if not 0 <= score <= MAX_SCORE:
                raise Refused(_("Scores run from 0 to 10."))
            reason = reason.strip()
            if score != means[criterion_id] and not reason:
                raise Refused(
                    _("Give the reason why the consensus on “%(criterion)s” differs from the mean.")
                    % {"criterion": criteria[criterion_id].name},
                    field=f"reason_{criterion_id}",
                )
            ConsensusScore.objects.update_or_create(
                proposal=proposal,
                criterion=criteria[criterion_id],
                defaults={
                    "score": score,
                    "mean": means[criterion_id],
                    "reason": reason,
                    "recorded_by": by,
                },
            )
        audit.record(
            proposal,
            "evaluation.consensus_recorded",
            actor=by,
            scores={str(k): str(one_decimal(v[0])) for k, v in values.items()},
        )


@_recording_refusals("disqualify")
def disqualify(proposal, *, by, reason):
    challenge = proposal.challenge
    _check_chair(challenge, by)
    _check_chair_sees(proposal, by)
    if not reason.strip():
        raise Refused(_("Give the reason; the SME will read it."), field="reason")
    _refuse_if_closed(challenge, "disqualify")

    def check(row):
        _refuse_if_closed(Challenge.objects.get(pk=row.challenge_id), "disqualify")

    return transition(
        proposal,
        to=Proposal.Status.DISQUALIFIED,
        allowed_from=IN_THE_RUNNING,
        action="proposal.disqualified",
        by=by,
        check=check,
        message=reason,
        then=lambda row: Disqualification.objects.create(
            proposal=row, reason=reason.strip(), decided_by=by
        ),
    )


@_recording_refusals("shortlist")
def shortlist(proposal, *, by, on=True):
    challenge = proposal.challenge
    _check_chair(challenge, by)
    _check_chair_sees(proposal, by)
    _refuse_if_closed(challenge, "shortlist")
    if on:
        return transition(
            proposal,
            to=Proposal.Status.SHORTLISTED,
            allowed_from=(Proposal.Status.SUBMITTED,),
            action="proposal.shortlisted",
            by=by,
        )
    return transition(
        proposal,
        to=Proposal.Status.SUBMITTED,
        allowed_from=(Proposal.Status.SHORTLISTED,),
        action="proposal.unshortlisted",
        by=by,
    )


def award_blockers(challenge):
    """What still stands between the panel and an award, as sentences; empty when it may."""
    blockers = []
    running = Proposal.objects.filter(challenge=challenge, status__in=IN_THE_RUNNING)
    if not running.exists():
        blockers.append(
            _("Every proposal is disqualified or withdrawn: there is nothing to award.")
        )
    for seat in challenge.panel_seats.select_related("user"):
        if seat.has_submitted:
            continue
        clear = ConflictDeclaration.objects.filter(seat=seat, conflicted=False).exists()
        if not seat.has_declared or clear:
            blockers.append(
                _("%(name)s has not submitted scores yet.")
                % {"name": seat.user.full_name or seat.user.email}
            )
    if not challenge.panel_seats.exists():
        blockers.append(_("The challenge has no evaluation panel."))
    return blockers


@_recording_refusals("award")
def record_award(challenge, proposal, *, by, amount, currency, justification):
    """Award the challenge to ``proposal``; every other bidder becomes unsuccessful."""
    _check_chair(challenge, by)
    close_challenge(challenge)
    _refuse_if_closed(challenge, "award")
    if proposal.challenge_id != challenge.pk or proposal.status not in IN_THE_RUNNING:
        raise Refused(_("Choose a proposal still in the running."), field="proposal")
    _check_chair_sees(proposal, by)
    if not justification.strip():
        raise Refused(_("Justify the award; it is published."), field="justification")
    if amount is None or amount < 0:
        raise Refused(_("Give the awarded amount."), field="amount")

    def check(row):
        blockers = award_blockers(row)
        if blockers:
            raise Refused(" ".join(blockers))

    def then(row):
        now = timezone.now()
        award = Award.objects.create(
            challenge=row,
            proposal=proposal,
            sme_id=proposal.sme_id,
            amount=amount,
            currency=currency,
            justification=justification.strip(),
            bidders=Proposal.objects.filter(
                challenge=row, status__in=Proposal.SUBMITTED_STATUSES
            ).count(),
            decided_by=by,
            decided_at=now,
            standstill_ends_at=now + timedelta(days=row.standstill_days),
        )
        Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.AWARDED)
        losing = Proposal.objects.filter(challenge=row, status__in=IN_THE_RUNNING).exclude(
            pk=proposal.pk
        )
        for loser in losing.values_list("pk", flat=True):
            audit.record(Proposal(pk=loser), "proposal.unsuccessful", actor=by)
        losing.update(status=Proposal.Status.UNSUCCESSFUL)
        audit.record(proposal, "proposal.awarded", actor=by)
        audit.record(award, "award.recorded", actor=by, amount=str(amount), currency=currency)
        _tell_bidders_of_award(award)

    try:
        transition(
            challenge,
            to=Challenge.Status.AWARDED,
            allowed_from=(Challenge.Status.CLOSED, Challenge.Status.EVALUATING),
            action="challenge.awarded",
            by=by,
            check=check,
            message=justification.strip(),
            then=then,
        )
    except IntegrityError as error:
        raise ClosedEvaluation(_("This challenge is already awarded.")) from error
    return Award.objects.get(challenge=challenge)


@_recording_refusals("close_without_award")
def close_without_award(challenge, *, by, reason):
    """End the evaluation with no award: the challenge is cancelled with the chair's reason.

    Its bids were opened at the deadline, so the record keeps ``closed_at``; bidders are
    told as on any cancellation.
    """
    _check_chair(challenge, by)
    if not reason.strip():
        raise Refused(_("Give the reason; every bidder will read it."), field="reason")
    close_challenge(challenge)
    _refuse_if_closed(challenge, "close_without_award")
    transition(
        challenge,
        to=Challenge.Status.CANCELLED,
        allowed_from=(Challenge.Status.CLOSED, Challenge.Status.EVALUATING),
        action="challenge.closed_without_award",
        by=by,
        changes={"cancellation_reason": reason.strip()},
        message=reason.strip(),
        then=tell_bidders_cancelled,
    )
    return challenge


# --- the notice, debriefs and the standstill (journey 5) ---------------------------------------


@dataclass
class Debrief:
    proposal: Proposal
    award: Award
    criteria: list  # (criterion, own consensus, own reason, comments, winner's consensus)
    own_total: Decimal | None
    winner_total: Decimal | None
    rank: int | None
    ranked: int
    disqualification: Disqualification | None


def debrief(proposal):
    """An unsuccessful SME's debrief: its own consensus and comments, the winner's scores.

    Built from the scores, never from another SME's proposal: the winner appears only as
    numbers, and no other unsuccessful SME appears at all (except in the rank's count).
    """
    challenge = proposal.challenge
    award = Award.objects.select_related("sme").get(challenge=challenge)
    criteria = list(challenge.criteria.all())
    submitted = Score.objects.filter(
        proposal__challenge=challenge, seat__scores_submitted_at__isnull=False
    )
    per_proposal = {}
    for proposal_id, criterion_id, value in submitted.values_list(
        "proposal_id", "criterion_id", "score"
    ):
        per_proposal.setdefault(proposal_id, {}).setdefault(criterion_id, []).append(value)
    consensus = {
        (c.proposal_id, c.criterion_id): c
        for c in ConsensusScore.objects.filter(proposal__challenge=challenge)
    }

    def effective(proposal_id):
        values = {}
        for criterion in criteria:
            recorded = consensus.get((proposal_id, criterion.pk))
            values[criterion.pk] = (
                recorded.score
                if recorded
                else _mean(per_proposal.get(proposal_id, {}).get(criterion.pk, []))
            )
        return values

    comments = {}
    for criterion_id, comment in (
        submitted.filter(proposal=proposal)
        .order_by("seat_id")
        .values_list("criterion_id", "comment")
    ):
        comments.setdefault(criterion_id, []).append(comment)
    own, winner = effective(proposal.pk), effective(award.proposal_id)
    totals = {
        proposal_id: weighted_total(effective(proposal_id), criteria)
        for proposal_id in Proposal.objects.filter(
            challenge=challenge,
            status__in=(Proposal.Status.AWARDED, Proposal.Status.UNSUCCESSFUL),
        ).values_list("pk", flat=True)
    }
    own_total = weighted_total(own, criteria)
    rank = None
    if proposal.status != Proposal.Status.DISQUALIFIED and own_total is not None:
        rank = 1 + sum(1 for total in totals.values() if total is not None and total > own_total)
    return Debrief(
        proposal=proposal,
        award=award,
        criteria=[
            (
                criterion,
                own[criterion.pk],
                getattr(consensus.get((proposal.pk, criterion.pk)), "reason", ""),
                comments.get(criterion.pk, []),
                winner[criterion.pk],
            )
            for criterion in criteria
        ],
        own_total=own_total,
        winner_total=weighted_total(winner, criteria),
        rank=rank,
        ranked=len(totals),
        disqualification=Disqualification.objects.filter(proposal=proposal).first(),
    )


def _members(sme_id):
    User = get_user_model()
    return User.objects.filter(sme_memberships__sme_id=sme_id, is_active=True).order_by("pk")


def _tell_bidders_of_award(award):
    """The winner its award, every other bidder its debrief, each member in their language."""
    challenge = award.challenge
    bidders_ = Proposal.objects.filter(
        challenge=challenge, status__in=Proposal.SUBMITTED_STATUSES
    ).select_related("sme", "challenge")
    for proposal in bidders_:
        winner = proposal.pk == award.proposal_id
        context = {
            "challenge": challenge,
            "award": award,
            "link": _link(reverse("procurement:debrief", kwargs={"slug": challenge.slug}))
            if not winner
            else _link(challenge.get_absolute_url()),
        }
        if not winner:
            context["debrief"] = debrief(proposal)
        for user in _members(proposal.sme_id):
            mail.send_templated(
                "evaluation_award" if winner else "evaluation_debrief",
                to=user,
                context=context,
            )


def ask_standstill_question(proposal, *, by, question):
    """An unsuccessful bidder's one question to the chair, during the standstill only."""
    if not proposal.is_member(by):
        raise Refused(_("Only the SME's members ask on its behalf."))
    if not question.strip():
        raise Refused(_("Write your question."), field="question")
    with locked(proposal) as row:
        if row.status not in UNSUCCESSFUL:
            raise Refused(_("Only unsuccessful bidders ask about the decision."))
        award = Award.objects.filter(challenge_id=row.challenge_id).first()
        if award is None or not award.in_standstill():
            raise Refused(_("Questions about the decision are taken during the standstill only."))
        if StandstillQuestion.objects.filter(proposal=row).exists():
            raise Refused(_("Your SME has asked its question already."))
        asked = StandstillQuestion.objects.create(
            award=award, proposal=row, question=question.strip(), asked_by=by
        )
        audit.record(asked, "standstill.asked", actor=by, message=asked.question)
        audit.record(row.challenge, "standstill.asked", actor=by, question=asked.pk)
        chair = (
            PanelSeat.objects.filter(challenge_id=row.challenge_id, is_chair=True)
            .select_related("user")
            .first()
        )
        if chair is not None:
            mail.send_templated(
                "evaluation_standstill_question",
                to=chair.user,
                context={
                    "challenge": row.challenge,
                    "question": asked,
                    "link": _link(
                        reverse(
                            "procurement:evaluation_matrix", kwargs={"slug": row.challenge.slug}
                        )
                    ),
                },
            )
    return asked


def answer_standstill_question(question, *, by, answer):
    challenge = question.proposal.challenge
    _check_chair(challenge, by)
    if not answer.strip():
        raise Refused(_("Write the answer."), field="answer")
    with locked(question) as row:
        if row.is_answered:
            raise Refused(_("This question is answered already."))
        row.answer = answer.strip()
        row.answered_by = by
        row.answered_at = timezone.now()
        row.save(update_fields=["answer", "answered_by", "answered_at"])
        audit.record(row, "standstill.answered", actor=by, message=row.answer)
        audit.record(challenge, "standstill.answered", actor=by, question=row.pk)
        for user in _members(row.proposal.sme_id):
            mail.send_templated(
                "evaluation_standstill_answer",
                to=user,
                context={
                    "challenge": challenge,
                    "question": row,
                    "link": _link(reverse("procurement:debrief", kwargs={"slug": challenge.slug})),
                },
            )
    return row


def record_final_awards(now=None):
    """Beat: record the awards whose standstill has ended; safe to run again."""
    now = now or timezone.now()
    recorded = 0
    for award in Award.objects.due_to_become_final(now):
        with transaction.atomic():
            claimed = Award.objects.filter(pk=award.pk, final_at__isnull=True).update(final_at=now)
            if claimed:
                audit.record(
                    award, "award.final", standstill_ended=award.standstill_ends_at.isoformat()
                )
                recorded += 1
    return recorded


# --- what the challenge page and the dashboard show -------------------------------------------


def challenge_page_context(challenge, user):
    """The award notice for everyone; the way into the evaluation or the debrief for those concerned."""
    context = {
        "award": Award.objects.filter(challenge=challenge).select_related("sme", "pilot").first()
    }
    if user.is_authenticated:
        context["panel_seat"] = PanelSeat.objects.filter(challenge=challenge, user=user).first()
        context["debrief_proposal"] = (
            Proposal.objects.of_member(user)
            .filter(challenge=challenge, status__in=UNSUCCESSFUL)
            .first()
            if context["award"]
            else None
        )
    return context


def evaluator_panel(request):
    seats = (
        PanelSeat.objects.of(request.user)
        .select_related("challenge__city")
        .order_by("challenge__submissions_close")
    )
    return {"seats": seats}
