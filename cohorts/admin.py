"""Admin pages for staff repair work; the portal's own pages do the everyday jobs."""

from django.contrib import admin

from .models import (
    City,
    CityApplication,
    CityInvitation,
    CityMembership,
    Cohort,
    CriterionScore,
    Review,
    SelectionCriterion,
)


class CityMembershipInline(admin.TabularInline):
    model = CityMembership
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "role", "status", "position", "staff_contact", "requested_at"]
    readonly_fields = ["requested_at"]


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "province", "population", "time_zone"]
    list_filter = ["country"]
    search_fields = ["name", "province"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CityMembershipInline]


class SelectionCriterionInline(admin.TabularInline):
    model = SelectionCriterion
    extra = 0


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "status", "max_cities", "applications_close"]
    list_filter = ["status", "year"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["cities"]
    inlines = [SelectionCriterionInline]


@admin.register(CityApplication)
class CityApplicationAdmin(admin.ModelAdmin):
    list_display = ["city", "cohort", "status", "decision", "submitted_at", "result_emailed_at"]
    list_filter = ["status", "decision", "cohort"]
    search_fields = ["city__name"]
    list_select_related = ["city", "cohort"]
    raw_id_fields = ["created_by", "decided_by"]
    readonly_fields = ["created_at", "updated_at"]


class CriterionScoreInline(admin.TabularInline):
    model = CriterionScore
    extra = 0


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["application", "reviewer", "conflict_declared", "submitted_at"]
    list_filter = ["conflict_declared", "application__cohort"]
    list_select_related = ["application__city", "application__cohort", "reviewer"]
    raw_id_fields = ["application", "reviewer"]
    inlines = [CriterionScoreInline]


@admin.register(CityInvitation)
class CityInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "city", "role", "created_at", "accepted_at"]
    list_filter = ["city"]
    search_fields = ["email"]
    raw_id_fields = ["invited_by", "accepted_by"]
