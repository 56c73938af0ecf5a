"""Deployment checks of the portal's own, run by `manage.py check --deploy`."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def shared_cache_for_rate_limits(app_configs, **kwargs):
    if settings.REDIS_URL:
        return []
    return [
        Error(
            "REDIS_URL is not set: login rate limits would be kept per process.",
            hint="Set REDIS_URL so every web process shares the rate-limit counters.",
            id="portal.E001",
        )
    ]


@register(Tags.security, deploy=True)
def uploads_scanned_for_viruses(app_configs, **kwargs):
    if settings.CLAMD_ENABLED:
        return []
    return [
        Error(
            "CLAMD_ENABLED is off: uploads would be served to others without a virus scan.",
            hint="Run clamd and set CLAMD_ENABLED=true (with CLAMD_SOCKET or CLAMD_HOST).",
            id="portal.E002",
        )
    ]
