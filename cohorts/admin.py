from django.contrib import admin

from .models import City, CityMembership


class CityMembershipInline(admin.TabularInline):
    model = CityMembership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "province", "population", "time_zone"]
    list_filter = ["country"]
    search_fields = ["name", "province"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CityMembershipInline]
