"""Programme staff may view the records of every part of the portal in the administration
site, which their dashboard links to for repair work; changing stays with superusers."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PROGRAMME_STAFF_GROUP = "Programme staff"
PORTAL_APPS = ["resilience_portal", "cohorts", "smes", "procurement", "mentorship", "casestudies"]


def grant_view_permissions(apps, schema_editor):
    # Permissions are created after migrating; a fresh database needs them now.
    for label in PORTAL_APPS:
        config = apps.get_app_config(label)
        config.models_module = True
        create_permissions(config, verbosity=0)
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=PROGRAMME_STAFF_GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=PORTAL_APPS, codename__startswith="view_"
        )
    )


def revoke_view_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=PROGRAMME_STAFF_GROUP).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label__in=PORTAL_APPS, codename__startswith="view_"
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("resilience_portal", "0002_programme_staff_group"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("cohorts", "0005_criterion_order_is_called_order"),
        ("smes", "0001_initial"),
        ("procurement", "0011_evidence_scanned_for_viruses"),
        ("mentorship", "0002_materials_scanned_for_viruses"),
        ("casestudies", "0002_newsletter_subscribers_issues_deliveries"),
    ]

    operations = [migrations.RunPython(grant_view_permissions, revoke_view_permissions)]
