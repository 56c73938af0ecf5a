from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def next_public_deadline(now):
    """Where a public challenge page reads differently by the clock: questions close,
    submissions close (and enter the 14-day "closing soon" window), a standstill ends."""
    from datetime import timedelta

    from django.db.models import Min

    from .models import Award, Challenge

    challenges = Challenge.objects.public()
    moments = [
        challenges.filter(questions_close__gt=now).aggregate(m=Min("questions_close"))["m"],
        challenges.filter(submissions_close__gt=now).aggregate(m=Min("submissions_close"))["m"],
        Award.objects.filter(standstill_ends_at__gt=now).aggregate(m=Min("standstill_ends_at"))[
            "m"
        ],
    ]
    soon = challenges.filter(submissions_close__gt=now + timedelta(days=14)).aggregate(
        m=Min("submissions_close")
    )["m"]
    if soon:
        moments.append(soon - timedelta(days=14))
    return min((m for m in moments if m), default=None)


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = _("Procurement")

    def ready(self):
        from resilience_portal import public_pages

        self._register_challenge_panels()
        self._register_evaluation()
        public_pages.track_app(self)
        public_pages.register_deadlines(next_public_deadline)

    def _register_evaluation(self):
        from resilience_portal.dashboard import register_panel
        from resilience_portal.permissions import Role, register_role

        from .evaluation_services import evaluator_panel
        from .models import PanelSeat

        register_role(Role.EVALUATOR, lambda user: PanelSeat.objects.filter(user=user))
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
