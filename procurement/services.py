"""Who is told what about a challenge, and the batched sending of those e-mails.

E-mails leave only after the transaction commits. Notices to many SMEs go
through one Celery task per event that sends in batches over one SMTP
connection each and records every recipient, so a retried task never sends twice.
"""

import contextlib
import math
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.models import CityMembership
from resilience_portal import audit, scanning
from resilience_portal.formatting import format_city_moment
from resilience_portal.mail import send_templated
from resilience_portal.permissions import is_programme_staff, programme_staff_users
from resilience_portal.refusals import Refused
from resilience_portal.transitions import locked, transition
from smes.models import SME

from . import notices
from .models import (
    ANSWER_FIELDS,
    Challenge,
    Clarification,
    Proposal,
    ProposalAttachment,
    ProposalVersion,
)

# What bidders answer to: changing any of these asks them to confirm and keeps the
# deadline at least the minimum notice away. The timeline alone is not among them.
TERMS = ("criteria", "problem_statement", "desired_outcomes")


def _officials(challenge):
    User = get_user_model()
    return User.objects.filter(
        city_memberships__city_id=challenge.city_id,
        city_memberships__status=CityMembership.Status.VERIFIED,
        is_active=True,
    )


def tell_staff_challenge_pending(challenge):
    staff = programme_staff_users()
    if staff.exists():
        send_templated(
            "challenge_pending",
            to=list(staff),
            context={
                "challenge": challenge,
                "link": notices.site_link(challenge.get_absolute_url()),
            },
        )


def tell_officials_sent_back(challenge):
    officials = _officials(challenge)
    if officials.exists():
        send_templated(
            "challenge_sent_back",
            to=list(officials),
            context={
                "challenge": challenge,
                "link": notices.site_link(challenge.get_absolute_url()),
            },
        )


def tell_officials_question_asked(clarification):
    officials = _officials(clarification.challenge)
    if officials.exists():
        # The asker's identity stays out of the e-mail, as it does on the page.
        send_templated(
            "challenge_question_asked",
            to=list(officials),
            context={
                "challenge": clarification.challenge,
                "link": notices.site_link(clarification.challenge.get_absolute_url()),
            },
        )


def announce_published(challenge):
    notices.queue(challenge, notices.PUBLISHED)


def tell_bidders_question_answered(clarification):
    notices.queue(clarification.challenge, notices.ANSWERED, clarification)


def tell_bidders_amended(amendment):
    notices.queue(amendment.challenge, notices.AMENDED, amendment)
    if amendment.changes_terms:
        notices.queue(amendment.challenge, notices.AMENDED_CONFIRM, amendment)


def tell_bidders_cancelled(challenge):
    notices.queue(challenge, notices.CANCELLED)


def _members(proposal):
    User = get_user_model()
    return User.objects.filter(sme_memberships__sme_id=proposal.sme_id, is_active=True)


def send_receipt(version):
    """The receipt goes to the SME's members only: the digest proves, without revealing."""
    proposal = version.proposal
    send_templated(
        "proposal_receipt",
        to=list(_members(proposal)),
        context={
            "proposal": proposal,
            "challenge": proposal.challenge,
            "version": version,
            "attachments": version.content.get("attachments", []),
            "link": notices.site_link(
                reverse("procurement:proposal_detail", kwargs={"pk": proposal.pk})
            ),
        },
    )


def send_withdrawal_notice(proposal):
    send_templated(
        "proposal_withdrawn",
        to=list(_members(proposal)),
        context={
            "proposal": proposal,
            "challenge": proposal.challenge,
            "link": notices.site_link(
                reverse("procurement:proposal_detail", kwargs={"pk": proposal.pk})
            ),
        },
    )


# --- a challenge's acts -------------------------------------------------------------------
# Each goes through the core ``transition``: the row is locked and re-read, the actor and
# the state checked on it, then saved, audited and the e-mail queued after commit.


def _official_or_staff(row, by, message):
    if not (row.is_official(by) or is_programme_staff(by)):
        raise Refused(message)


