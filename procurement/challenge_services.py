"""Who is told what about a challenge, and the batched sending of those e-mails.

E-mails leave only after the transaction commits. Notices to many SMEs go
through one Celery task per event that sends in batches over one SMTP
connection each and records every recipient, so a retried task never sends twice.
"""

import math
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cohorts.models import CityMembership
from resilience_portal import audit
from resilience_portal.mail import is_suppressed, render, send_templated
from resilience_portal.permissions import PROGRAMME_STAFF_GROUP
from resilience_portal.refusals import Refused
from resilience_portal.transitions import locked

BATCH_SIZE = 100

# What bidders answer to: changing any of these asks them to confirm and keeps the
# deadline at least the minimum notice away. The timeline alone is not among them.
TERMS = ("criteria", "problem_statement", "desired_outcomes")


def _link(path):
    return settings.SITE_URL.rstrip("/") + path


def _officials(challenge):
    User = get_user_model()
    return User.objects.filter(
        city_memberships__city_id=challenge.city_id,
        city_memberships__status=CityMembership.Status.VERIFIED,
        is_active=True,
    )


def _emails(users):
    return sorted({user.email for user in users})


def tell_staff_challenge_pending(challenge):
    User = get_user_model()
    staff = User.objects.filter(is_staff=True, is_active=True, groups__name=PROGRAMME_STAFF_GROUP)
    if staff.exists():
        send_templated(
            "challenge_pending",
            to=_emails(staff),
            context={"challenge": challenge, "link": _link(challenge.get_absolute_url())},
        )


def tell_officials_sent_back(challenge):
    officials = _officials(challenge)
    if officials.exists():
        send_templated(
            "challenge_sent_back",
            to=_emails(officials),
            context={"challenge": challenge, "link": _link(challenge.get_absolute_url())},
        )


def tell_officials_question_asked(clarification):
    officials = _officials(clarification.challenge)
    if officials.exists():
        # The asker's identity stays out of the e-mail, as it does on the page.
        send_templated(
            "challenge_question_asked",
            to=_emails(officials),
            context={
                "challenge": clarification.challenge,
                "link": _link(clarification.challenge.get_absolute_url()),
            },
        )


def _notify_later(challenge, kind, object_id=None):
    from .tasks import notify_challenge_audience

    if is_suppressed():
        return
    transaction.on_commit(
        lambda: notify_challenge_audience.delay(challenge.pk, kind, object_id=object_id)
    )


def announce_published(challenge):
    _notify_later(challenge, "published")


def tell_bidders_question_answered(clarification):
    stamp = int(clarification.answered_at.timestamp())
    _notify_later(clarification.challenge, f"answer-{clarification.pk}-{stamp}", clarification.pk)


def tell_bidders_amended(amendment):
    _notify_later(amendment.challenge, f"amendment-{amendment.pk}", amendment.pk)
    if amendment.changes_terms:
        _notify_later(amendment.challenge, f"amendment-{amendment.pk}-confirm", amendment.pk)


def tell_bidders_cancelled(challenge):
    _notify_later(challenge, "cancelled")


def audience(challenge, kind, object_id=None):
    """The users an event concerns: matching SMEs for a publication, bidders otherwise.

    An answer also reaches the SME that asked, which may not have started a proposal yet.
    """
    from .models import SME, Challenge, Proposal

    User = get_user_model()
    if kind == "published":
        smes = SME.objects.filter(sectors__in=challenge.sectors.all())
        if challenge.eligibility == Challenge.Eligibility.VERIFIED_IN_COUNTRY:
            smes = smes.filter(country=challenge.city.country)
        elif challenge.eligibility == Challenge.Eligibility.VERIFIED_IN_CITY:
            smes = smes.filter(city_id=challenge.city_id)
    else:
        proposals = Proposal.objects.filter(challenge=challenge)
        if kind.startswith("amendment-") and kind.endswith("-confirm"):
            proposals = proposals.filter(status=Proposal.Status.SUBMITTED)
        elif kind.startswith("amendment-") and _changes_terms(object_id):
            # Those who had submitted get the confirm-or-revise notice instead.
            proposals = proposals.exclude(status=Proposal.Status.SUBMITTED)
        if kind.startswith("answer-"):
            # Drafts and submissions: the people still shaping a bid.
            proposals = proposals.filter(
                Q(status=Proposal.Status.DRAFT) | Q(status__in=Proposal.SUBMITTED_STATUSES)
            )
        smes = SME.objects.filter(pk__in=proposals.values("sme_id"))
        if kind.startswith("answer-") and object_id is not None:
            from .models import Clarification

            asker = Clarification.objects.filter(pk=object_id).values("sme_id")
            smes = SME.objects.filter(Q(pk__in=proposals.values("sme_id")) | Q(pk__in=asker))
    return (
        User.objects.filter(sme_memberships__sme__in=smes, is_active=True).distinct().order_by("pk")
    )


