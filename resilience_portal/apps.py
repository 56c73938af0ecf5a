from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "resilience_portal"
    verbose_name = _("Resilience Portal")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models import fields
        from django.db.models.signals import m2m_changed

        from . import checks  # noqa: F401  (registers the deploy checks)
        from .forms import EMPTY_CHOICE

        # One translated placeholder for every empty choice, instead of Django's
        # "- Select an option -" in some lists and "---------" in others.
        fields.BLANK_CHOICE_LABEL = EMPTY_CHOICE
        from .dashboard import register_panel
        from .permissions import Role, forget_roles

        m2m_changed.connect(
            forget_roles, sender=get_user_model().groups.through, dispatch_uid="forget-roles"
        )

        register_panel(None, "dashboard/getting_started.html", order=0)
        register_panel(Role.PROGRAMME_STAFF, "dashboard/programme_staff.html", order=10)
