"""Admin pages for staff repair work, and the pattern apps use to keep drafts out of them."""

import allauth.mfa.admin  # noqa: F401  (registered first, so that it can be replaced below)
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry, User


class PrivateContentAdmin(admin.ModelAdmin):
    """Metadata always, content only once ``shows_content(obj)``: drafts and unsubmitted work
    stay their authors' own in the admin, as sealed proposals do (procurement/admin.py).

    Content fields are never filter keys either: ``?motivation__icontains=…`` on the changelist
    would answer whether a draft contains a word.
    """

    metadata: list[str] = []
    content: list[str] = []
    hidden_title = ""

    def shows_content(self, obj):
        raise NotImplementedError

    def lookup_allowed(self, lookup, value, request=None):
        if lookup.split("__", 1)[0] in self.content:
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_fields(self, request, obj=None):
        if obj is not None and self.shows_content(obj):
            return [*self.metadata, *self.content]
        return self.metadata

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and self.shows_content(obj):
            return self.readonly_fields
        return self.metadata

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(None, {"fields": self.metadata})]
        if obj is not None and self.shows_content(obj):
            fieldsets.append((_("Content"), {"fields": self.content}))
        else:
            fieldsets.append((self.hidden_title, {"fields": []}))
        return fieldsets

    def has_add_permission(self, request):
        # A new row would be a blank form of every field, content included.
        return False


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    """Staff may remove a lost authenticator app (its owner then sets up a new one at the next
    sign-in) but never read one: ``data`` holds the app's secret and the recovery-code seed."""

    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    search_fields = ["user__email"]
    fields = ["user", "type", "created_at", "last_used_at"]
    readonly_fields = fields

    def lookup_allowed(self, lookup, value, request=None):
        return not lookup.startswith("data") and super().lookup_allowed(lookup, value, request)

    def has_add_permission(self, request):
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["full_name", "language", "time_zone"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "content_type", "object_id"]
    list_filter = ["action", "content_type"]
    search_fields = ["action", "message", "object_id"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
