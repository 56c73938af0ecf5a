"""Newsletter acts: subscribe and confirm, unsubscribe, manage, bounce; compose, schedule,
send, pause and resume an issue; and the batched sending itself.

Sending is exactly-once per subscriber by construction: every recipient has a Delivery
row, a batch claims rows with a conditional UPDATE (pending → sending), each row is marked
"attempted" with another conditional UPDATE just before its message is handed to the mail
server, and only a row that was never attempted may go back to pending. So no row is ever
handed to the mail server twice. The price, when a worker dies, is the one message it was
handing over at that instant: it may or may not have arrived, so it is recorded as failed
with that reason rather than risk a second copy (see :func:`recover_lost_claims`).
"""

import contextlib
import re
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import mailers
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from resilience_portal import audit, mail
from resilience_portal.permissions import is_programme_staff
from resilience_portal.refusals import Refused
from resilience_portal.transitions import locked, transition

from . import newsletter_messages
from .models import (
    CaseStudy,
    Delivery,
    NewsletterIssue,
    NewsletterIssueTranslation,
    Subscriber,
)

CONFIRMATION_LIFETIME = timedelta(days=7)
LOST_HANDOVER = (
    "The worker stopped while handing this message to the mail server: it may have "
    "arrived, so it is not sent again."
)

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


def _create_deliveries(issue):
    """One Delivery per receiving subscriber, in one statement: the audience is fixed when
    sending starts. ``ON CONFLICT DO NOTHING`` keeps it safe to run twice."""
    delivery, subscriber = Delivery._meta.db_table, Subscriber._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {delivery} (issue_id, subscriber_id, status, language, claim, error) "
            f"SELECT %s, id, %s, language, '', '' FROM {subscriber} WHERE status = %s "
            "ON CONFLICT DO NOTHING",
            [issue.pk, Delivery.Status.PENDING, Status.CONFIRMED],
        )


def _queue_sending(issue):
    from .newsletter_tasks import send_newsletter

    # Robust: the status is saved; the beat's tick resumes a send whose message was lost.
    transaction.on_commit(lambda: send_newsletter.delay(issue.pk), robust=True)


def send_issue_now(issue, *, by):
    return _start_sending(issue, by=by, action="newsletter.issue_sending")


def _start_sending(issue, *, by, action):
    def then(row):
        _create_deliveries(row)
        _queue_sending(row)

    return transition(
        issue,
        to=IssueStatus.SENDING,
        allowed_from=[IssueStatus.DRAFT, IssueStatus.SCHEDULED],
        action=action,
        by=by,
        check=_staff_check(by) if by is not None else None,
        changes={"sending_started_at": timezone.now()},
        then=then,
    )


def start_due_issues(now=None):
    """The beat: scheduled issues whose time has come start sending."""
    due = NewsletterIssue.objects.filter(
        status=IssueStatus.SCHEDULED, scheduled_for__lte=now or timezone.now()
    )
    started = 0
    for issue in due:
        try:
            _start_sending(issue, by=None, action="newsletter.issue_sending_on_schedule")
            started += 1
        except Refused:  # unscheduled or started by staff meanwhile
            continue
    return started


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


def finish_if_done(issue):
    """Sending → sent once no delivery waits or is being sent."""
    remaining = issue.deliveries.filter(
        status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING]
    )
    if remaining.exists():
        return False
    try:
        transition(
            issue,
            to=IssueStatus.SENT,
            allowed_from=[IssueStatus.SENDING],
            action="newsletter.issue_sent",
            by=None,
            changes={"sent_at": timezone.now()},
        )
    except Refused:  # paused, or finished by another worker: nothing to do
        return False
    return True


# --- batched sending --------------------------------------------------------------------


def _lease():
    return timedelta(seconds=settings.NEWSLETTER_CLAIM_LEASE)


def recover_lost_claims(issue, *, now=None):
    """Rows held by a batch that has shown no sign of life for a lease: never attempted →
    pending again; attempted but not confirmed → failed (it may have arrived; a second
    copy is worse than a missing one). Returns (back to pending, in doubt)."""
    cutoff = (now or timezone.now()) - _lease()
    stale_claims = set(
        issue.deliveries.filter(status=Delivery.Status.SENDING, claimed_at__lt=cutoff)
        .values_list("claim", flat=True)
        .distinct()
    )
    if not stale_claims:
        return 0, 0
    # A claim is alive while its worker attempts or sends a row now and then.
    alive = set(
        Delivery.objects.filter(claim__in=stale_claims)
        .filter(Q(attempted_at__gte=cutoff) | Q(sent_at__gte=cutoff))
        .values_list("claim", flat=True)
        .distinct()
    )
    lost = stale_claims - alive
    rows = Delivery.objects.filter(issue=issue, claim__in=lost, status=Delivery.Status.SENDING)
    released = rows.filter(attempted_at__isnull=True).update(
        status=Delivery.Status.PENDING, claim="", claimed_at=None
    )
    in_doubt = rows.filter(attempted_at__isnull=False).update(
        status=Delivery.Status.FAILED, error=LOST_HANDOVER
    )
    if released or in_doubt:
        audit.record(issue, "newsletter.claims_recovered", released=released, in_doubt=in_doubt)
    return released, in_doubt


