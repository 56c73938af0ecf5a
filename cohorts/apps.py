from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CohortsConfig(AppConfig):
    name = "cohorts"
    verbose_name = _("Cohorts")

    def ready(self):
        from resilience_portal.dashboard import register_panel
        from resilience_portal.permissions import Role, register_role

        from .models import CityMembership

        register_role(
            Role.CITY_OFFICIAL, lambda user: CityMembership.objects.filter(user=user).exists()
        )
        register_panel(
            Role.CITY_OFFICIAL,
            "dashboard/city_official.html",
            context=lambda request: {
                "memberships": CityMembership.objects.filter(user=request.user).select_related(
                    "city"
                )
            },
            order=20,
        )
