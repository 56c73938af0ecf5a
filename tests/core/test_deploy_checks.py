"""`check --deploy` refuses a production configuration that would weaken the login limits
or serve uploads without a virus scan."""

import os
import subprocess
import sys

from django.conf import settings

from resilience_portal.checks import shared_cache_for_rate_limits, uploads_scanned_for_viruses


def test_deploy_check_requires_redis_for_shared_rate_limits(settings):
    settings.REDIS_URL = ""

    (error,) = shared_cache_for_rate_limits(None)

    assert error.id == "portal.E001"


def test_deploy_check_passes_with_redis(settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"

    assert shared_cache_for_rate_limits(None) == []


def test_the_web_server_refuses_to_start_without_a_secret_key():
    environment = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_SECRET_KEY", "DJANGO_DEBUG"}
    }

    result = subprocess.run(
        [sys.executable, "-c", "import resilience_portal.wsgi"],
        env=environment,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )

    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_deploy_check_requires_virus_scanning(settings):
    settings.CLAMD_ENABLED = False

    (error,) = uploads_scanned_for_viruses(None)

    assert error.id == "portal.E002"


def test_deploy_check_passes_with_virus_scanning(settings):
    settings.CLAMD_ENABLED = True

    assert uploads_scanned_for_viruses(None) == []
