"""Acts on SMEs that span several models: registering, editing, documents and members."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from resilience_portal import audit, mail

from .models import SME, SMEDocument, SMEInvitation, SMEMembership
from .models.sme import INVITATION_MAX_AGE

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
    if changed:
        sme.reopen_verification(by=by, changed=changed)
    return sme


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
    audit.record(sme, "sme.document_added", actor=by, document=document.pk, kind=kind)
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
        raise ValidationError(_("%(email)s is already a member.") % {"email": email})
    invitation = SMEInvitation.objects.create(sme=sme, email=email, invited_by=by)
    audit.record(sme, "sme.member_invited", actor=by, email=email)
    # Someone who already has an account reads it in their own language.
    invitee = User.objects.filter(email__iexact=email).only("language").first()
    mail.send_templated(
        "sme_invitation",
        to=email,
        language=invitee.language if invitee else None,
        context={
            "sme": sme,
            "inviter": by,
            "link": _link(invitation.get_absolute_url()),
            "days": INVITATION_MAX_AGE.days,
        },
    )
    return invitation


def _lock_memberships(sme):
    # Lock the SME's row: two owners handing over or removing each other at the same
    # time must not leave it with no owner.
    SME.objects.select_for_update().get(pk=sme.pk)
    return list(SMEMembership.objects.select_for_update().filter(sme=sme))


def _require_owner(memberships, user):
    mine = next((m for m in memberships if m.user_id == user.pk), None)
    if mine is None or not mine.is_owner:
        raise PermissionDenied
    return mine


@transaction.atomic
def hand_over_ownership(sme, *, to, by):
    """``by`` (an owner) makes member ``to`` the owner and stays on as a member."""
    memberships = _lock_memberships(sme)
    mine = _require_owner(memberships, by)
    target = next((m for m in memberships if m.pk == to.pk), None)
    if target is None or target.pk == mine.pk:
        raise ValidationError(_("Choose another member of this SME."))
    target.role = SMEMembership.Role.OWNER
    target.save(update_fields=["role"])
    mine.role = SMEMembership.Role.MEMBER
    mine.save(update_fields=["role"])
    audit.record(sme, "sme.ownership_handed_over", actor=by, to=target.user.email)


@transaction.atomic
def remove_member(sme, membership, *, by):
    """An owner removes a member (or leaves); the last owner can never go."""
    memberships = _lock_memberships(sme)
    is_self = membership.user_id == by.pk
    if not is_self:
        _require_owner(memberships, by)
    target = next((m for m in memberships if m.pk == membership.pk), None)
    if target is None:
        raise ValidationError(_("That person is not a member of this SME."))
    owners = [m for m in memberships if m.is_owner]
    if target.is_owner and len(owners) == 1:
        raise ValidationError(
            _("An SME always needs an owner: hand ownership to another member first.")
        )
    target.delete()
    audit.record(sme, "sme.member_removed", actor=by, email=target.user.email)


def notify_verification_decision(sme):
    """Tell each member of the decision, in the member's own interface language."""
    members = [m.user for m in sme.memberships.select_related("user")]
    for member in members:
        with translation.override(member.language):
            if sme.is_verified:
                subject = _("%(name)s is verified") % {"name": sme}
                message = _(
                    "Programme staff have verified %(name)s. Its profile now shows the verified "
                    "badge, and city officials can find it in the SME directory."
                ) % {"name": sme}
            else:
                subject = _("%(name)s could not be verified yet") % {"name": sme}
                message = _(
                    "Programme staff could not verify %(name)s yet, for this reason:\n\n"
                    "%(reason)s\n\n"
                    "Update the profile or documents and ask for verification again."
                ) % {"name": sme, "reason": sme.verification_note}
            link_text = _("Open the SME profile")
        mail.send_templated(
            "notice",
            to=member.email,
            context={
                "subject": subject,
                "name": member.full_name,
                "message": message,
                "link": _link(sme.get_absolute_url()),
                "link_text": link_text,
            },
            language=member.language,
        )


def sme_panel(request):
    smes = SME.objects.filter(memberships__user=request.user).prefetch_related(
        "sectors", "documents"
    )
    return {"smes": smes, "matching_challenges": matching_challenges(request.user)}


def matching_challenges(user, *, limit=5):
    """Challenges taking proposals now in the city of one of the user's SMEs and in a
    sector of that same SME (the issue's "its sectors and city")."""
    from .models import Challenge

    sector_in_city = SME.sectors.through.objects.filter(
        sme__memberships__user=user,
        sme__city=OuterRef("city"),
        sector__challenges=OuterRef("pk"),
    )
    return (
        Challenge.objects.filter(
            Exists(sector_in_city),
            status=Challenge.Status.PUBLISHED,
            submissions_close__gt=timezone.now(),
        )
        .select_related("city")
        .order_by("submissions_close")[:limit]
    )


def verification_panel(request):
    return {"pending": SME.objects.filter(verification=SME.Verification.PENDING).count()}
