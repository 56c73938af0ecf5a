from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "resilience_portal"
    verbose_name = _("Resilience Portal")

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy checks)
        from .dashboard import register_panel
        from .permissions import Role

        register_panel(None, "dashboard/getting_started.html", order=0)
        register_panel(Role.PROGRAMME_STAFF, "dashboard/programme_staff.html", order=10)
