from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorshipConfig(AppConfig):
    name = "mentorship"
    verbose_name = _("Mentorship")

    def ready(self):
        from resilience_portal import public_pages
        from resilience_portal.dashboard import register_panel
        from resilience_portal.permissions import Role, register_role

        public_pages.track_app(self)
        from . import panels
        from .models import MentorProfile

        register_role(Role.MENTOR, lambda user: MentorProfile.objects.filter(user=user))
        # One learning panel per person, whichever of these roles they hold (see panels.py).
        for role in panels.LEARNER_ROLES:
            register_panel(
                role,
                "dashboard/mentorship_learning.html",
                context=panels.learning_panel(role),
                order=40,
            )
        register_panel(
            Role.PROGRAMME_STAFF,
            "dashboard/mentorship_staff.html",
            context=panels.staff_panel,
            order=40,
        )
