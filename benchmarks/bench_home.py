"""Home page and health check: server time on the configured database."""

from .timing import measure, report


def run():
    report("GET /", measure("/"))
    report("GET /healthz", measure("/healthz"))
