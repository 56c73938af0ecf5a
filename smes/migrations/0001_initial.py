"""The SME registry's models, moved from ``procurement`` with their tables and rows.

State only: the tables keep their ``procurement_*`` names (each model's ``db_table``), so
no row moves; procurement's ``0008`` forgets the same models. Content types move too, so
the audit trail, admin log and permissions stay attached to the same SMEs.
"""

import django.contrib.postgres.search
import django.db.models.deletion
import django.db.models.functions.comparison
import django.db.models.functions.text
import resilience_portal.storage
import smes.models
from django.conf import settings
from django.db import migrations, models

MOVED_MODELS = ["sector", "sme", "smemembership", "smedocument", "smeinvitation"]


def move_content_types(from_app, to_app):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        taken = ContentType.objects.filter(app_label=to_app).values_list("model", flat=True)
        ContentType.objects.filter(app_label=from_app, model__in=MOVED_MODELS).exclude(
            model__in=list(taken)
        ).update(app_label=to_app)

    return move


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('cohorts', '0004_leadership_letter_scanned_for_viruses'),
        ('contenttypes', '0002_remove_content_type_name'),
        # The tables exist, with their rows, from here on.
        ('procurement', '0007_amendment_notice_and_proposal_confirmation'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Sector',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.SlugField(choices=[('agriculture', 'Agriculture and food'), ('construction', 'Construction and materials'), ('digital', 'Digital and data'), ('education', 'Education and training'), ('energy', 'Energy'), ('finance', 'Finance and insurance'), ('health', 'Health'), ('manufacturing', 'Manufacturing'), ('mobility', 'Transport and mobility'), ('nature', 'Nature-based solutions'), ('tourism', 'Tourism and hospitality'), ('waste', 'Waste and circular economy'), ('water', 'Water and sanitation'), ('services', 'Professional services')], max_length=40, unique=True)),
                    ],
                    options={
                        'verbose_name': 'sector',
                        'verbose_name_plural': 'sectors',
                        'db_table': 'procurement_sector',
                        'ordering': ['code'],
                    },
                ),
                migrations.CreateModel(
                    name='SME',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('legal_name', models.CharField(max_length=200, verbose_name='legal name')),
                        ('trading_name', models.CharField(blank=True, max_length=200, verbose_name='trading name')),
                        ('slug', models.SlugField(max_length=220, unique=True, verbose_name='web address')),
                        ('registration_number', models.CharField(max_length=64, verbose_name='registration number')),
                        ('registration_key', models.CharField(default='', editable=False, max_length=64)),
                        ('country', models.CharField(help_text='ISO 3166 code, e.g. ID', max_length=2, verbose_name='country')),
                        ('employees', models.PositiveIntegerField(blank=True, null=True, verbose_name='number of employees')),
                        ('year_founded', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='year founded')),
                        ('women_led', models.BooleanField(default=False, help_text='Majority owned or led by women.', verbose_name='women-led')),
                        ('youth_led', models.BooleanField(default=False, help_text='Founded or led by people under 35.', verbose_name='youth-led')),
                        ('pandemic_impact', models.TextField(blank=True, max_length=2000, verbose_name='how the pandemic affected the business')),
                        ('revenue_change', models.CharField(blank=True, choices=[('fell_over_50', 'Fell by more than half'), ('fell_25_50', 'Fell by 25 to 50%'), ('fell_under_25', 'Fell by less than 25%'), ('stable', 'Stayed about the same'), ('grew', 'Grew')], max_length=16, verbose_name='revenue change since the pandemic')),
                        ('capabilities', models.TextField(blank=True, help_text='What the business can do for a city: products, services, past work.', max_length=4000, verbose_name='capabilities')),
                        ('website', models.URLField(blank=True, verbose_name='website')),
                        ('contact_email', models.EmailField(blank=True, max_length=254, verbose_name='contact e-mail')),
                        ('phone', models.CharField(blank=True, max_length=40, verbose_name='phone')),
                        ('verification', models.CharField(choices=[('unverified', 'Not yet verified'), ('pending', 'Verification pending'), ('verified', 'Verified'), ('rejected', 'Verification rejected')], default='unverified', max_length=12, verbose_name='verification')),
                        ('verification_note', models.TextField(blank=True, verbose_name='reason given with the decision')),
                        ('verified_at', models.DateTimeField(blank=True, null=True)),
                        ('verification_requested_at', models.DateTimeField(blank=True, null=True)),
                        ('search_vector', django.contrib.postgres.search.SearchVectorField(editable=False, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('city', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='smes', to='cohorts.city', verbose_name='city')),
                        ('sectors', models.ManyToManyField(related_name='smes', to='smes.sector', verbose_name='sectors')),
                    ],
                    options={
                        'verbose_name': 'SME',
                        'verbose_name_plural': 'SMEs',
                        'db_table': 'procurement_sme',
                        'ordering': ['legal_name'],
                    },
                ),
                migrations.CreateModel(
                    name='SMEDocument',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('registration', 'Business registration certificate'), ('other', 'Other supporting document')], max_length=16, verbose_name='document')),
                        ('file', models.FileField(max_length=200, storage=resilience_portal.storage.private_storage, upload_to=smes.models.document_path)),
                        ('original_name', models.CharField(max_length=120)),
                        ('content_type', models.CharField(max_length=100)),
                        ('size', models.PositiveIntegerField()),
                        ('uploaded_at', models.DateTimeField(auto_now_add=True)),
                        ('scan_status', models.CharField(choices=[('clean', 'scanned, clean'), ('awaiting', 'awaiting scan'), ('infected', 'infected, removed')], default='awaiting', max_length=8, verbose_name='virus scan')),
                        ('sme', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='documents', to='smes.sme')),
                        ('uploaded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'SME document',
                        'verbose_name_plural': 'SME documents',
                        'db_table': 'procurement_smedocument',
                        'ordering': ['-uploaded_at'],
                    },
                ),
                migrations.CreateModel(
                    name='SMEInvitation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('email', models.EmailField(max_length=254, verbose_name='e-mail address')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('accepted_at', models.DateTimeField(blank=True, null=True)),
                        ('accepted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('invited_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('sme', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='smes.sme')),
                    ],
                    options={
                        'verbose_name': 'SME invitation',
                        'verbose_name_plural': 'SME invitations',
                        'db_table': 'procurement_smeinvitation',
                        'ordering': ['-created_at'],
                        'abstract': False,
                    },
                ),
                migrations.CreateModel(
                    name='SMEMembership',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('owner', 'Owner'), ('member', 'Member')], default='member', max_length=10, verbose_name='role')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('sme', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='smes.sme')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sme_memberships', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'SME membership',
                        'verbose_name_plural': 'SME memberships',
                        'db_table': 'procurement_smemembership',
                    },
                ),
                migrations.AddIndex(
                    model_name='sme',
                    index=smes.models.SearchIndex(fields=['search_vector'], name='sme_search_vector_gin'),
                ),
                migrations.AddIndex(
                    model_name='sme',
                    index=models.Index(django.db.models.functions.text.Lower(django.db.models.functions.comparison.Coalesce(django.db.models.functions.comparison.NullIf('trading_name', models.Value('')), 'legal_name')), models.F('id'), name='sme_display_name_idx'),
                ),
                migrations.AddIndex(
                    model_name='sme',
                    index=models.Index(fields=['verification', 'verification_requested_at'], name='sme_queue_idx'),
                ),
                migrations.AddConstraint(
                    model_name='sme',
                    constraint=models.UniqueConstraint(fields=('country', 'registration_key'), name='sme_registration_unique'),
                ),
                migrations.AddConstraint(
                    model_name='smemembership',
                    constraint=models.UniqueConstraint(fields=('sme', 'user'), name='sme_membership_unique'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(
            move_content_types("procurement", "smes"),
            move_content_types("smes", "procurement"),
        ),
    ]
