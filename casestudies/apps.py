from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasestudiesConfig(AppConfig):
    name = "casestudies"
    verbose_name = _("Case studies")

    def ready(self):
        from resilience_portal import public_pages
        from resilience_portal.dashboard import register_panel
        from resilience_portal.permissions import Role

        public_pages.track_app(self)
        from . import newsletter_tasks  # noqa: F401  (the worker finds the newsletter's tasks)
        from .dashboard import staff_panel
        from .newsletter_dashboard import staff_panel as newsletter_panel

        register_panel(
            Role.PROGRAMME_STAFF, "dashboard/casestudies_staff.html", context=staff_panel, order=40
        )
        register_panel(
            Role.PROGRAMME_STAFF,
            "dashboard/newsletter_staff.html",
            context=newsletter_panel,
            order=41,
        )