def is_stalled(issue, *, now=None):
    """Sending, with work left, and no batch has shown a sign of life for a lease."""
    cutoff = (now or timezone.now()) - _lease()
    last = issue.deliveries.aggregate(
        claimed=Max("claimed_at"), attempted=Max("attempted_at"), sent=Max("sent_at")
    )
    moments = [moment for moment in last.values() if moment is not None]
    recent = max(moments) if moments else issue.sending_started_at
    return recent is None or recent < cutoff


def claim_batch(issue, *, size=None):
    """Claim up to ``size`` pending rows for one batch; returns the claim's name (or None
    when nothing waits). Rows whose subscriber stopped receiving are skipped here, so an
    unsubscribe or a bounce is honoured by the next batch."""
    size = size or settings.NEWSLETTER_BATCH_SIZE
    claim = uuid.uuid4().hex
    with transaction.atomic():
        candidates = list(
            issue.deliveries.filter(status=Delivery.Status.PENDING)
            .order_by("pk")
            .select_for_update(skip_locked=True, of=("self",))
            .values_list("pk", "subscriber__status")[:size]
        )
        if not candidates:
            return None
        receiving = [pk for pk, status in candidates if status == Status.CONFIRMED]
        gone = [pk for pk, status in candidates if status != Status.CONFIRMED]
        Delivery.objects.filter(pk__in=gone, status=Delivery.Status.PENDING).update(
            status=Delivery.Status.SKIPPED
        )
        # Conditional: a row another batch claimed meanwhile is not taken twice.
        Delivery.objects.filter(pk__in=receiving, status=Delivery.Status.PENDING).update(
            status=Delivery.Status.SENDING, claim=claim, claimed_at=timezone.now()
        )
    return claim


@contextlib.contextmanager
def _progress_marks_without_waiting_for_disk():
    """Each message's marks are committed without waiting for the disk (PostgreSQL's
    ``synchronous_commit = off``): a commit is still atomic and seen by every other
    connection at once, and survives the worker being killed; only a crash of PostgreSQL
    itself could lose the last fraction of a second of marks. Waiting for the disk twice
    per message would cap sending at a few dozen messages a second."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def send_claimed(issue, claim, *, mailer=None):
    """Send the rows of ``claim`` over one SMTP connection; returns (sent, failed)."""
    deliveries = list(
        Delivery.objects.filter(claim=claim, status=Delivery.Status.SENDING)
        .select_related("subscriber")
        .order_by("pk")
    )
    rendered = {}
    sent = failed = 0
    mailer = mailer or mailers.default
    with mailer, _progress_marks_without_waiting_for_disk():
        for delivery in deliveries:
            subscriber = delivery.subscriber
            language = subscriber.language
            if language not in rendered:
                rendered[language] = newsletter_messages.render_issue(issue, language)
            message = newsletter_messages.personal_message(rendered[language], subscriber)
            # The handover is written down before it happens, conditionally: a row a
            # recovery gave back to pending (or to another batch) is not sent from here.
            attempted = Delivery.objects.filter(
                pk=delivery.pk, claim=claim, status=Delivery.Status.SENDING
            ).update(attempted_at=timezone.now(), language=language)
            if not attempted:
                continue
            try:
                mailer.send_messages([message])
            except Exception as error:  # a refused recipient must not stop the batch
                failed += 1
                Delivery.objects.filter(pk=delivery.pk, claim=claim).update(
                    status=Delivery.Status.FAILED, error=f"{error.__class__.__name__}: {error}"
                )
                continue
            sent += 1
            Delivery.objects.filter(pk=delivery.pk, claim=claim).update(
                status=Delivery.Status.SENT, sent_at=timezone.now(), error=""
            )
    return sent, failed


def send_batches(issue_id, *, budget_seconds=60, mailer=None):
    """Send batches of ``issue_id`` until done, paused, or the time budget is spent.
    Returns "sent", "paused", "more" (call again) or "waiting" (others hold the rest)."""
    issue = NewsletterIssue.objects.filter(pk=issue_id).first()
    if issue is None or issue.status != IssueStatus.SENDING:
        return "paused" if issue is not None and issue.status == IssueStatus.PAUSED else "done"
    recover_lost_claims(issue)
    deadline = timezone.now() + timedelta(seconds=budget_seconds)
    while timezone.now() < deadline:
        # Staff may pause between batches.
        if not NewsletterIssue.objects.filter(pk=issue_id, status=IssueStatus.SENDING).exists():
            return "paused"
        claim = claim_batch(issue)
        if claim is None:
            return "sent" if finish_if_done(issue) else "waiting"
        send_claimed(issue, claim, mailer=mailer)
    return "more"
