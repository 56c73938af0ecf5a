"""Sending an issue: the Delivery rows, their claims by batches, the batches themselves, and
recovery from a lost worker. The newsletter's tasks call this; it calls no task itself.

Sending is exactly-once per subscriber by construction: every recipient has a Delivery
row, a batch claims rows with a conditional UPDATE (pending → sending), each row is marked
"attempted" with another conditional UPDATE just before its message is handed to the mail
server, and only a row that was never attempted may go back to pending. So no row is ever
handed to the mail server twice. The price, when a worker dies, is the one message it was
handing over at that instant: it may or may not have arrived, so it is recorded as failed
with that reason rather than risk a second copy (see :func:`recover_lost_claims`).
"""

import contextlib
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import mailers
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from resilience_portal import audit
from resilience_portal.refusals import Refused
from resilience_portal.transitions import transition

from . import newsletter_messages
from .models import Delivery, NewsletterIssue, Subscriber

LOST_HANDOVER = (
    "The worker stopped while handing this message to the mail server: it may have "
    "arrived, so it is not sent again."
)

Status = Subscriber.Status
IssueStatus = NewsletterIssue.Status


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


def start_sending(issue, *, by, action, queue, check=None):
    """Sending starts: the audience is fixed (one Delivery each) and, after commit,
    ``queue(issue id)`` hands the send to a worker (the caller's task, so this module needs
    none). Robust: the status is saved; the beat's tick resumes a send whose message was lost.
    """

    def then(row):
        _create_deliveries(row)
        transaction.on_commit(lambda: queue(row.pk), robust=True)

    return transition(
        issue,
        to=IssueStatus.SENDING,
        allowed_from=[IssueStatus.DRAFT, IssueStatus.SCHEDULED],
        action=action,
        by=by,
        check=check,
        changes={"sending_started_at": timezone.now()},
        then=then,
    )


def start_due_issues(*, queue, now=None):
    """The beat: scheduled issues whose time has come start sending."""
    due = NewsletterIssue.objects.filter(
        status=IssueStatus.SCHEDULED, scheduled_for__lte=now or timezone.now()
    )
    started = 0
    for issue in due:
        try:
            start_sending(
                issue, by=None, action="newsletter.issue_sending_on_schedule", queue=queue
            )
            started += 1
        except Refused:  # unscheduled or started by staff meanwhile
            continue
    return started


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
