"""Dashboard panels: the next session and its link, mentoring requests, open action items."""

from django.utils import timezone

from resilience_portal.permissions import Role, roles_of

from .models import LearningSession, MatchingRound, Mentorship, Registration
from .services import open_action_items

# A person may hold several of these roles; the panel shows once, under the first one held.
LEARNER_ROLES = (Role.CITY_OFFICIAL, Role.SME_MEMBER, Role.MENTOR)


def learning_panel(role):
    def context(request):
        user = request.user
        held = [r for r in LEARNER_ROLES if r in roles_of(user)]
        if held[:1] != [role]:
            return {"hidden": True}
        registrations = (
            Registration.objects.active()
            .filter(user=user, session__ends_at__gt=timezone.now())
            .exclude(session__status=LearningSession.Status.CANCELLED)
            .select_related("session", "session__host_city")
            .order_by("session__starts_at")
        )
        return {
            "next_registration": registrations.first(),
            "pending_requests": Mentorship.objects.filter(
                mentor__user=user, status=Mentorship.Status.PROPOSED
            ).select_related("mentee"),
            "mentorships": Mentorship.objects.of(user)
            .filter(status=Mentorship.Status.ACTIVE)
            .select_related("mentor__user", "mentee"),
            "action_items": open_action_items(user)[:10],
        }

    return context


def staff_panel(request):
    return {
        "sessions": LearningSession.objects.upcoming()
        .filter(status=LearningSession.Status.SCHEDULED)
        .with_counts()
        .order_by("starts_at")[:5],
        "rounds": MatchingRound.objects.exclude(
            status=MatchingRound.Status.CONFIRMED
        ).select_related("cohort")[:5],
    }
