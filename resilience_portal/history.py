"""The audit trail as people read it: each recorded act as one translated sentence.

Every action code the apps record has its sentence here; the details stored with the entry
fill it in ("Siti added the attachment Site plan.pdf, 3 Dec 2026, 14:02 WIB"). An act recorded
without a detail a sentence names still reads as a sentence, with a plain word in its place.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .formatting import format_moment

# %(actor)s is who acted (or "The portal" for the clock and the beat); any other name is a
# detail stored with the entry.
SENTENCES = {
    # Cities, cohorts and applications
    "application.started": gettext_lazy("%(actor)s started the application"),
    "application.saved": gettext_lazy("%(actor)s saved the draft"),
    "application.submitted": gettext_lazy("%(actor)s submitted the application"),
    "application.withdrawn": gettext_lazy("%(actor)s withdrew the application"),
    "application.reopened": gettext_lazy("%(actor)s reopened the withdrawn application as a draft"),
    "application.review_started": gettext_lazy("%(actor)s started the review"),
    "application.decision_recorded": gettext_lazy("%(actor)s recorded a decision"),
    "application.result": gettext_lazy("%(actor)s confirmed the result"),
    "review.conflict_declared": gettext_lazy("%(actor)s declared a conflict of interest"),
    "review.submitted": gettext_lazy("%(actor)s submitted a review"),
    "cohort.saved": gettext_lazy("%(actor)s saved the cohort"),
    "cohort.opened": gettext_lazy("%(actor)s opened the cohort for applications"),
    "cohort.review_started": gettext_lazy("%(actor)s closed the intake and started the review"),
    "cohort.selection_confirmed": gettext_lazy("%(actor)s confirmed the selection"),
    "cohort.running": gettext_lazy("%(actor)s started the programme"),
    "cohort.closed": gettext_lazy("%(actor)s closed the cohort"),
    "city.registered": gettext_lazy("%(actor)s registered the city"),
    "city.claimed": gettext_lazy("%(actor)s asked to represent the city"),
    "city.profile_updated": gettext_lazy("%(actor)s updated the city's profile"),
    "city.official_requested": gettext_lazy("%(actor)s asked to represent the city"),
    "city.official_verified": gettext_lazy("%(actor)s verified a city official"),
    "city.official_rejected": gettext_lazy("%(actor)s did not verify a city official"),
    "city.official_added": gettext_lazy("%(actor)s added %(user)s to the city team"),
    "city.invitation_sent": gettext_lazy("%(actor)s invited %(email)s to the city team"),
    "invitation.accepted": gettext_lazy("%(actor)s accepted the invitation"),
    # SMEs
    "sme.registered": gettext_lazy("%(actor)s registered the SME"),
    "sme.profile_updated": gettext_lazy("%(actor)s updated the profile"),
    "sme.document_added": gettext_lazy("%(actor)s added the document %(name)s"),
    "sme.document_removed": gettext_lazy("%(actor)s removed the document %(name)s"),
    "sme.member_invited": gettext_lazy("%(actor)s invited %(email)s"),
    "sme.member_joined": gettext_lazy("%(actor)s joined the SME"),
    "sme.member_removed": gettext_lazy("%(actor)s removed %(email)s from the SME"),
    "sme.ownership_handed_over": gettext_lazy("%(actor)s handed ownership over to %(to)s"),
    "sme.verification_requested": gettext_lazy("%(actor)s asked for verification"),
    "sme.verification_reopened": gettext_lazy(
        "%(actor)s changed the legal name or registration number, so verification starts again"
    ),
    "sme.verified": gettext_lazy("%(actor)s verified the SME"),
    "sme.rejected": gettext_lazy("%(actor)s did not verify the SME"),
    # Challenges, questions and proposals
    "challenge.created": gettext_lazy("%(actor)s created the draft"),
    "challenge.edited": gettext_lazy("%(actor)s edited the draft"),
    "challenge.attachment_added": gettext_lazy("%(actor)s added the attachment %(name)s"),
    "challenge.submitted": gettext_lazy("%(actor)s sent the challenge for approval"),
    "challenge.sent_back": gettext_lazy("%(actor)s sent the challenge back with comments"),
    "challenge.published": gettext_lazy("%(actor)s approved and published the challenge"),
    "challenge.amended": gettext_lazy("%(actor)s published an amendment"),
    "challenge.closed": gettext_lazy("%(actor)s closed the challenge at its deadline"),
    "challenge.cancelled": gettext_lazy("%(actor)s cancelled the challenge"),
    "challenge.evaluation_started": gettext_lazy("%(actor)s started the evaluation"),
    "challenge.awarded": gettext_lazy("%(actor)s awarded the challenge"),
    "challenge.closed_without_award": gettext_lazy(
        "%(actor)s closed the challenge without an award"
    ),
    "challenge.standstill_set": gettext_lazy("%(actor)s changed the standstill period"),
    "clarification.asked": gettext_lazy("%(actor)s asked a question"),
    "clarification.answered": gettext_lazy("%(actor)s published an answer"),
    "clarification.corrected": gettext_lazy("%(actor)s corrected a published answer"),
    "proposal.started": gettext_lazy("%(actor)s started the proposal"),
    "proposal.submitted": gettext_lazy("%(actor)s submitted version %(version)s"),
    "proposal.resubmitted": gettext_lazy("%(actor)s resubmitted, as version %(version)s"),
    "proposal.confirmed": gettext_lazy(
        "%(actor)s confirmed the proposal stands after the amendment"
    ),
    "proposal.withdrawn": gettext_lazy("%(actor)s withdrew the proposal"),
    "proposal.attachment_added": gettext_lazy("%(actor)s added an attachment"),
    "proposal.attachment_removed": gettext_lazy("%(actor)s removed an attachment"),
    "proposal.shortlisted": gettext_lazy("%(actor)s shortlisted the proposal"),
    "proposal.unshortlisted": gettext_lazy("%(actor)s took the proposal off the shortlist"),
    "proposal.disqualified": gettext_lazy("%(actor)s disqualified the proposal"),
    "proposal.awarded": gettext_lazy("%(actor)s awarded the proposal"),
    "proposal.unsuccessful": gettext_lazy("%(actor)s recorded the proposal as unsuccessful"),
    "upload.infected": gettext_lazy("%(actor)s uploaded a file the virus scanner refused"),
    # Evaluation, award and standstill
    "panel.appointed": gettext_lazy("%(actor)s appointed %(evaluator)s to the panel"),
    "panel.invitation_sent": gettext_lazy("%(actor)s invited %(email)s to the panel"),
    "panel.invitation_accepted": gettext_lazy("%(actor)s joined the panel"),
    "panel.chair_named": gettext_lazy("%(actor)s named %(chair)s chair of the panel"),
    "panel.removed": gettext_lazy("%(actor)s removed %(evaluator)s from the panel"),
    "panel.conflicts_declared": gettext_lazy("%(actor)s declared conflicts of interest"),
    "panel.conflict_declared": gettext_lazy(
        "%(actor)s declared a conflict of interest with this SME"
    ),
    "evaluation.refused": gettext_lazy("%(actor)s was refused an evaluation step"),
    "evaluation.scores_saved": gettext_lazy("%(actor)s saved scores"),
    "evaluation.scores_submitted": gettext_lazy("%(actor)s submitted scores"),
    "evaluation.consensus_recorded": gettext_lazy(
        "%(actor)s recorded the panel's consensus scores"
    ),
    "award.recorded": gettext_lazy("%(actor)s recorded the award of %(amount)s %(currency)s"),
    "award.final": gettext_lazy("%(actor)s made the award final after the standstill period"),
    "standstill.asked": gettext_lazy("%(actor)s asked about the decision"),
    "standstill.answered": gettext_lazy("%(actor)s answered a question about the decision"),
    # Pilots
    "pilot.started": gettext_lazy("%(actor)s started the pilot"),
    "pilot.progress_reported": gettext_lazy("%(actor)s reported progress"),
    "pilot.payment_recorded": gettext_lazy("%(actor)s recorded a payment of %(amount)s"),
    "pilot.completed": gettext_lazy("%(actor)s completed the pilot"),
    "milestone.added": gettext_lazy("%(actor)s added the milestone %(title)s"),
    "milestone.moved": gettext_lazy("%(actor)s moved a milestone's due date"),
    "milestone.in_progress": gettext_lazy("%(actor)s marked a milestone in progress"),
    "milestone.done": gettext_lazy("%(actor)s marked a milestone done"),
    "milestone.flagged_late": gettext_lazy("%(actor)s flagged a milestone as late"),
    "kpi.added": gettext_lazy("%(actor)s added the indicator %(name)s"),
    # Peer learning and mentoring
    "session.scheduled": gettext_lazy("%(actor)s scheduled the session"),
    "session.updated": gettext_lazy("%(actor)s updated the session"),
    "session.cancelled": gettext_lazy("%(actor)s cancelled the session"),
    "session.registered": gettext_lazy("%(actor)s registered"),
    "session.waitlisted": gettext_lazy("%(actor)s joined the waiting list"),
    "session.promoted": gettext_lazy("%(actor)s moved a person from the waiting list to a seat"),
    "session.registration_cancelled": gettext_lazy("%(actor)s cancelled a registration"),
    "session.attendance": gettext_lazy("%(actor)s recorded attendance"),
    "session.feedback": gettext_lazy("%(actor)s gave feedback"),
    "session.material_added": gettext_lazy("%(actor)s added the material %(title)s"),
    "session.recording_added": gettext_lazy("%(actor)s added the recording"),
    "calendar.revoked": gettext_lazy("%(actor)s replaced the calendar link"),
    "mentor.offered": gettext_lazy("%(actor)s offered to mentor"),
    "mentor.updated": gettext_lazy("%(actor)s updated the mentor profile"),
    "mentor.invited": gettext_lazy("%(actor)s invited a mentor"),
    "mentee.needs_stated": gettext_lazy("%(actor)s said what they need from a mentor"),
    "mentorship.requested": gettext_lazy("%(actor)s proposed a mentorship"),
    "mentorship.accepted": gettext_lazy("%(actor)s accepted the mentorship"),
    "mentorship.declined": gettext_lazy("%(actor)s declined the mentorship"),
    "mentorship.completed": gettext_lazy("%(actor)s completed the mentorship"),
    "mentorship.meeting_logged": gettext_lazy("%(actor)s logged a meeting"),
    "mentorship.action_ticked": gettext_lazy("%(actor)s ticked off an action item"),
    "mentorship.action_reopened": gettext_lazy("%(actor)s reopened an action item"),
    "round.opened": gettext_lazy("%(actor)s opened the matching round"),
    "round.joined": gettext_lazy("%(actor)s joined the matching round"),
    "round.matched": gettext_lazy("%(actor)s matched mentees with mentors"),
    "round.pair_adjusted": gettext_lazy("%(actor)s changed a proposed pair"),
    "round.confirmed": gettext_lazy("%(actor)s confirmed the matching round"),
    # Case studies and the newsletter
    "case_study.created": gettext_lazy("%(actor)s created the case study"),
    "case_study.saved": gettext_lazy("%(actor)s saved version %(version)s"),
    "case_study.image_added": gettext_lazy("%(actor)s added an image"),
    "case_study.translated": gettext_lazy("%(actor)s saved the %(language)s translation"),
    "case_study.submitted": gettext_lazy("%(actor)s sent the case study for review"),
    "case_study.sent_back": gettext_lazy("%(actor)s sent the case study back"),
    "case_study.published": gettext_lazy("%(actor)s published the case study"),
    "case_study.archived": gettext_lazy("%(actor)s archived the case study"),
    "case_study.restored": gettext_lazy("%(actor)s restored the case study"),
    "newsletter.subscribed": gettext_lazy("%(actor)s received a subscription"),
    "newsletter.confirmed": gettext_lazy("%(actor)s recorded the subscriber's confirmation"),
    "newsletter.preferences": gettext_lazy("%(actor)s recorded new newsletter preferences"),
    "newsletter.unsubscribed": gettext_lazy("%(actor)s recorded an unsubscription"),
    "newsletter.bounced": gettext_lazy("%(actor)s recorded a bounced address"),
    "newsletter.issue_created": gettext_lazy("%(actor)s created the issue"),
    "newsletter.issue_saved": gettext_lazy("%(actor)s saved the issue"),
    "newsletter.issue_translated": gettext_lazy("%(actor)s saved the %(language)s translation"),
    "newsletter.test_sent": gettext_lazy("%(actor)s sent a test to %(to)s"),
    "newsletter.issue_scheduled": gettext_lazy("%(actor)s scheduled the issue"),
    "newsletter.issue_unscheduled": gettext_lazy("%(actor)s took the issue off the schedule"),
    "newsletter.issue_sending": gettext_lazy("%(actor)s started sending the issue"),
    "newsletter.issue_sending_on_schedule": gettext_lazy(
        "%(actor)s started sending the issue on schedule"
    ),
    "newsletter.issue_paused": gettext_lazy("%(actor)s paused the sending"),
    "newsletter.issue_resumed": gettext_lazy("%(actor)s resumed the sending"),
    "newsletter.issue_sent": gettext_lazy("%(actor)s finished sending the issue"),
    "newsletter.claims_recovered": gettext_lazy(
        "%(actor)s released deliveries a stopped worker held"
    ),
}

# Words a detail stands for when an entry was recorded without it.
_PLACEHOLDERS = {
    "name": gettext_lazy("a document"),
    "email": gettext_lazy("someone"),
    "to": gettext_lazy("someone"),
    "user": gettext_lazy("someone"),
    "evaluator": gettext_lazy("someone"),
    "chair": gettext_lazy("someone"),
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
