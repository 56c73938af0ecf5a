"""Admin pages for staff repair work; the portal's own pages do the everyday jobs."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from resilience_portal.admin import PrivateContentAdmin

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
class CityApplicationAdmin(PrivateContentAdmin):
    """A draft is the city's own working copy: its answers and letter are not for staff until
    the city submits it; until then the admin shows who, which cohort and the status only."""

    list_display = ["city", "cohort", "status", "decision", "submitted_at", "result_emailed_at"]
    list_filter = ["status", "decision", "cohort"]
    search_fields = ["city__name"]
    list_select_related = ["city", "cohort"]
    raw_id_fields = ["created_by", "decided_by"]
    readonly_fields = ["created_at", "updated_at"]
    metadata = [
        "cohort",
        "city",
        "status",
        "created_by",
        "submitted_at",
        "decision",
        "decision_note",
        "decided_by",
        "decided_at",
        "result_emailed_at",
        "created_at",
        "updated_at",
    ]
    content = [
        "motivation",
        "resilience_challenges",
        "procurement_readiness",
        "sme_ecosystem",
        "leadership_commitment",
        "letter",
    ]
    hidden_title = _("Answers hidden until the city submits the application")

    def shows_content(self, obj):
        return obj.status != CityApplication.Status.DRAFT

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "letter"]

    @admin.display(description=_("leadership commitment letter (PDF)"))
    def letter(self, obj):
        # Private storage has no URL: the letter leaves only through the portal's checked view.
        if not obj.leadership_letter:
            return "-"
        url = reverse("cohorts:application_letter", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download the letter"))


class CriterionScoreInline(admin.TabularInline):
    model = CriterionScore
    extra = 0


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """An unsubmitted review's scores and comments are the reviewer's draft: nobody sees a
    score before giving theirs (journey 3), a superuser who also reviews included."""

    list_display = ["application", "reviewer", "conflict_declared", "submitted_at"]
    list_filter = ["conflict_declared", "application__cohort"]
    list_select_related = ["application__city", "application__cohort", "reviewer"]
    raw_id_fields = ["application", "reviewer"]
    inlines = [CriterionScoreInline]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None and obj.is_submitted else []

    # ``?scores__comment__icontains=…`` would read a draft's comments through the changelist.
    def lookup_allowed(self, lookup, value, request=None):
        return lookup.split("__", 1)[0] != "scores" and super().lookup_allowed(
            lookup, value, request
        )


@admin.register(CityInvitation)
class CityInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "city", "role", "created_at", "accepted_at"]
    list_filter = ["city"]
    search_fields = ["email"]
    raw_id_fields = ["invited_by", "accepted_by"]
