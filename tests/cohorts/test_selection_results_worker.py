"""A real Celery worker, fed from Redis, tells each applicant its result once the selection
is confirmed, and only once."""

import pytest
from django.core import mail as django_mail

from cohorts import services
from cohorts.models import CityApplication, Cohort
from cohorts.notices import send_selection_results
from tests.factories import (
    CityMembershipFactory,
    OpenCohortFactory,
    StaffFactory,
    UnderReviewApplicationFactory,
)
from tests.helpers import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_tells_the_applicants_their_results_after_the_confirmation(
    celery_worker_queue,
):
    cohort = OpenCohortFactory(status=Cohort.Status.REVIEWING)
    chosen, other = UnderReviewApplicationFactory.create_batch(2, cohort=cohort)
    officials = [CityMembershipFactory(city=a.city).user for a in (chosen, other)]
    staff = StaffFactory()
    services.record_decision(chosen, "selected", by=staff)
    services.record_decision(other, "declined", by=staff)
    django_mail.outbox = []

    services.confirm_selection(cohort, by=staff)

    sent = wait_until(lambda: len(django_mail.outbox) >= 2 and django_mail.outbox)
    assert sorted(m.to[0] for m in sent) == sorted(o.email for o in officials)
    assert CityApplication.objects.filter(result_emailed_at__isnull=True).count() == 0
    # Run again (a retried task): nobody hears twice.
    assert send_selection_results(cohort.pk) == 0
