from django.contrib import admin

from .models import (
    ActionItem,
    CalendarFeed,
    Feedback,
    LearningSession,
    MatchingRound,
    Meeting,
    MenteeProfile,
    MentorProfile,
    Mentorship,
    ProposedPair,
    Registration,
    SessionMaterial,
    SessionNotice,
)

# For staff repair work; sessions and mentoring are run from the portal's own pages.


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    raw_id_fields = ["user"]


@admin.register(LearningSession)
class LearningSessionAdmin(admin.ModelAdmin):
    list_display = ["title", "cohort", "starts_at", "capacity", "audience", "status"]
    list_filter = ["status", "audience", "topic", "language"]
    search_fields = ["title"]
    raw_id_fields = ["facilitators", "created_by"]
    inlines = [RegistrationInline]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["session", "user", "status", "attended", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["session", "user"]


@admin.register(MentorProfile)
class MentorProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "capacity", "accepting", "time_zone"]
    raw_id_fields = ["user", "invited_by"]


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin):
    list_display = ["mentor", "mentee", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["mentor", "mentee", "requested_by", "matching_round"]


@admin.register(MatchingRound)
class MatchingRoundAdmin(admin.ModelAdmin):
    list_display = ["name", "cohort", "status", "total_fit"]


for model in (
    Feedback,
    SessionMaterial,
    SessionNotice,
    CalendarFeed,
    MenteeProfile,
    Meeting,
    ActionItem,
    ProposedPair,
):
    admin.site.register(model)
