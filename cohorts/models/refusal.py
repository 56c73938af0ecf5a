"""The cohorts app refuses with the core's one refusal type, so every view catches the same."""

from resilience_portal.refusals import Refused

__all__ = ["Refused"]
