"""The audit trail as people read it: each recorded act as one translated sentence.

Every action code the apps record has its sentence here; the details stored with the entry
fill it in ("Siti added the attachment Site plan.pdf, 3 Dec 2026, 14:02 WIB"). An act recorded
without a detail a sentence names still reads as a sentence, with a plain word in its place.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .formatting import format_moment

# %(actor)s is who acted (or "The portal" for the clock and the beat); any other name is a
# detail stored with the entry.
SENTENCES = {
    # Cities, cohorts and applications
    "application.started": _lazy("%(actor)s started the application"),
    "application.saved": _lazy("%(actor)s saved the draft"),
    "application.submitted": _lazy("%(actor)s submitted the application"),
    "application.withdrawn": _lazy("%(actor)s withdrew the application"),
    "application.reopened": _lazy("%(actor)s reopened the withdrawn application as a draft"),
    "application.review_started": _lazy("%(actor)s started the review"),
    "application.decision_recorded": _lazy("%(actor)s recorded a decision"),
    "application.result": _lazy("%(actor)s confirmed the result"),
    "review.conflict_declared": _lazy("%(actor)s declared a conflict of interest"),
    "review.submitted": _lazy("%(actor)s submitted a review"),
    "cohort.saved": _lazy("%(actor)s saved the cohort"),
    "cohort.opened": _lazy("%(actor)s opened the cohort for applications"),
    "cohort.review_started": _lazy("%(actor)s closed the intake and started the review"),
    "cohort.selection_confirmed": _lazy("%(actor)s confirmed the selection"),
    "cohort.running": _lazy("%(actor)s started the programme"),
    "cohort.closed": _lazy("%(actor)s closed the cohort"),
    "city.registered": _lazy("%(actor)s registered the city"),
    "city.claimed": _lazy("%(actor)s asked to represent the city"),
    "city.profile_updated": _lazy("%(actor)s updated the city's profile"),
    "city.official_requested": _lazy("%(actor)s asked to represent the city"),
    "city.official_verified": _lazy("%(actor)s verified a city official"),
    "city.official_rejected": _lazy("%(actor)s did not verify a city official"),
    "city.official_added": _lazy("%(actor)s added %(user)s to the city team"),
    "city.invitation_sent": _lazy("%(actor)s invited %(email)s to the city team"),
    "invitation.accepted": _lazy("%(actor)s accepted the invitation"),
    # SMEs
    "sme.registered": _lazy("%(actor)s registered the SME"),
    "sme.profile_updated": _lazy("%(actor)s updated the profile"),
    "sme.document_added": _lazy("%(actor)s added the document %(name)s"),
    "sme.document_removed": _lazy("%(actor)s removed the document %(name)s"),
    "sme.member_invited": _lazy("%(actor)s invited %(email)s"),
    "sme.member_joined": _lazy("%(actor)s joined the SME"),
    "sme.member_removed": _lazy("%(actor)s removed %(email)s from the SME"),
    "sme.ownership_handed_over": _lazy("%(actor)s handed ownership over to %(to)s"),
    "sme.verification_requested": _lazy("%(actor)s asked for verification"),
    "sme.verification_reopened": _lazy(
        "%(actor)s changed the legal name or registration number, so verification starts again"
    ),
    "sme.verified": _lazy("%(actor)s verified the SME"),
    "sme.rejected": _lazy("%(actor)s did not verify the SME"),
    # Challenges, questions and proposals
    "challenge.created": _lazy("%(actor)s created the draft"),
    "challenge.edited": _lazy("%(actor)s edited the draft"),
    "challenge.attachment_added": _lazy("%(actor)s added the attachment %(name)s"),
    "challenge.submitted": _lazy("%(actor)s sent the challenge for approval"),
    "challenge.sent_back": _lazy("%(actor)s sent the challenge back with comments"),
    "challenge.published": _lazy("%(actor)s approved and published the challenge"),
    "challenge.amended": _lazy("%(actor)s published an amendment"),
    "challenge.closed": _lazy("%(actor)s closed the challenge at its deadline"),
    "challenge.cancelled": _lazy("%(actor)s cancelled the challenge"),
    "challenge.evaluation_started": _lazy("%(actor)s started the evaluation"),
    "challenge.awarded": _lazy("%(actor)s awarded the challenge"),
    "challenge.closed_without_award": _lazy("%(actor)s closed the challenge without an award"),
    "challenge.standstill_set": _lazy("%(actor)s changed the standstill period"),
    "clarification.asked": _lazy("%(actor)s asked a question"),
    "clarification.answered": _lazy("%(actor)s published an answer"),
    "clarification.corrected": _lazy("%(actor)s corrected a published answer"),
    "proposal.started": _lazy("%(actor)s started the proposal"),
    "proposal.submitted": _lazy("%(actor)s submitted version %(version)s"),
    "proposal.resubmitted": _lazy("%(actor)s resubmitted, as version %(version)s"),
    "proposal.confirmed": _lazy("%(actor)s confirmed the proposal stands after the amendment"),
    "proposal.withdrawn": _lazy("%(actor)s withdrew the proposal"),
    "proposal.attachment_added": _lazy("%(actor)s added an attachment"),
    "proposal.attachment_removed": _lazy("%(actor)s removed an attachment"),
    "proposal.shortlisted": _lazy("%(actor)s shortlisted the proposal"),
    "proposal.unshortlisted": _lazy("%(actor)s took the proposal off the shortlist"),
    "proposal.disqualified": _lazy("%(actor)s disqualified the proposal"),
    "proposal.awarded": _lazy("%(actor)s awarded the proposal"),
    "proposal.unsuccessful": _lazy("%(actor)s recorded the proposal as unsuccessful"),
    "upload.infected": _lazy("%(actor)s uploaded a file the virus scanner refused"),
    # Evaluation, award and standstill
    "panel.appointed": _lazy("%(actor)s appointed %(evaluator)s to the panel"),
    "panel.invitation_sent": _lazy("%(actor)s invited %(email)s to the panel"),
    "panel.invitation_accepted": _lazy("%(actor)s joined the panel"),
    "panel.chair_named": _lazy("%(actor)s named %(chair)s chair of the panel"),
    "panel.removed": _lazy("%(actor)s removed %(evaluator)s from the panel"),
    "panel.conflicts_declared": _lazy("%(actor)s declared conflicts of interest"),
    "panel.conflict_declared": _lazy("%(actor)s declared a conflict of interest with this SME"),
    "evaluation.refused": _lazy("%(actor)s was refused an evaluation step"),
    "evaluation.scores_saved": _lazy("%(actor)s saved scores"),
    "evaluation.scores_submitted": _lazy("%(actor)s submitted scores"),
    "evaluation.consensus_recorded": _lazy("%(actor)s recorded the panel's consensus scores"),
    "award.recorded": _lazy("%(actor)s recorded the award of %(amount)s %(currency)s"),
    "award.final": _lazy("%(actor)s made the award final after the standstill period"),
    "standstill.asked": _lazy("%(actor)s asked about the decision"),
    "standstill.answered": _lazy("%(actor)s answered a question about the decision"),
    # Pilots
    "pilot.started": _lazy("%(actor)s started the pilot"),
    "pilot.progress_reported": _lazy("%(actor)s reported progress"),
    "pilot.payment_recorded": _lazy("%(actor)s recorded a payment of %(amount)s"),
    "pilot.completed": _lazy("%(actor)s completed the pilot"),
    "milestone.added": _lazy("%(actor)s added the milestone %(title)s"),
    "milestone.moved": _lazy("%(actor)s moved a milestone's due date"),
    "milestone.in_progress": _lazy("%(actor)s marked a milestone in progress"),
    "milestone.done": _lazy("%(actor)s marked a milestone done"),
    "milestone.flagged_late": _lazy("%(actor)s flagged a milestone as late"),
    "kpi.added": _lazy("%(actor)s added the indicator %(name)s"),
    # Peer learning and mentoring
    "session.scheduled": _lazy("%(actor)s scheduled the session"),
    "session.updated": _lazy("%(actor)s updated the session"),
    "session.cancelled": _lazy("%(actor)s cancelled the session"),
    "session.registered": _lazy("%(actor)s registered"),
    "session.waitlisted": _lazy("%(actor)s joined the waiting list"),
    "session.promoted": _lazy("%(actor)s moved a person from the waiting list to a seat"),
    "session.registration_cancelled": _lazy("%(actor)s cancelled a registration"),
    "session.attendance": _lazy("%(actor)s recorded attendance"),
    "session.feedback": _lazy("%(actor)s gave feedback"),
    "session.material_added": _lazy("%(actor)s added the material %(title)s"),
    "session.recording_added": _lazy("%(actor)s added the recording"),
    "calendar.revoked": _lazy("%(actor)s replaced the calendar link"),
    "mentor.offered": _lazy("%(actor)s offered to mentor"),
    "mentor.updated": _lazy("%(actor)s updated the mentor profile"),
    "mentor.invited": _lazy("%(actor)s invited a mentor"),
    "mentee.needs_stated": _lazy("%(actor)s said what they need from a mentor"),
    "mentorship.requested": _lazy("%(actor)s proposed a mentorship"),
    "mentorship.accepted": _lazy("%(actor)s accepted the mentorship"),
    "mentorship.declined": _lazy("%(actor)s declined the mentorship"),
    "mentorship.completed": _lazy("%(actor)s completed the mentorship"),
    "mentorship.meeting_logged": _lazy("%(actor)s logged a meeting"),
    "mentorship.action_ticked": _lazy("%(actor)s ticked off an action item"),
    "mentorship.action_reopened": _lazy("%(actor)s reopened an action item"),
    "round.opened": _lazy("%(actor)s opened the matching round"),
    "round.joined": _lazy("%(actor)s joined the matching round"),
    "round.matched": _lazy("%(actor)s matched mentees with mentors"),
    "round.pair_adjusted": _lazy("%(actor)s changed a proposed pair"),
    "round.confirmed": _lazy("%(actor)s confirmed the matching round"),
    # Case studies and the newsletter
    "case_study.created": _lazy("%(actor)s created the case study"),
    "case_study.saved": _lazy("%(actor)s saved version %(version)s"),
    "case_study.image_added": _lazy("%(actor)s added an image"),
    "case_study.translated": _lazy("%(actor)s saved the %(language)s translation"),
    "case_study.submitted": _lazy("%(actor)s sent the case study for review"),
    "case_study.sent_back": _lazy("%(actor)s sent the case study back"),
    "case_study.published": _lazy("%(actor)s published the case study"),
    "case_study.archived": _lazy("%(actor)s archived the case study"),
    "case_study.restored": _lazy("%(actor)s restored the case study"),
    "newsletter.subscribed": _lazy("%(actor)s received a subscription"),
    "newsletter.confirmed": _lazy("%(actor)s recorded the subscriber's confirmation"),
    "newsletter.preferences": _lazy("%(actor)s recorded new newsletter preferences"),
    "newsletter.unsubscribed": _lazy("%(actor)s recorded an unsubscription"),
    "newsletter.bounced": _lazy("%(actor)s recorded a bounced address"),
    "newsletter.issue_created": _lazy("%(actor)s created the issue"),
    "newsletter.issue_saved": _lazy("%(actor)s saved the issue"),
    "newsletter.issue_translated": _lazy("%(actor)s saved the %(language)s translation"),
    "newsletter.test_sent": _lazy("%(actor)s sent a test to %(to)s"),
    "newsletter.issue_scheduled": _lazy("%(actor)s scheduled the issue"),
    "newsletter.issue_unscheduled": _lazy("%(actor)s took the issue off the schedule"),
    "newsletter.issue_sending": _lazy("%(actor)s started sending the issue"),
    "newsletter.issue_sending_on_schedule": _lazy(
        "%(actor)s started sending the issue on schedule"
    ),
    "newsletter.issue_paused": _lazy("%(actor)s paused the sending"),
    "newsletter.issue_resumed": _lazy("%(actor)s resumed the sending"),
    "newsletter.issue_sent": _lazy("%(actor)s finished sending the issue"),
    "newsletter.claims_recovered": _lazy("%(actor)s released deliveries a stopped worker held"),
}

# Words a detail stands for when an entry was recorded without it.
_PLACEHOLDERS = {
    "name": _lazy("a document"),
    "email": _lazy("someone"),
    "to": _lazy("someone"),
    "user": _lazy("someone"),
    "evaluator": _lazy("someone"),
    "chair": _lazy("someone"),
    "title": "",
}


class _Details(dict):
    """The stored details, with a plain word for a missing one, so a sentence always reads."""

    def __missing__(self, key):
        return str(_PLACEHOLDERS.get(key, "…"))


def when(moment, zone=None):
    """A moment as a history line shows it: "3 Dec 2026, 14:02 WIB", in ``zone`` or the
    viewer's, in the portal's one style for times (formatting.py)."""
    return format_moment(moment, zone=zone)


def actor_name(entry):
    return str(entry.actor) if entry.actor_id else _("The portal")


def sentence(entry, *, zone=None, with_time=True):
    """``entry`` as a sentence; an action without one is named as an act, never as its code."""
    template = SENTENCES.get(entry.action)
    details = _Details(
        {
            key: value
            for key, value in (entry.details or {}).items()
            if not isinstance(value, (dict, list))
        }
    )
    details["actor"] = actor_name(entry)
    text = str(template) % details if template else _("%(actor)s made a change") % details
    text = " ".join(text.split())
    if not with_time:
        return text
    return _("%(what)s, %(when)s") % {"what": text, "when": when(entry.created_at, zone)}