def autosave_challenge(form, *, by, seen):
    """Save a challenge draft's own fields as the official types; never its state.

    ``seen`` is the draft's ``updated_at`` when the page loaded: the officials of a city
    share one draft, and a colleague's newer save is never overwritten. The criteria are
    left to the Save button, whose form knows which rows exist.
    """
    challenge = form.instance
    with locked(challenge) as row:
        if not row.can_edit(by):
            raise Refused(_("Only a draft can be edited; a published challenge is amended."))
        if seen != row.updated_at.isoformat():
            raise Refused(
                _(
                    "A colleague saved this challenge after you opened it, so your changes are "
                    "not saved yet. They are kept in this browser; reload the page to see "
                    "your colleague's version."
                )
            )
        # Fields the form does not show stay as the locked row has them.
        for field in row._meta.concrete_fields:
            if field.name not in form.fields:
                setattr(challenge, field.attname, getattr(row, field.attname))
        form.save()
        audit.record(challenge, "challenge.edited", actor=by)
    return challenge


def submit_for_approval(challenge, *, by):
    from .models import Challenge

    def check(row):
        if not row.is_official(by):
            raise Refused(_("Only the city's officials can submit its challenges."))
        row.check_ready_for_approval()

    return transition(
        challenge,
        to=Challenge.Status.PENDING_APPROVAL,
        allowed_from={Challenge.Status.DRAFT},
        action="challenge.submitted",
        by=by,
        check=check,
        changes=lambda row: {"updated_at": timezone.now()},
        then=tell_staff_challenge_pending,
    )


def approve_challenge(challenge, *, by):
    from .models import Challenge

    if not is_programme_staff(by):
        raise Refused(_("Only programme staff approve challenges."))
    return transition(
        challenge,
        to=Challenge.Status.PUBLISHED,
        allowed_from={Challenge.Status.PENDING_APPROVAL},
        action="challenge.published",
        by=by,
        check=lambda row: row.check_ready_for_approval(),
        changes=lambda row: {
            "published_at": timezone.now(),
            "review_comments": "",
            "updated_at": timezone.now(),
        },
        then=announce_published,
    )


def send_back_challenge(challenge, *, by, comments):
    from .models import Challenge

    if not is_programme_staff(by):
        raise Refused(_("Only programme staff review challenges."))
    if not comments.strip():
        raise Refused(_("Say what should change."), field="comments")
    return transition(
        challenge,
        to=Challenge.Status.DRAFT,
        allowed_from={Challenge.Status.PENDING_APPROVAL},
        action="challenge.sent_back",
        by=by,
        message=comments,
        changes=lambda row: {"review_comments": comments, "updated_at": timezone.now()},
        then=tell_officials_sent_back,
    )


def start_evaluation(challenge, *, by):
    from .models import Challenge

    _official_or_staff(challenge, by, _("Only the city's officials or staff start the evaluation."))
    close_challenge(challenge)
    return transition(
        challenge,
        to=Challenge.Status.EVALUATING,
        allowed_from={Challenge.Status.CLOSED},
        action="challenge.evaluation_started",
        by=by,
        changes=lambda row: {"updated_at": timezone.now()},
    )


def cancel_challenge(challenge, *, by, reason):
    from .models import CANCELLABLE_STATUSES, Challenge

    _official_or_staff(challenge, by, _("Only the city's officials can cancel its challenges."))
    if not reason.strip():
        raise Refused(
            _("Give the reason for cancelling; every bidder will read it."), field="reason"
        )
    # A deadline passed but not yet recorded is recorded first: the bids were due to open
    # then, and cancelling afterwards does not seal them again.
    close_challenge(challenge)
    return transition(
        challenge,
        to=Challenge.Status.CANCELLED,
        allowed_from=set(CANCELLABLE_STATUSES),
        action="challenge.cancelled",
        by=by,
        message=reason,
        changes=lambda row: {"cancellation_reason": reason, "updated_at": timezone.now()},
        then=tell_bidders_cancelled,
    )


# --- questions ---------------------------------------------------------------------------


def ask_question(challenge, *, sme, by, question):
    if not SME.objects.filter(pk=sme.pk, memberships__user=by).exists():
        raise Refused(_("Only members of the SME can ask on its behalf."))
    if not challenge.questions_open():
        raise Refused(_("Questions on this challenge are closed."))
    if not question.strip():
        raise Refused(_("Write your question."), field="question")
    with transaction.atomic():
        clarification = Clarification.objects.create(
            challenge=challenge, sme=sme, asked_by=by, question=question
        )
        audit.record(clarification, "clarification.asked", actor=by)
        tell_officials_question_asked(clarification)
    return clarification


