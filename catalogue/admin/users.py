"""Users with their working languages (catalogue.StaffLanguage), edited on the user's page."""

from django.contrib import admin
from django.contrib.auth import admin as auth_admin  # registers User first, so it can be replaced here
from django.contrib.auth.models import User

from catalogue.models import StaffLanguage


class StaffLanguageInline(admin.TabularInline):
    model = StaffLanguage
    extra = 0


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(auth_admin.UserAdmin):
    inlines = [*auth_admin.UserAdmin.inlines, StaffLanguageInline]
