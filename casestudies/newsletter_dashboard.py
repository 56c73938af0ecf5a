"""What programme staff should know about the newsletter: issues under way and drafts."""

from .models import NewsletterIssue, Subscriber


def staff_panel(request):
    status = NewsletterIssue.Status
    return {
        "issues_under_way": NewsletterIssue.objects.filter(
            status__in=[status.SCHEDULED, status.SENDING, status.PAUSED]
        ).order_by("scheduled_for", "-id"),
        "issue_drafts": NewsletterIssue.objects.filter(status=status.DRAFT).order_by("-updated_at")[
            :5
        ],
        "confirmed_subscribers": Subscriber.objects.receiving().count(),
    }