def publish_answer(clarification, *, by, answer):
    if not clarification.challenge.is_official(by):
        raise Refused(_("Only the city's officials answer questions."))
    if not answer.strip():
        raise Refused(_("Write the answer."), field="answer")
    with locked(clarification) as row:
        if row.challenge.status not in (Challenge.Status.PUBLISHED, Challenge.Status.CLOSED):
            raise Refused(_("This challenge no longer takes answers."))
        first = row.answered_at is None
        row.answer, row.answered_by, row.answered_at = answer, by, timezone.now()
        row.save(update_fields=["answer", "answered_by", "answered_at"])
        audit.record(
            row, "clarification.answered" if first else "clarification.corrected", actor=by
        )
        tell_bidders_question_answered(row)
    clarification.answer, clarification.answered_by = row.answer, row.answered_by
    clarification.answered_at = row.answered_at
    return clarification


# --- a proposal's acts ----------------------------------------------------------------------
# Each locks the proposal's row and reads the server clock inside the lock, so a form
# opened before the deadline and posted after it is refused, and two members of the same
# SME cannot race each other.


def _not_eligible(challenge, sme):
    reasons = challenge.ineligibility(sme)
    if not reasons:
        return _("This SME is not eligible for this challenge.")
    return _("This SME is not eligible for this challenge: %(reasons)s") % {
        "reasons": " ".join(f"{reason} {next_step}" for reason, next_step, _link, _text in reasons)
    }


def start_proposal(challenge, *, sme, by):
    """The SME's proposal for ``challenge``, created once however many members click at once."""
    if not SME.objects.filter(pk=sme.pk, memberships__user=by).exists():
        raise Refused(_("Only members of the SME can propose on its behalf."))
    if not challenge.is_eligible(sme):
        raise Refused(_not_eligible(challenge, sme))
    # Locking the SME serialises its members; the unique constraint is the backstop.
    with locked(sme):
        existing = Proposal.objects.filter(challenge=challenge, sme=sme).first()
        if existing:
            return existing
        if not challenge.submissions_open():
            raise Refused(_("The deadline for this challenge has passed."))
        try:
            with transaction.atomic():
                proposal = Proposal.objects.create(
                    challenge=challenge,
                    sme=sme,
                    currency=challenge.currency,
                    created_by=by,
                    updated_by=by,
                )
        except IntegrityError:
            return Proposal.objects.get(challenge=challenge, sme=sme)
        audit.record(proposal, "proposal.started", actor=by)
        return proposal


@contextlib.contextmanager
def _changing(proposal, by):
    """Yield the locked, re-read proposal and the time, once the member and the clock allow
    a change; ``proposal`` then holds the saved values."""
    with locked(proposal) as row:
        if not row.is_member(by):
            raise Refused(_("Only the SME's members can change its proposal."))
        now = timezone.now()
        if not row.challenge.submissions_open(now):
            raise Refused(
                _("The deadline passed at %(deadline)s; nothing can change any more.")
                % {"deadline": city_time(row.challenge, row.challenge.submissions_close)}
            )
        if row.status not in (
            Proposal.Status.DRAFT,
            Proposal.Status.SUBMITTED,
            Proposal.Status.WITHDRAWN,
        ):
            raise Refused(_("This proposal can no longer be changed."))
        yield row, now
    for field in row._meta.concrete_fields:
        setattr(proposal, field.attname, getattr(row, field.attname))


def save_proposal_answers(proposal, *, by, seen=None, draft_only=False, **values):
    """Save edits; a submitted proposal is resubmitted at once with a new receipt.

    ``seen`` is the ``edit_mark`` of the version the editor started from: several
    members share one draft, and a colleague's newer save is never overwritten blind.
    ``draft_only`` (an autosave) refuses anything but a draft, so it never resubmits.
    """
    with _changing(proposal, by) as (row, now):
        if draft_only and row.status != Proposal.Status.DRAFT:
            raise Refused(_("Only a draft is saved as you type; save this proposal yourself."))
        if seen is not None and seen != row.edit_mark:
            raise Refused(
                _(
                    "A colleague saved this proposal after you opened it, so your changes are "
                    "not saved yet. Compare them with your colleague's version, then save again."
                )
            )
        for name, value in values.items():
            if name not in (*ANSWER_FIELDS, "price", "currency"):
                raise ValueError(name)
            setattr(row, name, value)
        row.updated_by = by
        row.save()
        if row.status == Proposal.Status.SUBMITTED:
            _freeze(row, by=by, now=now, action="proposal.resubmitted")


def submit_proposal(proposal, *, by):
    with _changing(proposal, by) as (row, now):
        if row.status == Proposal.Status.SUBMITTED:
            raise Refused(_("This proposal is already submitted."))
        if not row.challenge.is_eligible(row.sme):
            # Eligibility is checked again at submission: a verification can be withdrawn.
            raise Refused(_not_eligible(row.challenge, row.sme))
        missing = row.missing_for_submission()
        if missing:
            raise Refused(
                _("Complete these before submitting: %(fields)s.") % {"fields": ", ".join(missing)}
            )
        row.status = Proposal.Status.SUBMITTED
        _freeze(row, by=by, now=now, action="proposal.submitted")


