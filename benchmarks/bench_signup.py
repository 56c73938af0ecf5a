"""Sign-up: server time for an address that has an account and for a new one (they should match)."""

import statistics
import time
import uuid

from django.test import Client, override_settings
from django.urls import reverse

from resilience_portal.models import User

from .timing import report

PASSWORD = "orange-harbour-lantern-42"


def sign_up(email):
    client = Client()
    start = time.perf_counter()
    response = client.post(
        reverse("account_signup"),
        {"email": email, "password1": PASSWORD, "password2": PASSWORD},
    )
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 302, response.status_code
    return elapsed


def figures(samples):
    samples.sort()
    return {
        "median_ms": statistics.median(samples),
        "p95_ms": samples[max(0, int(len(samples) * 0.95) - 1)],
        "requests": len(samples),
    }


@override_settings(ACCOUNT_RATE_LIMITS=False)
def run(repeat=15):
    existing = User.objects.get_or_create(email="bench-existing@example.org")[0].email
    sign_up(existing)  # warm templates and the connection
    run_id = uuid.uuid4().hex[:8]
    new, old = [], []
    for number in range(repeat):
        new.append(sign_up(f"bench-{run_id}-{number}@example.org"))
        old.append(sign_up(existing))
    User.objects.filter(email__startswith=f"bench-{run_id}-").delete()
    report("POST signup, new address", figures(new))
    report("POST signup, address with an account", figures(old))
