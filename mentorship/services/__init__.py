"""The acts of peer learning and mentoring, each named after what a person does.

Every act locks what it changes (``transition`` for a status, ``locked`` otherwise), checks
who acts and when, writes the audit entry and queues the e-mail to go after commit.
"""

from .matching_rounds import (
    adjust_pair,
    confirm_round,
    join_round,
    open_matching_round,
    run_matcher,
)
from .mentoring import (
    accept_mentorship,
    complete_mentorship,
    decline,
    invite_mentor,
    log_meeting,
    offer_to_mentor,
    open_action_items,
    request_mentorship,
    state_needs,
    suggested_mentors,
    tick_action_item,
)
from .notices import send_session_notices
from .sessions import (
    add_material,
    cancel_registration,
    cancel_session,
    create_calendar_feed,
    give_feedback,
    mark_attendance,
    promote_from_waitlist,
    register_for_session,
    revoke_calendar_feed,
    schedule_session,
    set_recording,
    update_session,
)

__all__ = [
    "accept_mentorship",
    "add_material",
    "adjust_pair",
    "cancel_registration",
    "cancel_session",
    "complete_mentorship",
    "confirm_round",
    "create_calendar_feed",
    "decline",
    "give_feedback",
    "invite_mentor",
    "join_round",
    "log_meeting",
    "mark_attendance",
    "offer_to_mentor",
    "open_action_items",
    "open_matching_round",
    "promote_from_waitlist",
    "register_for_session",
    "request_mentorship",
    "revoke_calendar_feed",
    "run_matcher",
    "schedule_session",
    "send_session_notices",
    "set_recording",
    "state_needs",
    "suggested_mentors",
    "tick_action_item",
    "update_session",
]
