"""The fixed, translatable taxonomy of business sectors shared by SMEs and challenges."""

from django.utils.translation import gettext_lazy as _


class SectorCode:
    CHOICES = [
        ("agriculture", _("Agriculture and food")),
        ("construction", _("Construction and materials")),
        ("digital", _("Digital and data")),
        ("education", _("Education and training")),
        ("energy", _("Energy")),
        ("finance", _("Finance and insurance")),
        ("health", _("Health")),
        ("manufacturing", _("Manufacturing")),
        ("mobility", _("Transport and mobility")),
        ("nature", _("Nature-based solutions")),
        ("tourism", _("Tourism and hospitality")),
        ("waste", _("Waste and circular economy")),
        ("water", _("Water and sanitation")),
        ("services", _("Professional services")),
    ]
