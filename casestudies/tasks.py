"""Case-study rendering tasks: thin and idempotent (an unchanged case study is not rendered).

They call the work in :mod:`casestudies.pdf` and never the services, which queue them."""

from datetime import timedelta

from celery import shared_task

from . import pdf

RETRY_DELAYS = (30, 120)


@shared_task(bind=True, max_retries=len(RETRY_DELAYS), time_limit=180, soft_time_limit=150)
def render_case_study_pdf(self, case_study_id, language):
    """Render one language's PDF; retried on failure, then the reason is shown to staff."""
    try:
        return pdf.render_if_changed(case_study_id, language)
    except Exception as error:  # any failure of a render is retried, then reported
        final = self.request.retries >= self.max_retries
        reason = f"{error.__class__.__name__}: {error}"
        pdf.record_attempt_failed(case_study_id, language, reason=reason, final=final)
        if final:
            return "failed"
        # A worker raises Retry and runs the task again later; an eager run (tests, `make
        # run`) hands the Retry back so Celery runs the next attempt at once.
        return self.retry(
            exc=error,
            countdown=RETRY_DELAYS[self.request.retries],
            throw=not self.request.is_eager,
        )


@shared_task
def requeue_stale_pdfs(older_than_seconds=600):
    """Beat, every five minutes: renders whose message was lost are sent again."""
    pairs = pdf.stale_renders(older_than=timedelta(seconds=older_than_seconds))
    for case_study_id, language in pairs:
        render_case_study_pdf.delay(case_study_id, language)
    return len(pairs)


@shared_task
def refresh_live_pdfs():
    """Beat, every five minutes: a PDF prints its pilots' KPIs as they were when it was
    rendered; once a new reading makes the print differ from it, it renders again."""
    pairs = pdf.outdated_live_pdfs()
    for case_study_id, language in pairs:
        render_case_study_pdf.delay(case_study_id, language)
    return len(pairs)
