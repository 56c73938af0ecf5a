"""Who is told what about a challenge, and the batched sending of those e-mails.

E-mails leave only after the transaction commits. Notices to many SMEs go
through one Celery task per event that sends in batches over one SMTP
connection each and records every recipient, so a retried task never sends twice.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import translation

from cohorts.models import CityMembership
from resilience_portal.mail import is_suppressed, render, send_templated
from resilience_portal.permissions import PROGRAMME_STAFF_GROUP

BATCH_SIZE = 100


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


def _context(challenge, kind, object_id):
    from .models import Amendment, Clarification

    context = {"challenge": challenge, "link": _link(challenge.get_absolute_url())}
    if kind.startswith("answer-"):
        context["clarification"] = Clarification.objects.get(pk=object_id)
        return "challenge_question_answered", context
    if kind.startswith("amendment-"):
        context["amendment"] = Amendment.objects.get(pk=object_id)
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
