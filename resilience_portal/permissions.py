"""Roles as data, and the one way views fetch objects a user may see.

A role is not a flag on the user: it follows from what the user belongs to
(the "Programme staff" group, a City or SME membership, a panel seat, a mentor
profile). Each app registers how its role is recognised in ``AppConfig.ready``.
"""

from collections.abc import Callable
from enum import StrEnum
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from .versions import bump_content_version, content_version

PROGRAMME_STAFF_GROUP = "Programme staff"


class Role(StrEnum):
    PROGRAMME_STAFF = "programme_staff"
    CITY_OFFICIAL = "city_official"
    SME_MEMBER = "sme_member"
    EVALUATOR = "evaluator"
    MENTOR = "mentor"

    @property
    def label(self):
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.PROGRAMME_STAFF: _("Programme staff"),
    Role.CITY_OFFICIAL: _("City official"),
    Role.SME_MEMBER: _("SME member"),
    Role.EVALUATOR: _("Evaluator"),
    Role.MENTOR: _("Mentor"),
}

_role_checks: dict[Role, Callable] = {}


def register_role(role: Role, check: Callable) -> None:
    """Tell the portal how to recognise ``role``: ``check(user)`` answers with the rows that
    make the role (a queryset: the role is held when it is not empty), or with True or False.

    Querysets are asked together in one query per request, so a new role costs no query of
    its own on every signed-in page.
    """
    _role_checks[role] = check


def _programme_staff_rows(user):
    if not (user.is_active and user.is_staff):
        return False
    return user.groups.filter(name=PROGRAMME_STAFF_GROUP)


def is_programme_staff(user) -> bool:
    return has_role(user, Role.PROGRAMME_STAFF)


def programme_staff_users():
    """Everyone who holds the programme staff role: the people staff notices go to."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(
        is_staff=True, is_active=True, groups__name=PROGRAMME_STAFF_GROUP
    )


register_role(Role.PROGRAMME_STAFF, _programme_staff_rows)


def _compute_roles(user) -> frozenset[Role]:
    from django.contrib.auth import get_user_model

    held, asked = set(), {}
    for role, check in _role_checks.items():
        answer = check(user)
        if isinstance(answer, QuerySet):
            asked[role.value] = Exists(answer)
        elif answer:
            held.add(role)
    if asked:
        row = get_user_model().objects.filter(pk=user.pk).values(**asked).first() or {}
        held.update(Role(name) for name, holds in row.items() if holds)
    return frozenset(held)


# Roles follow from rows of the apps whose every change moves the content version on
# (public_pages.track_app) and from staff groups, whose changes move it too: a process keeps
# each user's roles under the version and asks the database again once it moves.
_roles_by_version: dict = {}
ROLES_KEPT_PER_PROCESS = 5000


def roles_of(user) -> frozenset[Role]:
    """The roles ``user`` holds now: one query when the content version has moved since this
    process last asked, kept on the user object for the rest of the request."""
    if not user.is_authenticated:
        return frozenset()
    roles = getattr(user, "_portal_roles", None)
    if roles is None:
        key = (user.pk, user.is_active, user.is_staff, content_version())
        roles = _roles_by_version.get(key)
        if roles is None:
            roles = _compute_roles(user)
            if len(_roles_by_version) >= ROLES_KEPT_PER_PROCESS:
                _roles_by_version.clear()
            _roles_by_version[key] = roles
        user._portal_roles = roles
    return roles


def forget_roles(**kwargs) -> None:
    """A change of group membership (the staff role) moves the content version on."""
    bump_content_version()


def has_role(user, role: Role) -> bool:
    return role in roles_of(user)


def get_visible_or_404(queryset, user, **lookup):
    """Fetch one object through its ``visible_to(user)`` rule; anything else is a 404."""
    return get_object_or_404(queryset.visible_to(user), **lookup)


def role_required(role: Role):
    """Sign-in first, then the role: a signed-in user without it is refused (403)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, role):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


programme_staff_required = role_required(Role.PROGRAMME_STAFF)