def withdraw_proposal(proposal, *, by):
    with _changing(proposal, by) as (row, _now):
        if row.status != Proposal.Status.SUBMITTED:
            raise Refused(_("Only a submitted proposal can be withdrawn."))
        row.status = Proposal.Status.WITHDRAWN
        row.updated_by = by
        row.save(update_fields=["status", "updated_by", "updated_at"])
        audit.record(row, "proposal.withdrawn", actor=by)
        send_withdrawal_notice(row)


def add_proposal_attachment(
    proposal, *, by, upload, name, content_type, sha256, scan_status=scanning.ScanStatus.AWAITING
):
    with _changing(proposal, by) as (row, now):
        attachment = ProposalAttachment.objects.create(
            proposal=row,
            file=upload,
            name=name,
            content_type=content_type,
            size=upload.size,
            sha256=sha256,
            uploaded_by=by,
            scan_status=scan_status,
        )
        audit.record(row, "proposal.attachment_added", actor=by, sha256=sha256)
        if row.status == Proposal.Status.SUBMITTED:
            _freeze(row, by=by, now=now, action="proposal.resubmitted")
    return attachment


def remove_proposal_attachment(proposal, attachment, *, by):
    with _changing(proposal, by) as (row, now):
        attachment = row.attachments.get(pk=attachment.pk)
        sha256 = attachment.sha256
        attachment.file.delete(save=False)
        attachment.delete()
        audit.record(row, "proposal.attachment_removed", actor=by, sha256=sha256)
        if row.status == Proposal.Status.SUBMITTED:
            _freeze(row, by=by, now=now, action="proposal.resubmitted")


def _freeze(row, *, by, now, action):
    """Record the submitted content as a numbered version and send its receipt."""
    content = row.receipt_content()
    digest = row.digest_of(content)
    row.version += 1
    row.submitted_at = now
    row.receipt_digest = digest
    row.updated_by = by
    row.save()
    receipt = ProposalVersion.objects.create(
        proposal=row,
        number=row.version,
        submitted_at=now,
        submitted_by=by,
        content=content,
        digest=digest,
    )
    audit.record(row, action, actor=by, version=row.version, digest=digest)
    send_receipt(receipt)


def close_challenge(challenge, *, now=None):
    """Record the close of an open challenge whose deadline has passed; False if not due.

    Nothing waits for this record: the clock already decided (``status_now()``), so the
    beat records it, as does the next act on the challenge, and running it twice is safe.
    """
    from .models import Challenge

    now = now or timezone.now()
    if challenge.status != Challenge.Status.PUBLISHED or not challenge.deadline_passed(now):
        return False

    def due(row):
        if not row.deadline_passed(now):
            raise Refused(_("The deadline has not passed yet."))

    try:
        transition(
            challenge,
            to=Challenge.Status.CLOSED,
            allowed_from={Challenge.Status.PUBLISHED},
            action="challenge.closed",
            by=None,
            check=due,
            changes={"closed_at": now, "updated_at": now},
        )
    except Refused:
        return False  # closed, cancelled or amended meanwhile
    return True


def close_due_challenges():
    """The beat's work: record every close the clock has decided; returns how many."""
    from .models import Challenge

    return sum(close_challenge(challenge) for challenge in Challenge.objects.due_to_close())


# --- amendments --------------------------------------------------------------------------


def amendment_min_notice():
    return timedelta(days=settings.CHALLENGE_AMENDMENT_MIN_NOTICE_DAYS)


def _next_whole_minute(moment):
    # Deadlines are shown and typed to the minute; rounding up keeps "at least" true.
    seconds = moment.timestamp()
    return moment + timedelta(seconds=math.ceil(seconds / 60) * 60 - seconds)


def _criteria_change(row, criteria):
    """``[before, after]`` when ``criteria`` differ from the row's, else None."""
    if criteria is None:
        return None
    if sum(weight for _name, _description, weight in criteria) != 100:
        raise Refused(_("The criteria weights must add up to 100."))
    before = [[c.name, c.description, c.weight] for c in row.criteria.all()]
    after = [[name, description, weight] for name, description, weight in criteria]
    return None if before == after else [before, after]


