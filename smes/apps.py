from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SMEsConfig(AppConfig):
    name = "smes"
    verbose_name = _("SMEs")

    def ready(self):
        from resilience_portal import public_pages
        from resilience_portal.dashboard import register_panel
        from resilience_portal.permissions import Role, register_role

        public_pages.track_app(self)
        from . import signals  # noqa: F401  (connects the receivers)
        from .models import SMEMembership
        from .services import sme_panel, verification_panel

        register_role(Role.SME_MEMBER, lambda user: SMEMembership.objects.filter(user=user))
        # The member's status panel, staff's verification queue, a way in for newcomers.
        register_panel(Role.SME_MEMBER, "dashboard/sme_status.html", context=sme_panel, order=30)
        register_panel(
            Role.PROGRAMME_STAFF,
            "dashboard/sme_verification.html",
            context=verification_panel,
            order=31,
        )
        register_panel(None, "dashboard/sme_register.html", order=5)
