"""Demo data shared by every app's ``demo.seed``: users who can sign in at once."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group

from .models import User
from .permissions import PROGRAMME_STAFF_GROUP

DEMO_PASSWORD = "resilience-demo"
# Staff sign in with a second factor, demo staff too: this published secret goes into any
# authenticator app (Google Authenticator, Aegis, 1Password, `oathtool --totp -b …`).
DEMO_TOTP_SECRET = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"

logins: list[tuple[str, str]] = []


def demo_user(email, full_name, *, role_note, staff=False, time_zone="Asia/Bangkok", language="en"):
    """Create (or find) a verified user with the demo password; remember it for the printout."""
    user, created = User.objects.get_or_create(
        email=email,
        defaults={"full_name": full_name, "time_zone": time_zone, "language": language},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.is_staff = staff
        user.save()
    if staff:
        user.groups.add(Group.objects.get(name=PROGRAMME_STAFF_GROUP))
    if user.is_staff or user.is_superuser:
        add_demo_second_factor(user)
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    if (email, role_note) not in logins:
        logins.append((email, role_note))
    return user


def add_demo_second_factor(user):
    """The demo authenticator app (``DEMO_TOTP_SECRET``) and recovery codes, once per user."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
    RecoveryCodes.activate(user)


def second_factor_notes(emails):
    """Lines telling how demo staff pass the second factor: the secret and a few recovery codes."""
    lines = []
    for user in User.objects.filter(email__in=emails).order_by("email"):
        recovery = Authenticator.objects.filter(
            user=user, type=Authenticator.Type.RECOVERY_CODES
        ).first()
        if recovery is None:
            continue
        codes = ", ".join(RecoveryCodes(recovery).get_unused_codes()[:3])
        lines.append(f"  {user.email:<42} recovery codes: {codes}")
    if lines:
        lines.insert(
            0,
            f"Staff then enter a code from an authenticator app set up with the secret "
            f"{DEMO_TOTP_SECRET}, or one of their recovery codes (each works once):",
        )
    return lines


def seed(out):
    demo_user(
        "staff@demo.resilience.test", "Programme Staff", role_note="programme staff", staff=True
    )
    demo_user("newcomer@demo.resilience.test", "Nadia Newcomer", role_note="no role yet")
