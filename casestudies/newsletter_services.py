"""Newsletter acts: subscribe and confirm, unsubscribe, manage, bounce; compose, schedule,
send, pause and resume an issue. The sending itself is in :mod:`casestudies.newsletter_sending`.
"""

import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from resilience_portal import audit, mail
from resilience_portal.permissions import is_programme_staff
from resilience_portal.refusals import Refused
from resilience_portal.transitions import locked, transition

from . import newsletter_messages, newsletter_tasks
from . import newsletter_sending as sending
from .models import (
    CaseStudy,
    NewsletterIssue,
    NewsletterIssueTranslation,
    Subscriber,
)

CONFIRMATION_LIFETIME = timedelta(days=7)
Status = Subscriber.Status
IssueStatus = NewsletterIssue.Status


def _require_staff(user):
    if not is_programme_staff(user):
        raise Refused(_("Only programme staff compose and send the newsletter."))


def _staff_check(by):
    def check(row):
        _require_staff(by)

    return check


# --- subscribers ------------------------------------------------------------------------


def subscribe(*, email, name, language, topics, consent_text):
    """Ask for the newsletter. Whether the address is new, waiting, confirmed or gone, the
    caller shows the same page and one e-mail is queued, so the form reveals nothing.

    Nothing but that one e-mail goes to an address until it is confirmed; a confirmed
    subscription is never changed by someone typing its address (they get a note with the
    signed link to manage it instead).
    """
    email = email.strip()
    now = timezone.now()
    request = {
        "name": name,
        "language": language,
        "topics": list(topics),
        "consent_text": consent_text,
        "consented_at": now,
    }
    try:
        with transaction.atomic():
            subscriber, created = Subscriber.objects.select_for_update().get_or_create(
                email__iexact=email, defaults={"email": email.lower(), **request}
            )
    except IntegrityError:  # two requests for a new address raced: the other one made it
        subscriber, created = Subscriber.objects.get(email__iexact=email), False
    if created:
        audit.record(subscriber, "newsletter.subscribed", consent=consent_text)
    elif subscriber.status == Status.CONFIRMED:
        mail.send_templated(
            "newsletter_already",
            to=subscriber,
            context=_links(subscriber),
        )
        return
    else:
        # A new request from an unconfirmed, unsubscribed or bounced address: it waits for
        # confirmation again, with the consent just given.
        transition(
            subscriber,
            to=Status.PENDING,
            allowed_from=[Status.PENDING, Status.UNSUBSCRIBED, Status.BOUNCED],
            action="newsletter.subscribed",
            by=None,
            changes=request,
            details={"consent": consent_text},
        )
    mail.send_templated(
        "newsletter_confirm",
        to=subscriber.email,
        context={**_links(subscriber), "confirm_link": _confirm_link(subscriber)},
        language=language,
    )


def _absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def _confirm_link(subscriber):
    from django.urls import reverse

    return _absolute(reverse("casestudies:newsletter_confirm", args=[subscriber.confirm_token()]))


def _links(subscriber):
    return {
        "subscriber": subscriber,
        "manage_link": _absolute(subscriber.get_manage_url()),
        "unsubscribe_link": _absolute(subscriber.get_unsubscribe_url()),
    }


def subscriber_from_token(token, *, salt, max_age=None):
    """The subscriber a signed link names, or None (a bad link is never an error page)."""
    pk = Subscriber.id_from_token(token, salt=salt, max_age=max_age)
    return Subscriber.objects.filter(pk=pk).first() if pk else None


def confirm_subscription(subscriber):
    """Double opt-in, second step: the address owner confirmed from the e-mail."""
    if subscriber.status == Status.CONFIRMED:
        return subscriber
    return transition(
        subscriber,
        to=Status.CONFIRMED,
        allowed_from=[Status.PENDING],
        action="newsletter.confirmed",
        by=None,
        changes={"confirmed_at": timezone.now()},
    )


def unsubscribe(subscriber, *, how):
    """One click, no questions; asking again changes nothing (RFC 8058 wants idempotence).
    A bounced address stays bounced: it receives nothing either way."""
    if not subscriber.can_unsubscribe():
        return subscriber
    try:
        return transition(
            subscriber,
            to=Status.UNSUBSCRIBED,
            allowed_from=[Status.PENDING, Status.CONFIRMED],
            action="newsletter.unsubscribed",
            by=None,
            changes={"unsubscribed_at": timezone.now()},
            details={"how": how},
        )
    except Refused:  # unsubscribed or bounced by a racing request meanwhile: same outcome
        subscriber.refresh_from_db()
        return subscriber


def update_preferences(subscriber, *, name, language, topics):
    with locked(subscriber) as row:
        row.name, row.language, row.topics = name, language, list(topics)
        row.save(update_fields=["name", "language", "topics"])
        audit.record(row, "newsletter.preferences", language=language, topics=list(topics))
    subscriber.name, subscriber.language, subscriber.topics = row.name, row.language, row.topics
    return row


def mark_bounced(subscriber, *, by):
    _require_staff(by)
    if subscriber.status == Status.BOUNCED:
        return subscriber
    return transition(
        subscriber,
        to=Status.BOUNCED,
        allowed_from=[Status.PENDING, Status.CONFIRMED, Status.UNSUBSCRIBED],
        action="newsletter.bounced",
        by=by,
        check=_staff_check(by),
        changes={"bounced_at": timezone.now()},
    )