def amend_challenge(
    challenge, *, by, summary, questions_close=None, submissions_close=None, criteria=None
):
    """Change an open challenge's timeline or criteria, in the open and dated.

    The deadline never moves earlier. A change of the terms (``TERMS``) keeps it at least
    ``CHALLENGE_AMENDMENT_MIN_NOTICE_DAYS`` after the amendment, moving it out if needed,
    and asks every SME that had submitted to confirm its proposal stands or revise it.
    ``criteria`` is a list of (name, description, weight) replacing the current ones.
    Returns the amendment; ``amendment.changes`` says where the deadline went.
    """
    from .models import Amendment, Criterion

    if not challenge.is_official(by):
        raise Refused(_("Only the city's officials amend its challenges."))
    if not summary.strip():
        raise Refused(_("Explain the amendment; every bidder will read it."), field="summary")
    with locked(challenge) as row:
        now = timezone.now()
        if not row.submissions_open(now):
            raise Refused(_("Only an open challenge can be amended."))
        changes = {}
        criteria_change = _criteria_change(row, criteria)
        if criteria_change:
            changes["criteria"] = criteria_change
        deadline = submissions_close or row.submissions_close
        if deadline < row.submissions_close:
            raise Refused(
                _(
                    "An amendment cannot bring the deadline earlier: bidders plan on "
                    "%(deadline)s. Leave it, or move it later."
                )
                % {"deadline": city_time(row, row.submissions_close)},
                field="submissions_close",
            )
        if any(term in changes for term in TERMS):
            deadline = max(deadline, _next_whole_minute(now + amendment_min_notice()))
        if deadline != row.submissions_close:
            changes["submissions_close"] = [
                row.submissions_close.isoformat(),
                deadline.isoformat(),
            ]
            row.submissions_close = deadline
            row.award_expected = max(row.award_expected, deadline)
        if questions_close and questions_close != row.questions_close:
            changes["questions_close"] = [
                row.questions_close.isoformat(),
                questions_close.isoformat(),
            ]
            row.questions_close = questions_close
        if row.questions_close > row.submissions_close:
            raise Refused(_("Questions must close before submissions do."), field="questions_close")
        if not changes:
            raise Refused(_("Nothing was changed."))
        if criteria_change:
            row.criteria.all().delete()
            Criterion.objects.bulk_create(
                Criterion(challenge=row, name=n, description=d, weight=w, order=i)
                for i, (n, d, w) in enumerate(criteria)
            )
        row.save(update_fields=["submissions_close", "questions_close", "award_expected"])
        amendment = Amendment.objects.create(
            challenge=row,
            summary=summary,
            changes=changes,
            changes_terms=any(term in changes for term in TERMS),
            created_by=by,
        )
        audit.record(row, "challenge.amended", actor=by, message=summary, **changes)
        tell_bidders_amended(amendment)
    for field in ("submissions_close", "questions_close", "award_expected"):
        setattr(challenge, field, getattr(row, field))
    challenge.__dict__.pop("terms_last_amended_at", None)
    return amendment


def city_time(challenge, moment):
    """A moment as the challenge's officials and bidders read it: on the city's clock, named."""
    return format_city_moment(moment, challenge.city)


def confirm_proposal_stands(proposal, *, by):
    """The SME says its submitted proposal stands as it is under the amended terms.

    Revising instead is resubmitting, which issues a new receipt as any resubmission does.
    """
    from .models import Challenge

    with transaction.atomic():
        # The challenge row is the one an amendment locks: a confirmation waits for an
        # amendment in flight, so it never counts for terms the SME has not seen.
        Challenge.objects.select_for_update().get(pk=proposal.challenge_id)
        with locked(proposal) as row:
            if not row.is_member(by):
                raise Refused(_("Only the SME's members can confirm its proposal."))
            now = timezone.now()
            if not row.challenge.submissions_open(now):
                raise Refused(_("The deadline has passed; nothing can change any more."))
            if row.status != row.Status.SUBMITTED:
                raise Refused(_("Only a submitted proposal can be confirmed."))
            if row.stands_after_last_amendment():
                raise Refused(
                    _(
                        "There is nothing to confirm: the challenge was not amended since "
                        "this proposal was submitted or last confirmed."
                    )
                )
            row.confirmed_at = now
            # Not updated_at: a confirmation is no edit, and colleagues' open forms stay valid.
            row.save(update_fields=["confirmed_at"])
            audit.record(row, "proposal.confirmed", actor=by, version=row.version)
    proposal.confirmed_at = row.confirmed_at
    return proposal
