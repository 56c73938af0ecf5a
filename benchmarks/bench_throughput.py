"""Throughput of pages under gunicorn and wrk, each beside a hello-world Django app's ceiling.

The portal and ``benchmarks/hello_world.py`` are served with the same gunicorn settings
(BENCH_WORKERS sync workers, 3 by default) and loaded with the same wrk run (BENCH_CONNECTIONS
connections for BENCH_SECONDS seconds); a page's ratio is its requests per second over
hello-world's, measured in the same run so the machine's load affects both. Goals: anonymous
public pages at least 0.5, signed-in pages at least 0.25. A reference row serves the portal
with one signed-in view that has nothing on it (``benchmarks/bare_signed_in.py``): the most a
signed-in page can reach before its own queries and template. wrk is a Debian package,
installed here when missing.
"""

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8811"))
WORKERS = os.environ.get("BENCH_WORKERS", "3")
SECONDS = os.environ.get("BENCH_SECONDS", "10")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "16")
PUBLIC_GOAL = 0.5
SIGNED_IN_GOAL = 0.25
# The one view of benchmarks/bare_signed_in.py: a signed-in page with nothing on it.
BARE_PATH = "/bench/signed-in-nothing/"


def _ensure_wrk():
    if shutil.which("wrk"):
        return "wrk"
    print("   installing wrk (Debian package) ...")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True)
    subprocess.run(
        [*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", "wrk"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        stdout=subprocess.DEVNULL,
    )
    return "wrk"


def _ensure_demo():
    from django.core.management import call_command

    from resilience_portal.models import User

    if not User.objects.filter(email="staff@demo.resilience.test").exists():
        print("   loading the demo programme ...")
        with open(os.devnull, "w") as quiet:
            call_command("seed_demo", allow_production=True, stdout=quiet)


@contextmanager
def _gunicorn(app, port):
    process = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", app, "--workers", WORKERS,
            "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
        ],
        cwd=ROOT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except urllib.error.HTTPError:
                break  # answering, even if hello-world has no /healthz
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"gunicorn for {app} did not start") from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wrk(url, cookie=None):
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    # A short warm-up fills templates, caches and connections in every worker first.
    subprocess.run(["wrk", "-t2", "-c4", "-d1s", *headers, url], capture_output=True, check=True)
    output = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", *headers, url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p95 = re.search(r"99%\s+(\S+)", output)
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rate, (p95.group(1) if p95 else "?"), int(failed.group(1)) if failed else 0


def _cookie_for(email):
    from django.conf import settings
    from django.test import Client

    from resilience_portal.models import User

    user = User.objects.get(email=email)
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    language = user.language or settings.LANGUAGE_CODE
    return f"{settings.SESSION_COOKIE_NAME}={session}; {settings.LANGUAGE_COOKIE_NAME}={language}"


def _pages():
    from casestudies.models import CaseStudy
    from cohorts.models import City
    from procurement.models import Challenge

    challenge = Challenge.objects.open_for_submissions().order_by("pk").first()
    city = City.objects.filter(slug="semarang").first() or City.objects.order_by("pk").first()
    case_study = CaseStudy.objects.public().order_by("pk").first()
    official = _cookie_for("official.semarang@demo.resilience.test")
    sme_owner = _cookie_for("sme.banjir@demo.resilience.test")
    staff = _cookie_for("staff@demo.resilience.test")
    anonymous = [
        ("/", "/", None),
        ("/challenges/", "/challenges/", None),
        ("/challenges/ filtered", f"/challenges/?city={city.slug}&status=published", None),
        ("a challenge page", f"/challenges/{challenge.slug}/", None),
        ("/cohorts/", "/cohorts/", None),
        ("a city page", f"/cities/{city.slug}/", None),
        ("/case-studies/", "/case-studies/", None),
    ]
    if case_study:
        anonymous.append(("a case study", f"/case-studies/{case_study.slug}/", None))
    signed_in = [
        ("/dashboard/ official", "/dashboard/", official),
        ("/dashboard/ SME owner", "/dashboard/", sme_owner),
        ("/dashboard/ staff", "/dashboard/", staff),
        ("/smes/ official", "/smes/", official),
        ("/smes/?q=water official", "/smes/?q=water", official),
        ("challenge page, SME owner", f"/challenges/{challenge.slug}/", sme_owner),
        ("challenge page, official", f"/challenges/{challenge.slug}/", official),
        # The least a signed-in page costs: session, user and the shared chrome, no panel.
        ("/about/ official (floor)", "/about/", official),
    ]
    return anonymous, signed_in


def run():
    _ensure_wrk()
    _ensure_demo()
    anonymous, signed_in = _pages()
    print(f"   load average before: {os.getloadavg()[0]:.2f} (workers {WORKERS}, {SECONDS} s)")
    with _gunicorn("benchmarks.hello_world:application", PORT + 1) as base:
        hello_before = _wrk(base + "/")[0]
    results = []
    with _gunicorn("resilience_portal.wsgi:application", PORT) as base:
        for group, pages in (("public", anonymous), ("signed-in", signed_in)):
            for label, path, cookie in pages:
                results.append((group, label, *_wrk(base + path, cookie)))
    # The ceiling of signed-in pages: the portal's middleware, session and user, no page.
    with _gunicorn("benchmarks.bare_signed_in:application", PORT + 2) as base:
        official = signed_in[0][2]
        results.append(("reference", "signed-in, nothing on it", *_wrk(base + BARE_PATH, official)))
    with _gunicorn("benchmarks.hello_world:application", PORT + 1) as base:
        hello_after = _wrk(base + "/")[0]
    hello = (hello_before + hello_after) / 2
    print(f"   hello-world: {hello_before:.0f} / {hello_after:.0f} req/s (mean {hello:.0f})")
    for group, label, rate, p99, failed in results:
        goal = PUBLIC_GOAL if group == "public" else SIGNED_IN_GOAL
        ratio = rate / hello
        verdict = "ok" if ratio >= goal else f"below {goal}"
        if group == "reference":
            verdict = f"the ceiling for signed-in pages; goal {SIGNED_IN_GOAL}"
        note = f"  {failed} FAILED RESPONSES" if failed else ""
        print(
            f"   {group:<9} {label:<28} {rate:7.0f} req/s  ratio {ratio:4.2f} ({verdict})"
            f"  p99 {p99}{note}"
        )
    print(f"   load average after: {os.getloadavg()[0]:.2f}")
