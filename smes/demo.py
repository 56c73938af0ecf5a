"""Demo SMEs across the demo cities and sectors, in every verification state."""

from django.core.files.base import ContentFile
from django.utils import timezone

from cohorts.models import City
from resilience_portal.demo import demo_user
from resilience_portal.scanning import ScanStatus

from .models import SME, RevenueChange, Sector, SMEDocument, SMEMembership

CITIES = {
    "semarang": {
        "name": "Semarang",
        "country": "ID",
        "province": "Central Java",
        "time_zone": "Asia/Jakarta",
        "languages": "Bahasa Indonesia, Javanese",
    },
    "bangkok": {
        "name": "Bangkok",
        "country": "TH",
        "province": "Bangkok Metropolitan Region",
        "time_zone": "Asia/Bangkok",
        "languages": "Thai, English",
    },
    "da-nang": {
        "name": "Da Nang",
        "country": "VN",
        "province": "Da Nang",
        "time_zone": "Asia/Ho_Chi_Minh",
        "languages": "Vietnamese, English",
    },
}

# (city, legal name, trading name, sectors, employees, women-led, youth-led, capabilities)
SMES = [
    (
        "semarang",
        "PT Banjir Cerdas Indonesia",
        "BanjirCerdas",
        ["digital", "water"],
        18,
        False,
        True,
        "Low-cost river and drain level sensors with SMS flood alerts for kampung communities.",
    ),
    (
        "semarang",
        "CV Mangrove Lestari",
        "Mangrove Lestari",
        ["nature", "tourism"],
        9,
        True,
        False,
        "Mangrove nurseries, coastal replanting and eco-tourism guiding along the north coast.",
    ),
    (
        "semarang",
        "PT Rob Tanggul Teknik",
        "RobTech",
        ["construction", "water"],
        64,
        False,
        False,
        "Tidal flood (rob) barriers, polder pumps and drainage works for coastal districts.",
    ),
    (
        "semarang",
        "CV Sampah Jadi Berkah",
        "Bank Sampah Berkah",
        ["waste"],
        23,
        True,
        False,
        "Community waste banks, plastic sorting and recycled paving blocks.",
    ),
    (
        "semarang",
        "PT Surya Atap Jateng",
        "SuryaAtap",
        ["energy", "construction"],
        31,
        False,
        True,
        "Rooftop solar for schools and markets, with battery backup for clinics.",
    ),
    (
        "semarang",
        "CV Kopi Kampung Tematik",
        "Kampung Tematik",
        ["tourism", "agriculture"],
        7,
        True,
        True,
        "Themed village tours and local coffee supply chains that keep income in the kampung.",
    ),
    (
        "semarang",
        "PT Data Kota Semarang",
        "DataKota",
        ["digital", "services"],
        42,
        False,
        True,
        "Open data portals, GIS mapping of flood-prone areas and citizen reporting apps.",
    ),
    (
        "semarang",
        "CV Sehat Bersama Klinik",
        "Klinik Bersama",
        ["health"],
        15,
        True,
        False,
        "Mobile health posts and dengue prevention campaigns in dense neighbourhoods.",
    ),
    (
        "semarang",
        "PT Air Bersih Nusantara",
        "AirBersih",
        ["water", "manufacturing"],
        88,
        False,
        False,
        "Household water filters and small-scale water treatment kiosks.",
    ),
    (
        "semarang",
        "CV Pelatihan Tangguh",
        "Tangguh Academy",
        ["education"],
        5,
        True,
        True,
        "Disaster preparedness training for schools, RT/RW leaders and small businesses.",
    ),
    (
        "semarang",
        "PT Logistik Hijau Jawa",
        "GreenLog",
        ["mobility"],
        120,
        False,
        False,
        "Electric cargo tricycles for last-mile market deliveries.",
    ),
    (
        "semarang",
        "CV Batik Daur Ulang",
        "ReBatik",
        ["manufacturing", "waste"],
        12,
        True,
        True,
        "Upcycled textile products and natural dye workshops.",
    ),
    (
        "semarang",
        "PT Asuransi Mikro Pesisir",
        "Pesisir Protect",
        ["finance"],
        27,
        True,
        False,
        "Parametric micro-insurance for fishers and market traders against floods.",
    ),
    (
        "bangkok",
        "Klong Clean Co., Ltd.",
        "KlongClean",
        ["water", "waste"],
        36,
        True,
        False,
        "Canal (klong) floating debris collection boats and water quality monitoring.",
    ),
    (
        "bangkok",
        "Heat Shield Roofing Co., Ltd.",
        "HeatShield",
        ["construction", "energy"],
        58,
        False,
        False,
        "Cool roof coatings and shading for schools, markets and bus shelters.",
    ),
    (
        "bangkok",
        "Green Lung Urban Farms Co., Ltd.",
        "Green Lung",
        ["agriculture", "nature"],
        14,
        True,
        True,
        "Rooftop and vacant-lot urban farms, food resilience for community kitchens.",
    ),
    (
        "bangkok",
        "Siam Air Sense Co., Ltd.",
        "AirSense",
        ["digital", "health"],
        22,
        False,
        True,
        "PM2.5 sensor networks and school air-quality dashboards with alerts.",
    ),
    (
        "bangkok",
        "Chao Phraya Flood Analytics Co., Ltd.",
        "FloodAnalytics",
        ["digital", "water"],
        45,
        False,
        False,
        "Flood forecasting models and early-warning integration for district offices.",
    ),
    (
        "bangkok",
        "Baan Mankong Builders Co., Ltd.",
        "Baan Builders",
        ["construction"],
        150,
        False,
        False,
        "Community-led housing upgrades and raised walkways in informal settlements.",
    ),
    (
        "bangkok",
        "Tuk Tuk Electric Co., Ltd.",
        "e-Tuk",
        ["mobility", "energy"],
        75,
        False,
        True,
        "Electric tuk-tuk conversions and charging points for feeder routes.",
    ),
    (
        "bangkok",
        "Rak Talay Circular Co., Ltd.",
        "Rak Talay",
        ["waste", "manufacturing"],
        19,
        True,
        False,
        "Collects fishing nets and plastic waste and turns them into street furniture.",
    ),
    (
        "bangkok",
        "Khru Resilience Learning Co., Ltd.",
        "KhruLearn",
        ["education", "digital"],
        8,
        True,
        True,
        "Online courses on heat safety and flood preparedness in Thai.",
    ),
    (
        "bangkok",
        "Sabai Care Network Co., Ltd.",
        "Sabai Care",
        ["health", "services"],
        33,
        True,
        False,
        "Home visits and heatwave check-ins for older people living alone.",
    ),
    (
        "bangkok",
        "Thai Micro Finance Partners Co., Ltd.",
        "MicroPartners",
        ["finance", "services"],
        48,
        False,
        False,
        "Recovery loans and bookkeeping support for street-food vendors.",
    ),
    (
        "bangkok",
        "Lumpini Green Design Co., Ltd.",
        "Lumpini Green",
        ["nature", "services"],
        11,
        True,
        True,
        "Sponge park design, rain gardens and bioswales for flood retention.",
    ),
    (
        "bangkok",
        "Bangkok Cold Chain Co., Ltd.",
        "CoolChain",
        ["agriculture", "energy"],
        210,
        False,
        False,
        "Solar-powered cold rooms for fresh markets.",
    ),
    (
        "bangkok",
        "Siam Tourism Futures Co., Ltd.",
        "Tourism Futures",
        ["tourism"],
        6,
        True,
        True,
        "Community-based tourism that spreads visitors beyond the old town.",
    ),
    (
        "da-nang",
        "Cong ty TNHH Song Han Smart Water",
        "Song Han Water",
        ["water", "digital"],
        29,
        False,
        True,
        "Smart water meters and leak detection for the city network.",
    ),
    (
        "da-nang",
        "Cong ty Co phan Bao Ve Bo Bien",
        "CoastGuard Works",
        ["construction", "nature"],
        95,
        False,
        False,
        "Coastal erosion protection, dune restoration and typhoon-resistant housing.",
    ),
    (
        "da-nang",
        "Cong ty TNHH Nong Nghiep Xanh Hoa Vang",
        "Hoa Vang Green",
        ["agriculture"],
        17,
        True,
        False,
        "Salt-tolerant rice seed and farmer training in peri-urban communes.",
    ),
    (
        "da-nang",
        "Cong ty TNHH Nang Luong Mat Troi Mien Trung",
        "Central Solar",
        ["energy"],
        54,
        False,
        False,
        "Solar and storage for fishing ports and evacuation shelters.",
    ),
    (
        "da-nang",
        "Cong ty TNHH Du Lich Cong Dong Son Tra",
        "Son Tra Community Tours",
        ["tourism", "nature"],
        9,
        True,
        True,
        "Community tourism on the Son Tra peninsula that funds forest protection.",
    ),
    (
        "da-nang",
        "Cong ty TNHH Tai Che Nhua Da Nang",
        "Da Nang Recycling",
        ["waste", "manufacturing"],
        40,
        True,
        False,
        "Plastic collection from beaches and recycling into construction boards.",
    ),
    (
        "da-nang",
        "Cong ty TNHH Cong Nghe Canh Bao Bao",
        "TyphoonAlert",
        ["digital"],
        13,
        False,
        True,
        "Typhoon and flash-flood warnings over Zalo and SMS for fishing boats.",
    ),
    (
        "da-nang",
        "Cong ty TNHH Y Te Cong Dong Hai Chau",
        "Hai Chau Health",
        ["health"],
        21,
        True,
        False,
        "Community health workers and telemedicine for outlying wards.",
    ),
    (
        "da-nang",
        "Cong ty TNHH Giao Thong Xanh Mien Trung",
        "GreenRide",
        ["mobility"],
        66,
        False,
        True,
        "Electric bike sharing and safe cycling routes to schools.",
    ),
    (
        "da-nang",
        "Cong ty TNHH Dao Tao Ky Nang Song",
        "LifeSkills Centre",
        ["education"],
        4,
        True,
        True,
        "Swimming and flood safety lessons for children.",
    ),
    (
        "da-nang",
        "Cong ty TNHH Tu Van Khi Hau Viet",
        "ClimateAdvisory VN",
        ["services", "finance"],
        16,
        True,
        False,
        "Climate risk assessments and green finance applications for SMEs.",
    ),
    (
        "da-nang",
        "Cong ty TNHH Xay Dung Nha An Toan",
        "SafeHome Builders",
        ["construction"],
        180,
        False,
        False,
        "Storm-proof roofing retrofits and raised floors for low-income homes.",
    ),
    (
        "da-nang",
        "Cong ty TNHH Hai San Ben Vung",
        "Sustainable Seafood DN",
        ["agriculture", "tourism"],
        25,
        True,
        True,
        "Traceable seafood supply for hotels and community fish markets.",
    ),
]

