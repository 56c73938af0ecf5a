"""The notices a challenge sends to many SMEs, as data: one ``Notice`` per kind, naming
its e-mail templates (``email/<template>_subject.txt``, ``_body.txt``, ``_body.html``),
its audience and what its templates are given.

A notice is queued after the transaction commits and sent by one Celery task, in batches
over one SMTP connection each; a ``ChallengeNotice`` row per recipient and notice means a
retried task never sends twice.
"""

from collections.abc import Callable
from dataclasses import dataclass

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import Q

from resilience_portal.mail import is_suppressed, language_of, render
from smes.models import SME

from .models import Amendment, Challenge, ChallengeNotice, Clarification, Proposal

BATCH_SIZE = 100


def site_link(path):
    return settings.SITE_URL.rstrip("/") + path


def _matching_smes(challenge, subject):
    """A publication reaches the SMEs of its sectors that may propose."""
    smes = SME.objects.filter(sectors__in=challenge.sectors.all())
    if challenge.eligibility == Challenge.Eligibility.VERIFIED_IN_COUNTRY:
        smes = smes.filter(country=challenge.city.country)
    elif challenge.eligibility == Challenge.Eligibility.VERIFIED_IN_CITY:
        smes = smes.filter(city_id=challenge.city_id)
    return smes


def _bidders(proposals):
    return SME.objects.filter(pk__in=proposals.values("sme_id"))


def _all_bidders(challenge, subject):
    return _bidders(Proposal.objects.filter(challenge=challenge))


def _shaping_a_bid_or_asking(challenge, clarification):
    """Drafts and submissions (the people still shaping a bid), and the SME that asked,
    which may not have started a proposal yet."""
    proposals = Proposal.objects.filter(challenge=challenge).filter(
        Q(status=Proposal.Status.DRAFT) | Q(status__in=Proposal.SUBMITTED_STATUSES)
    )
    return SME.objects.filter(Q(pk__in=proposals.values("sme_id")) | Q(pk=clarification.sme_id))


def _told_of_the_amendment(challenge, amendment):
    proposals = Proposal.objects.filter(challenge=challenge)
    if amendment.changes_terms:
        # Those who had submitted get the confirm-or-revise notice instead.
        proposals = proposals.exclude(status=Proposal.Status.SUBMITTED)
    return _bidders(proposals)


def _asked_to_confirm(challenge, amendment):
    return _bidders(Proposal.objects.filter(challenge=challenge, status=Proposal.Status.SUBMITTED))


@dataclass(frozen=True)
class Notice:
    """One kind of notice: its name, templates, audience (SMEs) and its subject's model."""

    name: str
    template: str
    audience: Callable  # (challenge, subject) -> SME queryset
    subject_model: type | None = None
    context_name: str = ""
    record_key: Callable = lambda name, subject: name  # what a ChallengeNotice row records

    def subject(self, object_id):
        return None if self.subject_model is None else self.subject_model.objects.get(pk=object_id)

    def recipients(self, challenge, subject):
        smes = self.audience(challenge, subject)
        User = get_user_model()
        return (
            User.objects.filter(sme_memberships__sme__in=smes, is_active=True)
            .distinct()
            .order_by("pk")
        )

    def context(self, challenge, subject):
        context = {"challenge": challenge, "link": site_link(challenge.get_absolute_url())}
        if self.context_name:
            context[self.context_name] = subject
        return context


PUBLISHED = Notice("published", "challenge_published", _matching_smes)
CANCELLED = Notice("cancelled", "challenge_cancelled", _all_bidders)
ANSWERED = Notice(
    "answered",
    "challenge_question_answered",
    _shaping_a_bid_or_asking,
    subject_model=Clarification,
    context_name="clarification",
    # A corrected answer is news again: the record names the answer's time.
    record_key=lambda name, clarification: (
        f"answer-{clarification.pk}-{int(clarification.answered_at.timestamp())}"
    ),
)
AMENDED = Notice(
    "amended",
    "challenge_amended",
    _told_of_the_amendment,
    subject_model=Amendment,
    context_name="amendment",
    record_key=lambda name, amendment: f"amendment-{amendment.pk}",
)
AMENDED_CONFIRM = Notice(
    "amended-confirm",
    "challenge_amended_confirm",
    _asked_to_confirm,
    subject_model=Amendment,
    context_name="amendment",
    record_key=lambda name, amendment: f"amendment-{amendment.pk}-confirm",
)
NOTICES = {
    notice.name: notice for notice in (PUBLISHED, CANCELLED, ANSWERED, AMENDED, AMENDED_CONFIRM)
}


def queue(challenge, notice, subject=None):
    """Send ``notice`` about ``challenge`` (and ``subject``) once the transaction commits."""
    if is_suppressed():
        return
    object_id = None if subject is None else subject.pk
    transaction.on_commit(
        lambda: notify_challenge_audience.delay(challenge.pk, notice.name, object_id=object_id)
    )


def send(challenge, notice, *, object_id=None):
    """Send ``notice`` to everyone it concerns who has not had it yet; returns how many."""
    subject = notice.subject(object_id)
    key = notice.record_key(notice.name, subject)
    context = notice.context(challenge, subject)
    already = ChallengeNotice.objects.filter(challenge=challenge, kind=key).values("user_id")
    recipients = list(notice.recipients(challenge, subject).exclude(pk__in=already))
    rendered = {}
    sent = 0
    for start in range(0, len(recipients), BATCH_SIZE):
        batch = recipients[start : start + BATCH_SIZE]
        messages = []
        for user in batch:
            language = language_of(user)
            if language not in rendered:
                rendered[language] = render(
                    notice.template, {**context, "name": ""}, language=language
                )
            subject_line, body, html = rendered[language]
            message = EmailMultiAlternatives(
                subject=subject_line,
                body=body,
                to=[user.email],
                headers={"Content-Language": language},
            )
            if html:
                message.attach_alternative(html, "text/html")
            messages.append(message)
        # One SMTP connection per batch.
        mailers.default.send_messages(messages)
        ChallengeNotice.objects.bulk_create(
            [ChallengeNotice(challenge=challenge, user=user, kind=key) for user in batch],
            ignore_conflicts=True,
        )
        sent += len(batch)
    return sent


# Defined beside what it sends, under the name it has always had, so that the services
# queue it without importing ``tasks`` (which imports the services).
@shared_task(name="procurement.tasks.notify_challenge_audience")
def notify_challenge_audience(challenge_id, notice, *, object_id=None):
    challenge = Challenge.objects.filter(pk=challenge_id).select_related("city").first()
    if challenge is None or notice not in NOTICES:
        return 0
    return send(challenge, NOTICES[notice], object_id=object_id)
