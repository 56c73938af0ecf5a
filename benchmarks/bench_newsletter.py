"""Newsletter throughput: one issue to 100,000 subscribers, a real worker, a local SMTP sink.

The subscribers are inserted in one statement; the issue is sent through the staff act, a
Celery worker in its own process sends it in batches to an SMTP server in this process that
counts the messages. Printed: messages per second and the worker's memory as it goes
(resident now, and its peak), which should stay flat whatever the list's length.
"""

import os
import time
import uuid

SUBSCRIBERS = int(os.environ.get("BENCH_NEWSLETTER_SUBSCRIBERS", 100_000))
# The aim is the whole list within two minutes: the bench watches that long, then pauses
# the issue (the staff act) and projects the total from the rate it saw.
WINDOW_SECONDS = int(os.environ.get("BENCH_NEWSLETTER_SECONDS", 120))


def _subscribers(count):
    from django.db import connection

    from casestudies.models import Subscriber

    table = Subscriber._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (email, name, language, topics, status, consent_text, "
            "consented_at, confirmed_at, created_at) "
            "SELECT 'bench' || n || '@bench.example.org', 'Reader ' || n, "
            "(ARRAY['en','id','th','vi'])[1 + n %% 4], '[]'::jsonb, 'confirmed', 'bench', "
            "now(), now(), now() FROM generate_series(1, %s) AS n",
            [count],
        )


def _database_url():
    from django.db import connection

    settings = connection.settings_dict
    return (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


def run():
    from django.db import transaction

    from benchmarks.smtp_sink import SMTPSink, memory_kib, peak_memory_kib, start_worker, stop
    from casestudies import newsletter_services as services
    from casestudies.models import NewsletterIssue, Subscriber
    from resilience_portal.celery import app
    from resilience_portal.models import User

    Subscriber.objects.filter(email__endswith="@bench.example.org").delete()
    NewsletterIssue.objects.filter(subject="Bench issue").delete()
    _subscribers(SUBSCRIBERS)
    staff, _ = User.objects.get_or_create(email="bench-staff@bench.example.org")
    from django.contrib.auth.models import Group

    from resilience_portal.permissions import PROGRAMME_STAFF_GROUP

    staff.is_staff = True
    staff.save()
    staff.groups.add(Group.objects.get_or_create(name=PROGRAMME_STAFF_GROUP)[0])
    issue = services.create_issue(
        by=staff, subject="Bench issue", introduction="Three cities and **their** SMEs."
    )
    queue = f"bench-{uuid.uuid4().hex}"
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    samples = []
    with SMTPSink(keep_headers=False) as sink:
        worker = start_worker(
            queue=queue, env={"DATABASE_URL": _database_url(), "EMAIL_URL": sink.url}
        )
        try:
            time.sleep(3)  # the worker starts
            began = time.perf_counter()
            with transaction.atomic():
                services.send_issue_now(issue, by=staff)
            while True:
                time.sleep(1)
                samples.append((sink.count, memory_kib(worker.pid)))
                issue.refresh_from_db()
                if issue.status == "sent" or worker.poll() is not None:
                    break
                if time.perf_counter() - began > WINDOW_SECONDS:
                    services.pause_issue(issue, by=staff)
                    break
            elapsed = time.perf_counter() - began
            peak = peak_memory_kib(worker.pid)
        finally:
            stop(worker)
            app.conf.task_always_eager = True
            app.conf.task_default_queue = "celery"
    progress = issue.progress()
    rate = sink.count / elapsed
    print(
        f"   {SUBSCRIBERS:,} subscribers: {sink.count:,} messages received in {elapsed:.1f} s "
        f"= {rate:,.0f} messages/s (sent {progress['sent']:,}, failed {progress['failed']:,})"
    )
    if issue.status != "sent":
        print(
            f"   not finished within {WINDOW_SECONDS} s (paused): the whole list would take "
            f"about {SUBSCRIBERS / max(rate, 0.001) / 60:,.1f} minutes at this rate"
        )
    marks = [samples[int(len(samples) * share)] for share in (0.1, 0.5, 0.9) if samples]
    print(
        "   worker resident memory at 10% / 50% / 90% of the send: "
        + " / ".join(f"{kib / 1024:.0f} MiB ({count:,} sent)" for count, kib in marks)
    )
    print(f"   worker peak resident memory (VmHWM): {peak / 1024:.0f} MiB")
    from django.conf import settings

    print(
        f"   senders side by side: {settings.NEWSLETTER_SENDERS}, "
        f"batch size: {settings.NEWSLETTER_BATCH_SIZE}, load average: {os.getloadavg()[0]:.1f}"
    )
    NewsletterIssue.objects.filter(pk=issue.pk).delete()
    Subscriber.objects.filter(email__endswith="@bench.example.org").delete()
