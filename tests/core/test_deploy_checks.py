"""`check --deploy` refuses a production configuration that would weaken the login limits."""

from resilience_portal.checks import shared_cache_for_rate_limits


def test_deploy_check_requires_redis_for_shared_rate_limits(settings):
    settings.REDIS_URL = ""

    (error,) = shared_cache_for_rate_limits(None)

    assert error.id == "portal.E001"


def test_deploy_check_passes_with_redis(settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"

    assert shared_cache_for_rate_limits(None) == []
