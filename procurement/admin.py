from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from resilience_portal.admin import PrivateContentAdmin

from .models import KPI, Amendment, Challenge, Clarification, Criterion, Milestone, Pilot, Proposal

# --- Challenges and proposals -------------------------------------------------------------


def _published(challenge):
    return challenge is not None and challenge.status not in (
        Challenge.Status.DRAFT,
        Challenge.Status.PENDING_APPROVAL,
    )


class CriterionInline(admin.TabularInline):
    """Criteria of a published challenge change only by a public amendment, not here."""

    model = Criterion
    extra = 0

    def has_add_permission(self, request, obj=None):
        return not _published(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _published(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _published(obj) and super().has_delete_permission(request, obj)


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    """Once published, the timeline, city and criteria are fixed here.

    Moving the deadline in the admin would open the sealed proposals early and skip the
    dated amendment every bidder is told of; ``services.amend_challenge`` is the only way.
    """

    list_display = ["title", "city", "status", "submissions_close"]
    list_filter = ["status", "city"]
    search_fields = ["title"]
    readonly_fields = ["status", "published_at", "closed_at"]
    fixed_once_published = [
        "city",
        "cohort",
        "questions_close",
        "submissions_close",
        "award_expected",
        "eligibility",
    ]
    inlines = [CriterionInline]

    def get_readonly_fields(self, request, obj=None):
        if _published(obj):
            return [*self.readonly_fields, *self.fixed_once_published]
        return self.readonly_fields


@admin.register(Clarification)
class ClarificationAdmin(PrivateContentAdmin):
    """Who asked an unanswered question stays hidden, as it is from the city answering it:
    knowing which SME is interested (and in what) is a bidder's private information."""

    list_display = ["challenge", "asked_at", "answered_at"]
    raw_id_fields = ["challenge", "sme", "asked_by", "answered_by"]
    metadata = ["challenge", "question", "asked_at", "answer", "answered_by", "answered_at"]
    content = ["sme", "asked_by"]
    readonly_fields = ["asked_at"]
    hidden_title = _("Asker hidden until the question is answered")

    def shows_content(self, obj):
        return obj.answered_at is not None


@admin.register(Amendment)
class AmendmentAdmin(admin.ModelAdmin):
    list_display = ["challenge", "created_at"]
    readonly_fields = ["challenge", "summary", "changes", "created_by", "created_at"]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    """Repair work only, and sealed like every page: content shows after the deadline only.

    No search over content either: a search would reveal sealed words by its results.
    """

    list_display = ["sme", "challenge", "status", "version", "submitted_at"]
    list_filter = ["status"]
    search_fields = ["sme__legal_name", "challenge__title"]
    metadata = ["challenge", "sme", "status", "version", "submitted_at", "receipt_digest"]
    content = [
        "solution",
        "approach",
        "team",
        "timeline",
        "co_benefits_delivered",
        "price",
        "currency",
    ]

    # The changelist accepts a filter on any of the model's own fields straight from the URL
    # (``?solution__icontains=…``, ``?price__gte=…``); on content that is an oracle for sealed
    # words and prices, so content, attachments and versions are never filter keys here.
    def lookup_allowed(self, lookup, value, request=None):
        if lookup.split("__", 1)[0] in {*self.content, "attachments", "versions"}:
            return False
        return super().lookup_allowed(lookup, value, request)

    def _unsealed(self, request, obj):
        return obj is not None and not obj.is_sealed()

    def get_fields(self, request, obj=None):
        if self._unsealed(request, obj):
            return [*self.metadata, *self.content]
        return self.metadata

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(None, {"fields": self.metadata})]
        if self._unsealed(request, obj):
            fieldsets.append((_("Content"), {"fields": self.content}))
        else:
            fieldsets.append((_("Content sealed until the deadline"), {"fields": []}))
        return fieldsets

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Pilots: for staff repair work (a mistyped date or target); the city plans in the portal.


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    readonly_fields = ["late_flagged_at"]


class KPIInline(admin.TabularInline):
    model = KPI
    extra = 0


@admin.register(Pilot)
class PilotAdmin(admin.ModelAdmin):
    list_display = ["challenge", "sme", "status", "starts_on", "ends_on"]
    list_filter = ["status"]
    raw_id_fields = ["award", "challenge", "sme", "started_by"]
    inlines = [MilestoneInline, KPIInline]
