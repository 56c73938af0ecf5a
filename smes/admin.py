"""SMEs in the admin: for staff repair work; verification itself happens in the portal's queue."""

from django.contrib import admin

from .models import SME, SMEDocument, SMEInvitation, SMEMembership


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
