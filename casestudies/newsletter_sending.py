"""Sending an issue: the Delivery rows, their claims by batches, the batches themselves, and
recovery from a lost worker. The newsletter's tasks call this; it calls no task itself.

Sending is exactly-once per subscriber by construction: every recipient has a Delivery
row, a batch claims rows with one conditional UPDATE (pending → sending), each row is marked
"attempted" with another conditional UPDATE just before its message is handed to the mail
server (the same statement marks the previous message sent), and only a row that was never
attempted may go back to pending. So no row is ever
handed to the mail server twice. The price, when a worker dies, is the one message it was
handing over at that instant: it may or may not have arrived, so it is recorded as failed
with that reason rather than risk a second copy (see :func:`recover_lost_claims`).
"""

import contextlib
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django import db
from django.conf import settings
from django.core.mail import mailers
from django.db import connection, transaction
from django.db.models import Case, Max, Q, Value, When
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
    unsubscribe or a bounce is honoured by the next batch. One UPDATE claims and skips."""
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
        receiving = Q(pk__in=[pk for pk, status in candidates if status == Status.CONFIRMED])
        # Conditional: a row another batch claimed meanwhile is not taken twice.
        Delivery.objects.filter(
            pk__in=[pk for pk, _status in candidates], status=Delivery.Status.PENDING
        ).update(
            status=Case(
                When(receiving, then=Value(Delivery.Status.SENDING)),
                default=Value(Delivery.Status.SKIPPED),
            ),
            claim=Case(When(receiving, then=Value(claim)), default=Value("")),
            claimed_at=Case(When(receiving, then=Value(timezone.now())), default=None),
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


class _Marks:
    """The marks of one claim's rows, one statement a message: just before a message is
    handed over, the previous one is marked sent and this one attempted, together.

    The attempt is written (and committed) before the handover, conditionally: a row a
    recovery gave back to pending (or to another batch) is not sent from here. The previous
    message's "sent" rides along a few microseconds later than it could (the next message is
    built from bytes at hand): a worker that dies in between leaves that message in doubt,
    recorded as failed, as one dying just after a handover always did; never sent twice.
    """

    def __init__(self, claim):
        self.claim = claim
        self.sent = None  # the row handed over last, not yet marked sent
        table = connection.ops.quote_name(Delivery._meta.db_table)
        self.attempt_sql = (
            f"UPDATE {table} SET "
            "status = CASE WHEN id = %s THEN %s ELSE status END, "
            "sent_at = CASE WHEN id = %s THEN %s ELSE sent_at END, "
            "error = CASE WHEN id = %s THEN '' ELSE error END, "
            "attempted_at = CASE WHEN id = %s THEN %s ELSE attempted_at END, "
            "language = CASE WHEN id = %s THEN %s ELSE language END "
            "WHERE claim = %s AND (id = %s OR (id = %s AND status = %s)) RETURNING id"
        )

    def attempt(self, pk, language):
        """Mark ``pk`` attempted (and the last one sent); False: not this batch's to send."""
        now, last = timezone.now(), self.sent
        with connection.cursor() as cursor:
            cursor.execute(
                self.attempt_sql,
                [
                    *(last, Delivery.Status.SENT, last, now, last),
                    *(pk, now, pk, language, self.claim, last, pk, Delivery.Status.SENDING),
                ],
            )
            marked = {row[0] for row in cursor.fetchall()}
        self.sent = None
        return pk in marked

    def handed_over(self, pk):
        self.sent = pk

    def failed(self, pk, error):
        Delivery.objects.filter(pk=pk, claim=self.claim).update(
            status=Delivery.Status.FAILED, error=f"{error.__class__.__name__}: {error}"
        )

    def flush(self):
        if self.sent is not None:
            Delivery.objects.filter(pk=self.sent, claim=self.claim).update(
                status=Delivery.Status.SENT, sent_at=timezone.now(), error=""
            )
            self.sent = None


