from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def official_panel(request):
    from .models import CityApplication, CityMembership, Cohort

    applications = (
        CityApplication.objects.of_cities_of(request.user)
        .exclude(status=CityApplication.Status.WITHDRAWN)
        .select_related("city", "cohort")
        .order_by("-cohort__year", "city__name")
    )
    applied = {a.cohort_id for a in applications}
    # A withdrawn application is taken back, answers kept, rather than started anew.
    withdrawn = set(
        CityApplication.objects.of_cities_of(request.user)
        .filter(status=CityApplication.Status.WITHDRAWN)
        .values_list("cohort_id", flat=True)
    )
    now = _now()
    # Only cohorts one can apply to now: announced ones whose window has not opened yet wait.
    open_cohorts = [
        cohort
        for cohort in Cohort.objects.filter(
            status=Cohort.Status.OPEN, applications_open__lte=now, applications_close__gt=now
        )
        if cohort.pk not in applied
    ]
    for cohort in open_cohorts:
        cohort.withdrawn = cohort.pk in withdrawn
    return {
        "memberships": CityMembership.objects.verified()
        .filter(user=request.user)
        .select_related("city"),
        "applications": applications,
        "open_cohorts": open_cohorts,
    }


def reviewer_panel(request):
    from .models import Cohort
    from .services import awaiting_review_count

    return {
        "awaiting": awaiting_review_count(request.user),
        "cohorts": Cohort.objects.exclude(status=Cohort.Status.CLOSED)[:5],
    }


def pending_request_panel(request):
    from .models import CityMembership

    return {
        "requests": CityMembership.objects.pending()
        .filter(user=request.user)
        .select_related("city")
    }


def has_pending_request(request):
    from .models import CityMembership

    return CityMembership.objects.pending().filter(user=request.user).exists()


def official_requests_panel(request):
    from .models import CityMembership

    return {"pending": CityMembership.objects.pending().count()}


def _now():
    from django.utils import timezone

    return timezone.now()


def next_public_deadline(now):
    """Where a cohort page reads differently by the clock: applications open or close."""
    from django.db.models import Min

    from .models import Cohort

    found = [
        Cohort.objects.filter(**{f"{field}__gt": now}).aggregate(m=Min(field))["m"]
        for field in ("applications_open", "applications_close")
    ]
    return min((m for m in found if m), default=None)


class CohortsConfig(AppConfig):
    name = "cohorts"
    verbose_name = _("Cohorts")

    def ready(self):
        from resilience_portal import public_pages
        from resilience_portal.dashboard import register_panel
        from resilience_portal.permissions import Role, register_role

        public_pages.track_app(self)
        public_pages.register_deadlines(next_public_deadline)
        from . import signals  # noqa: F401  (connects the receivers)
        from .models import CityMembership

        # Only a verified membership makes an official; a request awaiting review does not.
        register_role(
            Role.CITY_OFFICIAL,
            lambda user: CityMembership.objects.verified().filter(user=user),
        )
        register_panel(
            None,
            "dashboard/city_request_pending.html",
            context=pending_request_panel,
            order=4,
            when=has_pending_request,
        )
        register_panel(
            Role.PROGRAMME_STAFF,
            "dashboard/city_requests_staff.html",
            context=official_requests_panel,
            order=14,
        )
        register_panel(
            Role.CITY_OFFICIAL, "dashboard/city_official.html", context=official_panel, order=20
        )
        register_panel(
            Role.PROGRAMME_STAFF,
            "dashboard/cohorts_reviewer.html",
            context=reviewer_panel,
            order=15,
        )
        register_panel(None, "dashboard/cohorts_get_started.html", order=30)
