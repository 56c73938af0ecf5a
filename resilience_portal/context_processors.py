"""Template context every page needs: the user's roles and the language switcher."""

from django.conf import settings

from .permissions import Role, roles_of


def portal(request):
    roles = roles_of(request.user) if hasattr(request, "user") else frozenset()
    return {
        "portal_roles": roles,
        "is_programme_staff": Role.PROGRAMME_STAFF in roles,
        "portal_languages": settings.LANGUAGES,
    }
