"""Template context every page needs: the user's roles, the language switcher and who runs the
portal (the footer)."""

from django.conf import settings

from .permissions import Role, roles_of


def portal(request):
    roles = roles_of(request.user) if hasattr(request, "user") else frozenset()
    return {
        "portal_roles": roles,
        "is_programme_staff": Role.PROGRAMME_STAFF in roles,
        "portal_languages": settings.LANGUAGES,
        "portal_organisation": settings.PORTAL_ORGANISATION,
        "portal_contact_email": settings.PORTAL_CONTACT_EMAIL,
    }
