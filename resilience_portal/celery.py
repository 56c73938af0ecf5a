"""The Celery app; its settings are the CELERY_* names in settings.py."""

import os

from celery import Celery
from celery.signals import celeryd_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "resilience_portal.settings")

app = Celery("resilience_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Log lines of a task carry the id of the request that queued it.
from . import request_ids  # noqa: E402, F401


def route_by_kind(name, args, kwargs, options, task=None, **extra):
    """The queue of a task's kind (settings.CELERY_TASK_KINDS), or the default (mail) queue.

    When the default queue is not the mail queue (one queue for everything, as a small
    install or a test's own worker has it), every task goes to the default queue."""
    from django.conf import settings

    prefix = settings.CELERY_QUEUE_PREFIX
    if app.conf.task_default_queue != f"{prefix}mail":
        return None
    kind = settings.CELERY_TASK_KINDS.get(name, "mail")
    return {"queue": f"{prefix}{kind}"}


@celeryd_init.connect
def _concurrency_of_the_queue(sender=None, conf=None, options=None, **kwargs):
    """A worker of one queue (`-Q bulk`) without --concurrency runs as many processes as
    settings.CELERY_QUEUES_BY_KIND gives that queue."""
    from django.conf import settings

    queues = options.get("queues") or []
    if isinstance(queues, str):
        queues = queues.split(",")
    if options.get("concurrency") or len(queues) != 1:
        return
    kind = queues[0].removeprefix(settings.CELERY_QUEUE_PREFIX)
    if kind in settings.CELERY_QUEUES_BY_KIND:
        conf.worker_concurrency = settings.CELERY_QUEUES_BY_KIND[kind]["concurrency"]
