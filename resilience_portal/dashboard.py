"""The dashboard's panels: each app registers what a role should do next."""

from collections.abc import Callable
from dataclasses import dataclass

from .permissions import Role, roles_of


@dataclass(frozen=True)
class Panel:
    role: Role | None
    template: str
    context: Callable | None
    order: int
    when: Callable | None = None


_panels: list[Panel] = []


def register_panel(
    role: Role | None, template: str, *, context=None, order: int = 100, when=None
) -> None:
    """Show ``template`` on the dashboard of users with ``role`` (``None``: users with no role).

    ``context(request)`` returns the template's extra context. ``when(request)``, if given,
    replaces the role test: the panel shows to whoever it answers True for, whatever their
    roles (a state that is not a role, such as a request awaiting review).
    """
    _panels.append(Panel(role, template, context, order, when))


def panels_for(request) -> list[tuple[str, dict]]:
    roles = roles_of(request.user)
    shown = []
    for panel in sorted(_panels, key=lambda p: p.order):
        if panel.when is not None:
            matches = panel.when(request)
        else:
            matches = (panel.role is None and not roles) or panel.role in roles
        if matches:
            context = panel.context(request) if panel.context else {}
            shown.append((panel.template, context))
    return shown
