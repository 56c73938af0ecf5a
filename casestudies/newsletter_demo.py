"""Demo newsletter: subscribers in each language (and one of each other state), a sent
issue with a Thai translation featuring the demo case studies, and a draft, all made
through the same acts staff use. The demo issue's sending goes nowhere (no mail leaves)."""

from django.core.mail.backends.dummy import EmailBackend as NoMail
from django.utils import timezone

from resilience_portal.demo import demo_user

from . import newsletter_sending as sending
from . import newsletter_services as services
from .models import CaseStudy, NewsletterIssue, Subscriber

DOMAIN = "demo.resilience.test"
CONSENT = "I would like to receive the Resilience Portal newsletter by e-mail (demo)."
SUBSCRIBERS = [
    ("reader.en@demo.resilience.test", "Emma Reader", "en", "confirmed"),
    ("reader.id@demo.resilience.test", "Sri Pembaca", "id", "confirmed"),
    ("reader.th@demo.resilience.test", "Somchai Phu-an", "th", "confirmed"),
    ("reader.vi@demo.resilience.test", "Lan Người đọc", "vi", "confirmed"),
    ("waiting@demo.resilience.test", "Wati Waiting", "id", "pending"),
    ("gone@demo.resilience.test", "Gita Gone", "en", "unsubscribed"),
]
SENT_SUBJECT = "Cities that kept trading through floods and heat"


def _subscribers():
    now = timezone.now()
    for email, name, language, status in SUBSCRIBERS:
        Subscriber.objects.get_or_create(
            email=email,
            defaults={
                "name": name,
                "language": language,
                "status": status,
                "topics": ["climate"],
                "consent_text": CONSENT,
                "consented_at": now,
                "confirmed_at": now if status != "pending" else None,
                "unsubscribed_at": now if status == "unsubscribed" else None,
            },
        )


def seed(out):
    editor = demo_user(
        f"editor@{DOMAIN}",
        "Erin Editor",
        role_note="programme staff, case-study writer",
        staff=True,
    )
    _subscribers()
    if not NewsletterIssue.objects.filter(subject=SENT_SUBJECT).exists():
        issue = services.create_issue(
            by=editor,
            subject=SENT_SUBJECT,
            introduction=(
                "Three cities asked **local small firms** for help, and the firms delivered. "
                "This issue tells how, in the cities' own figures."
            ),
            featured=list(CaseStudy.objects.listed()[:3]),
        )
        services.save_issue_translation(
            issue,
            "th",
            by=editor,
            subject="เมืองที่ค้าขายต่อได้แม้น้ำท่วมและอากาศร้อน",
            introduction="สามเมืองขอความช่วยเหลือจาก**วิสาหกิจขนาดเล็กในท้องถิ่น** และได้ผลจริง",
        )
        services.send_issue_now(issue, by=editor)
        while sending.send_batches(issue.pk, mailer=NoMail()) == "more":
            pass
        services.create_issue(
            by=editor,
            subject="Next month: cooler classrooms (draft)",
            introduction="A draft to preview, test and send.",
        )
    out.write(
        f"Newsletter: /newsletter/ shows the sent issue (in Thai with ?lang=th); editor@{DOMAIN} "
        "composes and sends at /newsletter/staff/ and sees the subscribers (one confirmed in "
        "each language, one waiting for confirmation, one unsubscribed)."
    )
