from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = _("Procurement")

    def ready(self):
        self._register_challenge_panels()
        self._register_evaluation()

    def _register_evaluation(self):
        from resilience_portal.dashboard import register_panel
        from resilience_portal.permissions import Role, register_role

        from .evaluation_services import evaluator_panel
        from .models import PanelSeat

        register_role(Role.EVALUATOR, lambda user: PanelSeat.objects.filter(user=user).exists())
        register_panel(
            Role.EVALUATOR,
            "procurement/evaluation/_dashboard.html",
            context=evaluator_panel,
            order=25,
        )

    def _register_challenge_panels(self):
        from django.db.models import Count, Q

        from resilience_portal.dashboard import register_panel
        from resilience_portal.permissions import Role

        from .models import Challenge, Proposal

        register_panel(
            Role.CITY_OFFICIAL,
            "dashboard/challenge_official.html",
            context=lambda request: {
                "challenges": Challenge.objects.editable_by(request.user)
                .annotate(
                    unanswered=Count(
                        "clarifications", filter=Q(clarifications__answered_at__isnull=True)
                    )
                )
                .order_by("-updated_at")[:10]
            },
            order=30,
        )
        register_panel(
            Role.PROGRAMME_STAFF,
            "dashboard/challenge_staff.html",
            context=lambda request: {
                "pending": Challenge.objects.filter(
                    status=Challenge.Status.PENDING_APPROVAL
                ).select_related("city")
            },
            order=30,
        )
        register_panel(
            Role.SME_MEMBER,
            "dashboard/challenge_sme.html",
            context=lambda request: {
                "proposals": Proposal.objects.of_member(request.user)
                .select_related("challenge", "sme")
                .order_by("challenge__submissions_close")[:10]
            },
            order=30,
        )
        register_panel(
            Role.SME_MEMBER,
            "dashboard/challenge_matching.html",
            context=lambda request: {"challenges": Challenge.objects.for_smes_of(request.user)[:5]},
            order=30,
        )
