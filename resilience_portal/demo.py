"""Demo data shared by every app's ``demo.seed``: users who can sign in at once."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from .models import User
from .permissions import PROGRAMME_STAFF_GROUP

DEMO_PASSWORD = "resilience-demo"

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
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    if (email, role_note) not in logins:
        logins.append((email, role_note))
    return user


def seed(out):
    demo_user(
        "staff@demo.resilience.test", "Programme Staff", role_note="programme staff", staff=True
    )
    demo_user("newcomer@demo.resilience.test", "Nadia Newcomer", role_note="no role yet")