DEMO_CERTIFICATE = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
REVENUE_BANDS = [choice for choice, _label in RevenueChange.choices]
PANDEMIC_STORIES = {
    "fell_over_50": "Orders stopped for months during the lockdowns; we laid off half the "
    "team and are hiring again now.",
    "fell_25_50": "Public works were postponed; we kept staff on by taking smaller "
    "private contracts.",
    "fell_under_25": "Fewer customers for a year, but online sales covered part of the gap.",
    "stable": "Demand held up; supply delays made projects slower and costlier.",
    "grew": "Demand for our services grew as households and clinics prepared for shocks.",
}
PREFIX = {"ID": "NIB", "TH": "0105", "VN": "0401"}


def demo_city(slug):
    defaults = CITIES[slug]
    city, _created = City.objects.get_or_create(slug=slug, defaults=defaults)
    return city


def _verification_state(index):
    # A mix a staff member would meet: mostly verified, some waiting, a few new or refused.
    return [
        SME.Verification.VERIFIED,
        SME.Verification.VERIFIED,
        SME.Verification.PENDING,
        SME.Verification.VERIFIED,
        SME.Verification.UNVERIFIED,
        SME.Verification.VERIFIED,
        SME.Verification.REJECTED,
    ][index % 7]


def seed(out):
    sectors = {sector.code: sector for sector in Sector.objects.all()}
    now = timezone.now()
    owners = {
        "semarang": demo_user(
            "sme.semarang@demo.resilience.test",
            "Sari Wulandari",
            role_note="SME owner, Semarang (BanjirCerdas)",
            time_zone="Asia/Jakarta",
            language="id",
        ),
        "bangkok": demo_user(
            "sme.bangkok@demo.resilience.test",
            "Ploy Chaiyaporn",
            role_note="SME owner, Bangkok (KlongClean)",
            time_zone="Asia/Bangkok",
            language="th",
        ),
        "da-nang": demo_user(
            "sme.danang@demo.resilience.test",
            "Nguyen Thi Lan",
            role_note="SME owner, Da Nang (Song Han Water)",
            time_zone="Asia/Ho_Chi_Minh",
            language="vi",
        ),
    }
    first_of_city = set()
    for index, (
        city_slug,
        legal,
        trading,
        codes,
        employees,
        women,
        youth,
        capabilities,
    ) in enumerate(SMES):
        city = demo_city(city_slug)
        state = _verification_state(index)
        sme, created = SME.objects.get_or_create(
            country=city.country,
            registration_key=f"{PREFIX[city.country]}{index + 1:08d}",
            defaults={
                "legal_name": legal,
                "trading_name": trading,
                "registration_number": f"{PREFIX[city.country]}-{index + 1:08d}",
                "city": city,
                "employees": employees,
                "year_founded": 2003 + (index * 7) % 20,
                "women_led": women,
                "youth_led": youth,
                "capabilities": capabilities,
                "pandemic_impact": PANDEMIC_STORIES[REVENUE_BANDS[index % len(REVENUE_BANDS)]],
                "revenue_change": REVENUE_BANDS[index % len(REVENUE_BANDS)],
                "website": f"https://{trading.lower().replace(' ', '')}.example.org",
                "contact_email": f"hello@{trading.lower().replace(' ', '')}.example.org",
                "verification": state,
                "verified_at": now if state == SME.Verification.VERIFIED else None,
                "verification_requested_at": now if state != SME.Verification.UNVERIFIED else None,
                "verification_note": (
                    "The certificate is unreadable; please upload a clearer scan."
                    if state == SME.Verification.REJECTED
                    else ""
                ),
            },
        )
        if created:
            sme.sectors.set([sectors[code] for code in codes])
            if state != SME.Verification.UNVERIFIED:
                SMEDocument.objects.create(
                    sme=sme,
                    kind=SMEDocument.Kind.REGISTRATION_CERTIFICATE,
                    file=ContentFile(DEMO_CERTIFICATE, name="certificate.pdf"),
                    original_name="registration-certificate.pdf",
                    content_type="application/pdf",
                    size=len(DEMO_CERTIFICATE),
                    # The demo's own file, known to be clean.
                    scan_status=ScanStatus.CLEAN,
                )
        if city_slug not in first_of_city:
            first_of_city.add(city_slug)
            SMEMembership.objects.get_or_create(
                sme=sme, user=owners[city_slug], defaults={"role": SMEMembership.Role.OWNER}
            )
    out.write(f"SMEs: {SME.objects.count()} in the directory.")