ADDRESS_SEPARATORS = re.compile(r"[\s,;<>]+")


def mark_bounced_list(text, *, by):
    """Mark every subscriber address found in ``text`` (one a line, or separated by commas,
    as mail servers report them) bounced; returns the counts of marked, already bounced and
    not found, and the words that are not addresses."""
    _require_staff(by)
    addresses, not_addresses = [], []
    for word in filter(None, ADDRESS_SEPARATORS.split(text)):
        try:
            validate_email(word)
            addresses.append(word.lower())
        except ValidationError:
            not_addresses.append(word)
    counts = {"marked": 0, "already": 0, "unknown": 0, "not_addresses": not_addresses}
    found = {s.email.lower(): s for s in Subscriber.objects.filter(email__in=set(addresses))}
    for address in dict.fromkeys(addresses):
        subscriber = found.get(address)
        if subscriber is None:
            counts["unknown"] += 1
        elif subscriber.status == Status.BOUNCED:
            counts["already"] += 1
        else:
            mark_bounced(subscriber, by=by)
            counts["marked"] += 1
    return counts


# --- composing issues -------------------------------------------------------------------


def _check_featured(featured):
    unpublished = [cs for cs in featured if cs.status != CaseStudy.Status.PUBLISHED]
    if unpublished:
        raise Refused(
            _("Only published case studies can be featured: %(titles)s")
            % {"titles": ", ".join(cs.title for cs in unpublished)},
            field="featured",
        )


def create_issue(*, by, subject, introduction="", featured=()):
    _require_staff(by)
    _check_featured(featured)
    with transaction.atomic():
        issue = NewsletterIssue.objects.create(
            subject=subject, introduction=introduction, created_by=by
        )
        issue.featured.set(featured)
        audit.record(issue, "newsletter.issue_created", actor=by)
    return issue


def save_issue(issue, *, by, subject, introduction, featured):
    _require_staff(by)
    _check_featured(featured)
    with locked(issue) as row:
        if not row.can_edit():
            raise Refused(_("Only a draft can be edited: put it back to draft first."))
        row.subject, row.introduction = subject, introduction
        row.save(update_fields=["subject", "introduction", "updated_at"])
        row.featured.set(featured)
        audit.record(row, "newsletter.issue_saved", actor=by)
    issue.subject, issue.introduction = subject, introduction
    return row


def save_issue_translation(issue, language, *, by, subject, introduction):
    _require_staff(by)
    if language == settings.LANGUAGE_CODE:
        raise Refused(_("The issue itself is in English: edit it instead."), field="language")
    with locked(issue) as row:
        if not row.can_edit():
            raise Refused(_("Only a draft can be edited: put it back to draft first."))
        translation, _created = NewsletterIssueTranslation.objects.update_or_create(
            issue=row,
            language=language,
            defaults={"subject": subject, "introduction": introduction},
        )
        audit.record(row, "newsletter.issue_translated", actor=by, language=language)
    return translation


def send_test(issue, *, by, language):
    """The issue as one subscriber of ``language`` would get it, to the staff member only."""
    _require_staff(by)
    rendered = newsletter_messages.render_issue(issue, language)
    message = newsletter_messages.test_message(rendered, to=by.email)
    mail.queue(
        subject=message.subject,
        body=message.body,
        html=message.alternatives[0][0],
        to=[by.email],
        headers=dict(message.extra_headers),
        language=rendered.language,
    )
    audit.record(issue, "newsletter.test_sent", actor=by, language=language, to=by.email)


# --- the issue's life -------------------------------------------------------------------


def schedule_issue(issue, *, by, when):
    if when <= timezone.now():
        raise Refused(_("Choose a time in the future, or send it now."), field="when")
    return transition(
        issue,
        to=IssueStatus.SCHEDULED,
        allowed_from=[IssueStatus.DRAFT],
        action="newsletter.issue_scheduled",
        by=by,
        check=_staff_check(by),
        changes={"scheduled_for": when},
        details={"when": when.isoformat()},
    )


def unschedule_issue(issue, *, by):
    return transition(
        issue,
        to=IssueStatus.DRAFT,
        allowed_from=[IssueStatus.SCHEDULED],
        action="newsletter.issue_unscheduled",
        by=by,
        check=_staff_check(by),
        changes={"scheduled_for": None},
    )


def _queue_sending(issue):
    # Robust: the status is saved; the beat's tick resumes a send whose message was lost.
    transaction.on_commit(lambda: newsletter_tasks.send_newsletter.delay(issue.pk), robust=True)


def send_issue_now(issue, *, by):
    return sending.start_sending(
        issue,
        by=by,
        action="newsletter.issue_sending",
        check=_staff_check(by),
        queue=newsletter_tasks.send_newsletter.delay,
    )


def pause_issue(issue, *, by):
    """Batches stop at the next batch; rows already claimed finish their batch."""
    return transition(
        issue,
        to=IssueStatus.PAUSED,
        allowed_from=[IssueStatus.SENDING],
        action="newsletter.issue_paused",
        by=by,
        check=_staff_check(by),
    )


def resume_issue(issue, *, by):
    return transition(
        issue,
        to=IssueStatus.SENDING,
        allowed_from=[IssueStatus.PAUSED],
        action="newsletter.issue_resumed",
        by=by,
        check=_staff_check(by),
        then=_queue_sending,
    )
