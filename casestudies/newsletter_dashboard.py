"""What programme staff should know about the newsletter: issues under way and drafts,
fetched in one query (the dashboard keeps a constant, small number of queries)."""

from .models import NewsletterIssue


def staff_panel(request):
    status = NewsletterIssue.Status
    issues = list(
        NewsletterIssue.objects.filter(
            status__in=[status.DRAFT, status.SCHEDULED, status.SENDING, status.PAUSED]
        ).order_by("-updated_at")[:10]
    )
    return {
        "issues_under_way": [issue for issue in issues if issue.status != status.DRAFT],
        "issue_drafts": [issue for issue in issues if issue.status == status.DRAFT],
    }
