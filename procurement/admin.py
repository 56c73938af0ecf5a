from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    SME,
    Amendment,
    Challenge,
    Clarification,
    Criterion,
    Proposal,
    SMEDocument,
    SMEInvitation,
    SMEMembership,
)

# SMEs: for staff repair work; verification itself happens in the portal's queue.


class SMEMembershipInline(admin.TabularInline):
    model = SMEMembership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(SME)
class SMEAdmin(admin.ModelAdmin):
    list_display = ["legal_name", "country", "city", "verification", "created_at"]
    list_filter = ["verification", "country", "women_led"]
    search_fields = ["legal_name", "trading_name", "registration_number"]
    raw_id_fields = ["city"]
    inlines = [SMEMembershipInline]


@admin.register(SMEDocument)
class SMEDocumentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "sme", "kind", "size", "uploaded_at"]
    raw_id_fields = ["sme", "uploaded_by"]


@admin.register(SMEInvitation)
class SMEInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "sme", "created_at", "accepted_at"]
    raw_id_fields = ["sme", "invited_by", "accepted_by"]


# --- Challenges and proposals -------------------------------------------------------------


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    list_display = ["title", "city", "status", "submissions_close"]
    list_filter = ["status", "city"]
    search_fields = ["title"]
    readonly_fields = ["status", "published_at", "closed_at"]
    inlines = [CriterionInline]


@admin.register(Clarification)
class ClarificationAdmin(admin.ModelAdmin):
    list_display = ["challenge", "asked_at", "answered_at"]
    raw_id_fields = ["challenge", "sme", "asked_by", "answered_by"]


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
