"""A request id on every log line: taken from the proxy's X-Request-ID (or made up), returned
in the response, and carried into the Celery tasks a request queues, so one user's request can
be followed through web nodes and workers in the logs."""

import contextlib
import contextvars
import logging
import re
import uuid

from celery.signals import before_task_publish, task_postrun, task_prerun

HEADER = "X-Request-ID"
_current = contextvars.ContextVar("request_id", default=None)
# A proxy's id is kept only if it is short and plain; anything else could forge log lines.
_ACCEPTABLE = re.compile(r"[A-Za-z0-9._-]{1,64}")


def current():
    return _current.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get(HEADER, "")
        request_id = offered if _ACCEPTABLE.fullmatch(offered) else uuid.uuid4().hex
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


_base_factory = logging.getLogRecordFactory()


def _record_with_request_id(*args, **kwargs):
    record = _base_factory(*args, **kwargs)
    record.request_id = _current.get()
    return record


logging.setLogRecordFactory(_record_with_request_id)


@before_task_publish.connect
def _carry_into_the_task(headers=None, **kwargs):
    request_id = _current.get()
    if request_id and headers is not None:
        headers.setdefault("request_id", request_id)


@task_prerun.connect
def _resume_in_the_worker(task=None, **kwargs):
    if task is None:
        return
    # An eager task (make run) runs inside the request and already knows its id.
    request_id = getattr(task.request, "request_id", None) or _current.get()
    task.request.request_id_token = _current.set(request_id)


@task_postrun.connect
def _forget_after_the_task(task=None, **kwargs):
    token = getattr(task.request, "request_id_token", None) if task is not None else None
    if token is not None:
        # Set in another context, there is nothing of ours to undo here.
        with contextlib.suppress(ValueError):
            _current.reset(token)
