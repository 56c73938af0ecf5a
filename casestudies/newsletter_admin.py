"""Staff repair work on the newsletter; composing and sending happen in the portal's pages."""

from django.contrib import admin

from .models import Delivery, NewsletterIssue, NewsletterIssueTranslation, Subscriber


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "language", "status", "consented_at", "confirmed_at"]
    list_filter = ["status", "language"]
    search_fields = ["email", "name"]
    readonly_fields = ["status", "consent_text", "consented_at", "confirmed_at", "unsubscribed_at"]


class IssueTranslationInline(admin.StackedInline):
    model = NewsletterIssueTranslation
    extra = 0


@admin.register(NewsletterIssue)
class NewsletterIssueAdmin(admin.ModelAdmin):
    list_display = ["subject", "status", "scheduled_for", "sent_at"]
    list_filter = ["status"]
    readonly_fields = ["status", "sending_started_at", "sent_at"]
    inlines = [IssueTranslationInline]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["issue", "subscriber", "status", "attempted_at", "sent_at"]
    list_filter = ["status"]
    raw_id_fields = ["issue", "subscriber"]
    readonly_fields = ["claim", "claimed_at", "attempted_at", "sent_at", "error"]
