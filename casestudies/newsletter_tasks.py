"""Newsletter tasks: thin, and safe to run twice or side by side (the Delivery claims decide).

They call the work in :mod:`casestudies.newsletter_sending`, never the services that queue them.
"""

from celery import shared_task

from . import newsletter_sending as sending
from .models import NewsletterIssue

# A run sends for at most this long, then queues the next run: a killed or restarted
# worker loses little, and no run outlives the task time limits.
RUN_SECONDS = 60


@shared_task(time_limit=RUN_SECONDS * 3, soft_time_limit=RUN_SECONDS * 2)
def send_newsletter(issue_id):
    outcome = sending.send_batches(issue_id, budget_seconds=RUN_SECONDS)
    if outcome == "more":
        send_newsletter.delay(issue_id)
    return outcome


@shared_task
def newsletter_tick():
    """Beat, every minute: start issues whose time has come; resume sends whose worker
    was lost (no batch has shown a sign of life for a lease)."""
    started = sending.start_due_issues(queue=send_newsletter.delay)
    resumed = 0
    for issue in NewsletterIssue.objects.filter(status=NewsletterIssue.Status.SENDING):
        if sending.is_stalled(issue):
            sending.recover_lost_claims(issue)
            send_newsletter.delay(issue.pk)
            resumed += 1
    return {"started": started, "resumed": resumed}
