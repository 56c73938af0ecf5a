"""Autosave of challenge and proposal drafts: the Save button's rules, while the person types.

Never a submission and never a change of state: a proposal autosaves only as a draft, a
challenge only its own fields while a draft, and both refuse when a colleague saved since
the page loaded.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from resilience_portal import autosave
from resilience_portal.refusals import Refused

from .. import services
from ..forms.challenge import ChallengeForm
from ..forms.proposal import ProposalForm
from ..models import Challenge, Proposal


@require_POST
@never_cache
@login_required
def challenge_autosave(request, slug):
    challenge = get_object_or_404(Challenge.objects.editable_by(request.user), slug=slug)
    form = ChallengeForm(request.POST, instance=challenge, user=request.user)
    if not form.is_valid():
        return autosave.invalid(request, form)
    try:
        services.autosave_challenge(form, by=request.user, seen=request.POST.get("seen", ""))
    except Refused as refusal:
        return autosave.refused(request, refusal)
    return autosave.saved(request, seen=challenge.updated_at.isoformat())


@require_POST
@never_cache
@login_required
def proposal_autosave(request, pk):
    proposal = get_object_or_404(Proposal.objects.of_member(request.user), pk=pk)
    form = ProposalForm(request.POST, instance=Proposal.objects.get(pk=proposal.pk))
    if not form.is_valid():
        return autosave.invalid(request, form)
    try:
        services.save_proposal_answers(
            proposal,
            by=request.user,
            seen=request.POST.get("seen", ""),
            draft_only=True,
            **form.cleaned_data,
        )
    except Refused as refusal:
        return autosave.refused(request, refusal)
    return autosave.saved(request, seen=proposal.edit_mark)
