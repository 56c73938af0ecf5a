"""The acts on SMEs: registering, editing, documents, members, invitations and verification.

Each state change locks the SME's row through the core (``transition`` for verification,
``locked`` for members and invitations) and refuses with the core ``Refused``.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from resilience_portal import audit, mail
from resilience_portal.pagination import COUNT_LIMIT, capped_count
from resilience_portal.permissions import Role, has_role
from resilience_portal.refusals import Refused
from resilience_portal.transitions import locked, transition

from .models import SME, SMEDocument, SMEInvitation, SMEMembership

User = get_user_model()
IDENTITY_FIELDS = {"legal_name", "registration_number", "country"}


def _link(path):
    return settings.SITE_URL.rstrip("/") + path


@transaction.atomic
def register_sme(form, *, by):
    """Create the SME from a valid registration form, with ``by`` as its owner."""
    sme = form.save()
    SMEMembership.objects.create(sme=sme, user=by, role=SMEMembership.Role.OWNER)
    audit.record(sme, "sme.registered", actor=by)
    certificate = form.cleaned_data.get("registration_certificate")
    if certificate:
        add_document(sme, certificate, kind=SMEDocument.Kind.REGISTRATION_CERTIFICATE, by=by)
    return sme


@transaction.atomic
def save_profile(form, *, by):
    """Save a member's edit; a verified SME whose identity changed is verified again."""
    changed = IDENTITY_FIELDS & set(form.changed_data)
    sme = form.save()
    audit.record(sme, "sme.profile_updated", actor=by, fields=sorted(form.changed_data))
    if changed and sme.is_verified:
        _reopen_verification(sme, by=by, changed=changed)
    return sme


def _reopen_verification(sme, *, by, changed):
    """A verified SME whose identity changed goes back to the verification queue."""
    transition(
        sme,
        to=SME.Verification.PENDING,
        allowed_from=[SME.Verification.VERIFIED],
        action="sme.verification_reopened",
        by=by,
        changes=lambda row: {"verification_requested_at": timezone.now(), "verified_at": None},
        details={"changed": sorted(changed)},
        status_field="verification",
    )


def add_document(sme, upload, *, kind, by):
    """Store a checked upload (``UploadField`` attached ``upload.checked``) privately."""
    checked = upload.checked
    upload.name = f"upload.{checked.kind.extension}"
    document = SMEDocument.objects.create(
        sme=sme,
        kind=kind,
        file=upload,
        original_name=checked.safe_name,
        content_type=checked.kind.content_type,
        size=checked.size,
        uploaded_by=by,
        scan_status=checked.scan_status,
    )
    audit.record(
        sme,
        "sme.document_added",
        actor=by,
        document=document.pk,
        kind=kind,
        name=document.original_name,
    )
    return document


@transaction.atomic
def delete_document(document, *, by):
    sme = document.sme
    audit.record(sme, "sme.document_removed", actor=by, name=document.original_name)
    document.file.delete(save=False)
    document.delete()


def invite_member(sme, email, *, by):
    email = email.strip()
    if sme.memberships.filter(user__email__iexact=email).exists():
        raise Refused(_("%(email)s is already a member.") % {"email": email}, field="email")
    invitation = SMEInvitation.objects.create(sme=sme, email=email, invited_by=by)
    audit.record(sme, "sme.member_invited", actor=by, email=email)
    mail.send_templated(
        "sme_invitation",
        to=mail.addressee(email, introduced_by=by),
        context={
            "sme": sme,
            "inviter": by,
            "link": _link(invitation.get_absolute_url()),
            "days": SMEInvitation.lifetime.days,
        },
    )
    return invitation


def accept_invitation(invitation, *, by):
    """``by`` joins the SME as a member; only the invited address may, and only once."""
    if by.email.lower() != invitation.email.lower():
        raise Refused(
            _("This invitation was sent to %(email)s; sign in with that address to accept it.")
            % {"email": invitation.email}
        )
    with locked(invitation) as row:
        if row.accepted_at is not None:
            raise Refused(_("This invitation has already been used."))
        membership, created = SMEMembership.objects.get_or_create(
            sme_id=row.sme_id, user=by, defaults={"role": SMEMembership.Role.MEMBER}
        )
        row.accepted_at = timezone.now()
        row.accepted_by = by
        row.save(update_fields=["accepted_at", "accepted_by"])
        if created:
            audit.record(invitation.sme, "sme.member_joined", actor=by, email=by.email)
    invitation.accepted_at, invitation.accepted_by = row.accepted_at, by
    return membership