def _changes_terms(amendment_id):
    from .models import Amendment

    return Amendment.objects.filter(pk=amendment_id, changes_terms=True).exists()


def _context(challenge, kind, object_id):
    from .models import Amendment, Clarification

    context = {"challenge": challenge, "link": _link(challenge.get_absolute_url())}
    if kind.startswith("answer-"):
        context["clarification"] = Clarification.objects.get(pk=object_id)
        return "challenge_question_answered", context
    if kind.startswith("amendment-"):
        context["amendment"] = Amendment.objects.get(pk=object_id)
        if kind.endswith("-confirm"):
            return "challenge_amended_confirm", context
        return "challenge_amended", context
    if kind == "cancelled":
        return "challenge_cancelled", context
    return "challenge_published", context


def send_notices(challenge, kind, *, object_id=None):
    """Send ``kind`` to everyone it concerns who has not had it yet; returns how many were sent."""
    from .models import ChallengeNotice

    template, context = _context(challenge, kind, object_id)
    already = ChallengeNotice.objects.filter(challenge=challenge, kind=kind).values("user_id")
    recipients = list(audience(challenge, kind, object_id).exclude(pk__in=already))
    rendered = {}
    sent = 0
    for start in range(0, len(recipients), BATCH_SIZE):
        batch = recipients[start : start + BATCH_SIZE]
        messages = []
        for user in batch:
            language = user.language or settings.LANGUAGE_CODE
            if language not in rendered:
                with translation.override(language):
                    rendered[language] = render(template, {**context, "name": ""})
            subject, body, html = rendered[language]
            message = EmailMultiAlternatives(subject=subject, body=body, to=[user.email])
            if html:
                message.attach_alternative(html, "text/html")
            messages.append(message)
        # One SMTP connection per batch.
        mailers.default.send_messages(messages)
        ChallengeNotice.objects.bulk_create(
            [ChallengeNotice(challenge=challenge, user=user, kind=kind) for user in batch],
            ignore_conflicts=True,
        )
        sent += len(batch)
    return sent


def _members(proposal):
    User = get_user_model()
    return User.objects.filter(sme_memberships__sme_id=proposal.sme_id, is_active=True)


def send_receipt(version):
    """The receipt goes to the SME's members only: the digest proves, without revealing."""
    proposal = version.proposal
    send_templated(
        "proposal_receipt",
        to=_emails(_members(proposal)),
        context={
            "proposal": proposal,
            "challenge": proposal.challenge,
            "version": version,
            "attachments": version.content.get("attachments", []),
            "link": _link(reverse("procurement:proposal_detail", kwargs={"pk": proposal.pk})),
        },
    )


def send_withdrawal_notice(proposal):
    send_templated(
        "proposal_withdrawn",
        to=_emails(_members(proposal)),
        context={
            "proposal": proposal,
            "challenge": proposal.challenge,
            "link": _link(reverse("procurement:proposal_detail", kwargs={"pk": proposal.pk})),
        },
    )


def close_due_challenges():
    from .models import Challenge

    closed = 0
    for challenge in Challenge.objects.due_to_close():
        closed += challenge.close_if_due()
    return closed


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
    """A moment as the challenge's officials and bidders read it: in the city's zone."""
    return date_format(timezone.localtime(moment, challenge.city.zone), "j F Y, H:i T")


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
