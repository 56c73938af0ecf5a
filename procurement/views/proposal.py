"""Proposal pages: an SME's members draft, submit, edit and withdraw; readers open it after the deadline."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from resilience_portal import scanning
from resilience_portal.permissions import get_visible_or_404
from resilience_portal.refusals import Refused, refuse
from resilience_portal.uploads import uploaded_message
from smes.models import SME

from .. import services
from ..forms.proposal import ProposalForm, UploadForm
from ..models import (
    Challenge,
    Proposal,
    ProposalAttachment,
    ProposalVersion,
)
from ..services import city_time, confirm_proposal_stands


def _own(request, pk):
    """A proposal the user's SME owns; anyone else gets a 404."""
    return get_object_or_404(
        Proposal.objects.of_member(request.user).select_related("challenge__city", "sme"), pk=pk
    )


@require_POST
@login_required
def proposal_start(request, slug):
    challenge = get_visible_or_404(Challenge.objects, request.user, slug=slug)
    sme_id = request.POST.get("sme", "")
    if not sme_id.isdigit():
        raise Http404
    sme = get_object_or_404(SME.objects.filter(memberships__user=request.user), pk=sme_id)
    try:
        proposal = services.start_proposal(challenge, sme=sme, by=request.user)
    except Refused as refused:
        refuse(request, refused)
        return redirect(challenge)
    return redirect("procurement:proposal_edit", pk=proposal.pk)


@login_required
def proposal_detail(request, pk):
    proposal = get_visible_or_404(
        Proposal.objects.select_related("challenge__city", "sme"), request.user, pk=pk
    )
    return render(
        request,
        "procurement/proposal/detail.html",
        {
            "proposal": proposal,
            "challenge": proposal.challenge,
            "attachments": proposal.attachments.all(),
            "versions": proposal.versions.all(),
            "is_member": proposal.is_member(request.user),
            "editable": proposal.can_edit(request.user),
            "can_submit": proposal.can_submit(request.user),
            "can_withdraw": proposal.can_withdraw(request.user),
            "awaits_confirmation": proposal.is_member(request.user)
            and proposal.awaits_confirmation(),
            "upload_form": UploadForm(),
        },
    )


@login_required
def proposal_edit(request, pk):
    proposal = _own(request, pk)
    form = ProposalForm(request.POST or None, instance=Proposal.objects.get(pk=proposal.pk))
    status = 200
    colleague_version = []
    if request.method == "POST" and form.is_valid():
        saved = False
        try:
            services.save_proposal_answers(
                proposal, by=request.user, seen=request.POST.get("seen"), **form.cleaned_data
            )
            saved = True
            if (
                request.POST.get("action") == "submit"
                and proposal.status != Proposal.Status.SUBMITTED
            ):
                services.submit_proposal(proposal, by=request.user)
                messages.success(request, _("Submitted. Your receipt is on its way by e-mail."))
            elif proposal.status == Proposal.Status.SUBMITTED:
                messages.success(request, _("Saved and resubmitted with a new receipt."))
            else:
                messages.success(request, _("Draft saved."))
            return redirect(proposal)
        except Refused as refused:
            # The posted text stays in the form so nothing typed is lost.
            if saved:
                # The save went through and only the submission was refused: say both.
                messages.info(request, _("Your draft is saved, but it is not submitted yet."))
            refuse(request, refused)
            status = 409
            if not saved and request.POST.get("seen") != proposal.edit_mark:
                colleague_version = _differences(form, proposal)
    return render(
        request,
        "procurement/proposal/form.html",
        {
            "proposal": proposal,
            "challenge": proposal.challenge,
            "form": form,
            "colleague_version": colleague_version,
            "deadline_passed": proposal.challenge.deadline_passed(),
            "submitted_in_time": proposal.status in Proposal.SUBMITTED_STATUSES,
            "deadline_city_time": city_time(
                proposal.challenge, proposal.challenge.submissions_close
            ),
            "award_expected_city_time": city_time(
                proposal.challenge, proposal.challenge.award_expected
            ),
        },
        status=status,
    )


def _differences(form, proposal):
    """The saved answers a colleague changed that differ from what this member posted.

    Shown beside the member's own text after a refused save, so neither version is lost
    and the next save is made knowing what it replaces.
    """
    return [
        (form[name].label, getattr(proposal, name))
        for name in form.fields
        if str(form.cleaned_data.get(name) or "") != str(getattr(proposal, name) or "")
    ]


@require_POST
@login_required
def proposal_submit(request, pk):
    proposal = _own(request, pk)
    try:
        services.submit_proposal(proposal, by=request.user)
        messages.success(request, _("Submitted. Your receipt is on its way by e-mail."))
    except Refused as refused:
        refuse(request, refused)
    return redirect(proposal)


@require_POST
@login_required
def proposal_withdraw(request, pk):
    proposal = _own(request, pk)
    try:
        services.withdraw_proposal(proposal, by=request.user)
        messages.success(request, _("Withdrawn. You can submit again before the deadline."))
    except Refused as refused:
        refuse(request, refused)
    return redirect(proposal)


@require_POST
@login_required
def proposal_confirm(request, pk):
    proposal = _own(request, pk)
    try:
        confirm_proposal_stands(proposal, by=request.user)
        messages.success(request, _("Confirmed: the city will see your proposal stands as it is."))
    except Refused as refused:
        refuse(request, refused)
    return redirect(proposal)


@require_POST
@login_required
def attachment_upload(request, pk):
    proposal = _own(request, pk)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = services.add_proposal_attachment(
                proposal,
                by=request.user,
                upload=form.cleaned_data["file"],
                name=form.display_name,
                content_type=form.content_type,
                sha256=form.sha256,
                scan_status=form.scan_status,
            )
            messages.success(request, uploaded_message(_("Attached."), attachment))
        except Refused as refused:
            refuse(request, refused)
    else:
        scanning.audit_infected(form, target=proposal, by=request.user)
        for error in form.errors.get("file", []):
            messages.error(request, error)
    return redirect(proposal)


@require_POST
@login_required
def attachment_remove(request, pk, attachment_pk):
    proposal = _own(request, pk)
    attachment = get_object_or_404(proposal.attachments, pk=attachment_pk)
    try:
        services.remove_proposal_attachment(proposal, attachment, by=request.user)
    except Refused as refused:
        refuse(request, refused)
    return redirect(proposal)


@login_required
def attachment_download(request, pk, attachment_pk):
    attachment = get_visible_or_404(
        ProposalAttachment.objects, request.user, pk=attachment_pk, proposal_id=pk
    )
    if not scanning.may_download(attachment, request.user):
        raise Http404
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )


@login_required
def receipt_content(request, pk, number):
    """The exact bytes a receipt's digest was computed over: `sha256sum` them to check."""
    version = get_visible_or_404(
        ProposalVersion.objects, request.user, proposal_id=pk, number=number
    )
    response = HttpResponse(version.canonical_bytes(), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="proposal-{pk}-v{number}.json"'
    return response