def accept_pending_invitations(user, email):
    """Join every SME whose live invitation names ``email``, once ``user`` has verified it."""
    pending = SMEInvitation.objects.filter(
        email__iexact=email,
        accepted_at__isnull=True,
        created_at__gte=timezone.now() - SMEInvitation.lifetime,
    ).select_related("sme")
    accepted = []
    for invitation in pending:
        try:
            accept_invitation(invitation, by=user)
        except Refused:
            continue
        accepted.append(invitation)
    return accepted


def _require_owner(memberships, user):
    mine = next((m for m in memberships if m.user_id == user.pk), None)
    if mine is None or not mine.is_owner:
        raise Refused(_("Only an owner of the SME can do this."))
    return mine


def _memberships_of(sme):
    # Under the SME's row lock (``locked``): two owners handing over or removing each other
    # at the same time must not leave it with no owner.
    return list(SMEMembership.objects.select_for_update().filter(sme=sme))


def hand_over_ownership(sme, *, to, by):
    """``by`` (an owner) makes member ``to`` the owner and stays on as a member."""
    with locked(sme):
        memberships = _memberships_of(sme)
        mine = _require_owner(memberships, by)
        target = next((m for m in memberships if m.pk == to.pk), None)
        if target is None or target.pk == mine.pk:
            raise Refused(_("Choose another member of this SME."))
        target.role = SMEMembership.Role.OWNER
        target.save(update_fields=["role"])
        mine.role = SMEMembership.Role.MEMBER
        mine.save(update_fields=["role"])
        audit.record(sme, "sme.ownership_handed_over", actor=by, to=target.user.email)


def remove_member(sme, membership, *, by):
    """An owner removes a member (or anyone leaves); the last owner can never go."""
    with locked(sme):
        memberships = _memberships_of(sme)
        if membership.user_id != by.pk:
            _require_owner(memberships, by)
        target = next((m for m in memberships if m.pk == membership.pk), None)
        if target is None:
            raise Refused(_("That person is not a member of this SME."))
        owners = [m for m in memberships if m.is_owner]
        if target.is_owner and len(owners) == 1:
            raise Refused(
                _("An SME always needs an owner: hand ownership to another member first.")
            )
        target.delete()
        audit.record(sme, "sme.member_removed", actor=by, email=target.user.email)


# Verification ---------------------------------------------------------------------------


def request_verification(sme, *, by):
    """A member asks staff to verify a complete profile."""

    def complete(row):
        missing = row.missing_items()
        if missing:
            raise Refused(
                _("Complete the profile first: %(items)s.")
                % {"items": ", ".join(str(item) for item in missing)}
            )

    return transition(
        sme,
        to=SME.Verification.PENDING,
        allowed_from=[SME.Verification.UNVERIFIED, SME.Verification.REJECTED],
        action="sme.verification_requested",
        by=by,
        check=complete,
        changes=lambda row: {"verification_requested_at": timezone.now()},
        status_field="verification",
    )


def verify_sme(sme, *, by, note=""):
    """Staff verify a pending SME; its members are told."""
    return _decide(sme, SME.Verification.VERIFIED, by=by, note=note)


def reject_sme(sme, *, by, reason):
    """Staff reject a pending SME with the reason its members are told, so they can fix it."""
    if not (reason or "").strip():
        raise Refused(_("Give the SME a reason, so it knows what to fix."), field="reason")
    return _decide(sme, SME.Verification.REJECTED, by=by, note=reason)


def _decide(sme, outcome, *, by, note):
    def staff_only(row):
        if not has_role(by, Role.PROGRAMME_STAFF):
            raise Refused(_("Only programme staff verify SMEs."))

    verified = outcome == SME.Verification.VERIFIED
    # The row lock makes two staff deciding at once (or a double click) record one decision
    # and send one e-mail, not two contradicting ones.
    return transition(
        sme,
        to=outcome,
        allowed_from=[SME.Verification.PENDING],
        action="sme.verified" if verified else "sme.rejected",
        by=by,
        check=staff_only,
        changes={
            "verification_note": note.strip(),
            "verified_at": timezone.now() if verified else None,
        },
        message=note.strip(),
        then=tell_members_of_decision,
        status_field="verification",
    )


def tell_members_of_decision(sme):
    """Each member hears the decision, in the member's own interface language."""
    template = "sme_verified" if sme.is_verified else "sme_rejected"
    for member in [m.user for m in sme.memberships.select_related("user")]:
        mail.send_templated(
            template,
            to=member,
            context={"sme": sme, "name": member.full_name, "link": _link(sme.get_absolute_url())},
        )


def sme_panel(request):
    smes = SME.objects.filter(memberships__user=request.user).prefetch_related(
        "sectors", "documents"
    )
    return {"smes": smes}


def verification_panel(request):
    pending = capped_count(SME.objects.filter(verification=SME.Verification.PENDING), COUNT_LIMIT)
    return {"pending": min(pending, COUNT_LIMIT), "more": pending > COUNT_LIMIT}
