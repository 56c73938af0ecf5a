from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = _("Procurement")

    def ready(self):
        from resilience_portal.permissions import Role, register_role

        from .models import SMEMembership

        register_role(
            Role.SME_MEMBER, lambda user: SMEMembership.objects.filter(user=user).exists()
        )
