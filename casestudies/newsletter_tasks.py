"""Newsletter tasks: thin, and safe to run twice or side by side (the Delivery claims decide)."""

from celery import shared_task

from . import newsletter_services as services
from .models import NewsletterIssue

# A run sends for at most this long, then queues the next run: a killed or restarted
# worker loses little, and no run outlives the task time limits.
RUN_SECONDS = 60


@shared_task(time_limit=RUN_SECONDS * 3, soft_time_limit=RUN_SECONDS * 2)
def send_newsletter(issue_id):
    outcome = services.send_batches(issue_id, budget_seconds=RUN_SECONDS)
    if outcome == "more":
        send_newsletter.delay(issue_id)
    return outcome


@shared_task
def newsletter_tick():
    """Beat, every minute: start issues whose time has come; resume sends whose worker
    was lost (no batch has shown a sign of life for a lease)."""
    started = services.start_due_issues()
    resumed = 0
    for issue in NewsletterIssue.objects.filter(status=NewsletterIssue.Status.SENDING):
        if services.is_stalled(issue):
            services.recover_lost_claims(issue)
            send_newsletter.delay(issue.pk)
            resumed += 1
    return {"started": started, "resumed": resumed}
