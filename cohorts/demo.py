"""Demo cities and their officials."""

from resilience_portal.demo import demo_user

from .models import City, CityMembership

DEMO_CITIES = [
    (
        "Semarang",
        "semarang",
        "ID",
        "Central Java",
        1_653_524,
        "Asia/Jakarta",
        "Indonesian, Javanese",
    ),
    ("Bangkok", "bangkok", "TH", "Bangkok", 10_539_000, "Asia/Bangkok", "Thai"),
    ("Da Nang", "da-nang", "VN", "Da Nang", 1_220_190, "Asia/Ho_Chi_Minh", "Vietnamese"),
]


def seed(out):
    for name, slug, country, province, population, tz, languages in DEMO_CITIES:
        City.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "country": country,
                "province": province,
                "population": population,
                "time_zone": tz,
                "languages": languages,
            },
        )
    official = demo_user(
        "official.semarang@demo.resilience.test",
        "Sri Wahyuni",
        role_note="lead official, Semarang",
        time_zone="Asia/Jakarta",
        language="id",
    )
    CityMembership.objects.get_or_create(
        city=City.objects.get(slug="semarang"),
        user=official,
        defaults={"role": CityMembership.Role.LEAD},
    )
