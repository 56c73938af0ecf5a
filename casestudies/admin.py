"""Staff repair work on case studies; writing and publishing happen in the portal's pages."""

from django.contrib import admin

from .models import CaseStudy, CaseStudyPDF, CaseStudyTranslation, CaseStudyVersion


class TranslationInline(admin.StackedInline):
    model = CaseStudyTranslation
    extra = 0


@admin.register(CaseStudy)
class CaseStudyAdmin(admin.ModelAdmin):
    list_display = ["title", "city", "status", "published_at"]
    list_filter = ["status", "city"]
    search_fields = ["title", "summary"]
    readonly_fields = ["status", "published_at", "submitted_at"]
    inlines = [TranslationInline]


@admin.register(CaseStudyVersion)
class CaseStudyVersionAdmin(admin.ModelAdmin):
    list_display = ["case_study", "number", "language", "saved_by", "saved_at"]
    readonly_fields = [f.name for f in CaseStudyVersion._meta.fields]


@admin.register(CaseStudyPDF)
class CaseStudyPDFAdmin(admin.ModelAdmin):
    list_display = ["case_study", "language", "state", "attempts", "rendered_at"]
    list_filter = ["state"]


from . import newsletter_admin  # noqa: E402, F401  (the newsletter registers its own)