def encoded_issue(issue):
    """A cache of the issue's messages per language, for the batches of one run: an issue
    being sent can no longer be edited, so each language is rendered once per run."""
    cache = {}

    def of(language):
        # Senders side by side may both render a language first: the same message, twice.
        if language not in cache:
            rendered = newsletter_messages.render_issue(issue, language)
            cache[language] = newsletter_messages.EncodedIssue(rendered)
        return cache[language]

    return of


def send_claimed(issue, claim, *, mailer=None, messages=None):
    """Send the rows of ``claim`` over one SMTP connection; returns (sent, failed).
    ``messages``: an :func:`encoded_issue` shared by the batches of a run."""
    rows = list(
        Delivery.objects.filter(claim=claim, status=Delivery.Status.SENDING)
        .order_by("pk")
        .values_list("pk", "subscriber_id", "subscriber__email", "subscriber__language")
    )
    messages = messages or encoded_issue(issue)
    for language in {row[3] for row in rows}:
        messages(language)  # rendered now, not between a handover and its mark
    links = newsletter_messages.PersonalLinks()
    marks = _Marks(claim)
    sent = failed = 0
    mailer = mailer or mailers.default
    with mailer, _progress_marks_without_waiting_for_disk():
        try:
            for pk, subscriber_id, address, language in rows:
                unsubscribe, manage = links.of(subscriber_id)
                message = messages(language).message(
                    to=address, unsubscribe=unsubscribe, manage=manage
                )
                if not marks.attempt(pk, language):
                    continue
                try:
                    mailer.send_messages([message])
                except Exception as error:  # a refused recipient must not stop the batch
                    failed += 1
                    marks.failed(pk, error)
                    continue
                sent += 1
                marks.handed_over(pk)
        finally:
            marks.flush()
    return sent, failed


def _send_until(issue, deadline, *, mailer, messages):
    """One sender: batch after batch until done, paused or the deadline."""
    while timezone.now() < deadline:
        # Staff may pause between batches.
        if not NewsletterIssue.objects.filter(pk=issue.pk, status=IssueStatus.SENDING).exists():
            return "paused"
        claim = claim_batch(issue)
        if claim is None:
            return "sent" if finish_if_done(issue) else "waiting"
        send_claimed(issue, claim, mailer=mailer, messages=messages)
    return "more"


def _in_own_thread(issue, deadline, messages):
    try:
        return _send_until(issue, deadline, mailer=None, messages=messages)
    finally:
        db.connections.close_all()  # this thread's connection, opened for its batches


def send_batches(issue_id, *, budget_seconds=60, mailer=None, senders=None):
    """Send batches of ``issue_id`` until done, paused, or the time budget is spent.
    Returns "sent", "paused", "more" (call again) or "waiting" (others hold the rest).

    ``senders`` batches are sent side by side, each over its own connection to the mail
    server and the database (``NEWSLETTER_SENDERS``): a message's time is mostly waiting for
    the two servers' answers, and the claims already keep concurrent batches apart."""
    issue = NewsletterIssue.objects.filter(pk=issue_id).first()
    if issue is None or issue.status != IssueStatus.SENDING:
        return "paused" if issue is not None and issue.status == IssueStatus.PAUSED else "done"
    recover_lost_claims(issue)
    messages = encoded_issue(issue)
    deadline = timezone.now() + timedelta(seconds=budget_seconds)
    senders = senders or settings.NEWSLETTER_SENDERS
    if senders <= 1 or mailer is not None:
        return _send_until(issue, deadline, mailer=mailer, messages=messages)
    with ThreadPoolExecutor(senders, thread_name_prefix="newsletter") as pool:
        outcomes = set(
            pool.map(lambda _n: _in_own_thread(issue, deadline, messages), range(senders))
        )
    for outcome in ("paused", "more", "sent"):
        if outcome in outcomes:
            return outcome
    # Each sender found nothing left while another still held a batch: whoever is last may
    # have finished it after that sender's look.
    return "sent" if finish_if_done(issue) else "waiting"
