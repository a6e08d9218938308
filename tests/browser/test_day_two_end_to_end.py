"""Day two, end to end: the real server (`readingroom serve`, with its background index writer) and a real
Chromium. Staff correct, merge, restrict, re-import and OCR; then the public crawls everything."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import deque
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.builders import VOLUMES
from tests.builders import volume as shared_person_volume
from tests.conftest import free_port
from tests.scan_fixtures import save_page

REPO = Path(__file__).resolve().parents[2]
# On PostgreSQL the served site stores into a database of its own, as its data directory does.
pytestmark = [pytest.mark.usefixtures("process_database"), pytest.mark.every_database]
SAMPLES = REPO / "src" / "readingroom" / "sample_data"
PASSWORD = "day-two-staff-pw"
DEADLINE = 60.0  # generous: a test never asserts speed (benchmarks/freshness.py measures it)


class Site:
    """A data directory, the commands a user runs on it, and a running `readingroom serve`."""

    def __init__(self, data: Path) -> None:
        self.data = data
        self.env = {**os.environ, "READINGROOM_DATA_DIR": str(data), "PYTHONPATH": str(REPO / "src"),
                    "DJANGO_SETTINGS_MODULE": "readingroom.settings", "DJANGO_SUPERUSER_PASSWORD": PASSWORD}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = data.parent / "server.log"
        self.server: subprocess.Popen | None = None

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, "-m", "readingroom.cli", *args], capture_output=True, text=True,
                                env=self.env, timeout=600, cwd=self.data.parent)
        if check:
            assert result.returncode == 0, f"readingroom {' '.join(args)}: {result.stderr[-2000:]}"
        return result

    def manage(self, *args: str) -> None:
        result = subprocess.run([sys.executable, "-m", "django", *args], capture_output=True, text=True,
                                env=self.env, timeout=120, cwd=self.data.parent)
        assert result.returncode == 0, result.stderr[-2000:]

    def start(self) -> None:
        log = self.log.open("w")
        self.server = subprocess.Popen([sys.executable, "-m", "readingroom.cli", "serve", "--port", str(self.port)],
                                       env=self.env, stdout=log, stderr=subprocess.STDOUT, cwd=self.data.parent,
                                       start_new_session=True)
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            try:
                self.get("/")
                return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"the server did not answer: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.server and self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGTERM)
            try:
                self.server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.server.pid, signal.SIGKILL)

    def get(self, path: str) -> tuple[int, str, str]:
        """(status, content type, body) as an anonymous reader gets them."""
        try:
            with urllib.request.urlopen(urljoin(self.url, path), timeout=30) as response:
                return response.status, response.headers.get("Content-Type", ""), response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Content-Type", ""), error.read().decode("utf-8", "replace")

    def search_ids(self, q: str) -> list[str]:
        status, _type, body = self.get(f"/search.json?q={urllib.request.quote(q)}")
        assert status == 200, body[:500]
        return [r["id"] for r in json.loads(body)["results"]]

    def wait_until(self, what: str, condition) -> float:
        """Seconds until `condition()` holds (polled); fails after DEADLINE."""
        start = time.monotonic()
        while not condition():
            if time.monotonic() - start > DEADLINE:
                raise AssertionError(f"not within {DEADLINE:.0f} s: {what}")
            time.sleep(0.25)
        return time.monotonic() - start


@pytest.fixture
def site(tmp_path):
    site = Site(tmp_path / "data")
    yield site
    site.stop()


def _changed_volume(folder: Path) -> Path:
    """The sample FRUS excerpt with one document's text changed, as a re-published volume would be."""
    source = next((SAMPLES / "records").glob("frus*.xml"))
    text = source.read_text(encoding="utf-8")
    changed, n = re.subn(r"(<div[^>]*xml:id=\"d119\"[^>]*>.*?<p>)", r"\1Quadrilateral reconsideration. ", text,
                         count=1, flags=re.S)
    assert n == 1
    folder.mkdir()
    target = folder / source.name
    target.write_text(changed, encoding="utf-8")
    return target


def _new_scans(folder: Path) -> Path:
    folder.mkdir()
    save_page(folder / "p1.png", "Memorandum on the Pomeranian grain convoys of March 1944. The convoys sailed "
              "from Kolberg under escort and reached the harbour at night.")
    (folder / "sidecar.csv").write_text("id,title,date,languages,files\n"
                                        "day-two-scan,Memorandum on grain convoys,1944-03-10,English,p1.png\n",
                                        encoding="utf-8")
    return folder


def _person_facet(site: Site, q: str, key: str) -> list[str]:
    """The person facet's values for a search whose identifiers contain `key`."""
    body = json.loads(site.get(f"/search.json?q={q}")[2])
    facet = next((f for f in body["facets"] if f["name"] == "person"), {"values": []})
    return [v["value"] for v in facet["values"] if key in v["value"]]


def _sign_in(page) -> None:
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", "staff")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_be_visible()


def _admin_change(page, public_id: str) -> None:
    page.goto(f"/admin/catalog/record/?q={urllib.request.quote(public_id)}")
    page.get_by_role("link", name=public_id, exact=True).click()


def _crawl(site: Site, limit: int = 600) -> dict[str, tuple[int, str]]:
    """Every page reachable from / and the sitemap, as the public: {path: (status, body)}."""
    status, _t, sitemap = site.get("/sitemap.xml")
    assert status == 200
    start = ["/"]
    for part in re.findall(r"<loc>([^<]+)</loc>", sitemap):  # a sitemap index: its parts list the pages
        status, _t, urls = site.get(urlsplit(part).path)
        assert status == 200, part
        start += [urlsplit(u).path for u in re.findall(r"<loc>([^<]+)</loc>", urls)]
    start = list(dict.fromkeys(start))
    queue, seen = deque(start), dict.fromkeys(start)
    pages: dict[str, tuple[int, str]] = {}
    while queue and len(pages) < limit:
        path = queue.popleft()
        status, ctype, body = site.get(path)
        pages[path] = (status, body)
        if "html" not in ctype:
            continue
        for href in re.findall(r'href="([^"#]+)', body):
            href = href.replace("&amp;", "&")
            parts = urlsplit(urljoin(site.url + path, href))
            # The language picker only sets a cookie and redirects back to a page crawled at its own address.
            if parts.netloc != f"127.0.0.1:{site.port}" or parts.path.startswith(("/admin", "/static", "/language/")):
                continue
            # Facet toggles, sorting and paging multiply without end; one of each kind is enough.
            target = parts.path + (f"?{parts.query}" if parts.query and not re.search(r"f\.|sort=|page=", parts.query)
                                   else "")
            if target not in seen:
                seen[target] = None
                queue.append(target)
    return pages


@pytest.mark.slow
def test_a_day_of_edits_then_the_public_crawls_everything(site, chromium, tmp_path):
    # Day one: the samples and their scans, read by OCR and indexed, and one staff account.
    site.run("demo", "--no-serve")
    site.manage("createsuperuser", "--noinput", "--username", "staff", "--email", "staff@example.org")
    site.start()
    context = chromium.new_context(base_url=site.url, viewport={"width": 1366, "height": 900})
    staff = context.new_page()
    errors: list[str] = []
    staff.on("pageerror", lambda exc: errors.append(str(exc)))
    _sign_in(staff)

    # Correct a transcript beside the scan, review and publish it: the corrected words become searchable.
    staff.goto("/document/209771/edit/")
    box = staff.get_by_label("Text", exact=True)
    text = box.input_value()
    assert "The Ambassador inquired where the new line would run." in text
    box.fill(text.replace("inquired where the new line would run", "asked where the Vladivostok line would run"))
    staff.get_by_label("Comment").fill("Vladivostok, as in the original telegram")
    staff.get_by_role("button", name="Save as draft").click()
    expect(staff.locator(".state")).to_contain_text("Draft")
    assert "209771" not in site.search_ids("Vladivostok")  # a draft is not public
    staff.get_by_role("button", name="Mark as reviewed").click()
    expect(staff.locator(".state")).to_contain_text("Reviewed")
    staff.get_by_role("button", name="Publish").click()
    expect(staff.locator(".staff-messages")).to_contain_text("Published")
    found_in = site.wait_until("the corrected words are searchable", lambda: "209771" in site.search_ids("Vladivostok"))
    print(f"corrected words searchable after {found_in:.2f} s")

    # Two volumes name the same person: merge the two authorities from the admin's likely duplicates.
    volumes = tmp_path / "shared-person"
    volumes.mkdir()
    for name in VOLUMES:
        (volumes / f"{name}.xml").write_text(shared_person_volume(name), encoding="utf-8")
    site.run("import", str(volumes))
    staff.goto("/admin/catalog/authority/duplicates/?kind=person")
    group = staff.locator("table", has_text="frus1944A-p_RFD1")
    group.locator("tr", has_text="frus1944A-p_RFD1").get_by_role("button").click()
    expect(staff.locator(".messagelist")).to_contain_text("erged")
    status, _t, _b = site.get("/person/frus1944B-p_RFD1/")
    assert status == 200  # urllib follows the 301 to the kept person
    assert urllib.request.urlopen(site.url + "/person/frus1944B-p_RFD1/").url.endswith("/person/frus1944A-p_RFD1/")
    site.wait_until("one of the two in the facets",
                    lambda: _person_facet(site, "Roosevelt", "p_RFD1") == ["frus1944A-p_RFD1"])

    # Restrict a record in the admin: gone from every public channel at once.
    restricted_id = "frus1944Quebec/d118"
    status, _t, body = site.get(f"/document/{restricted_id}.json")
    restricted_title = json.loads(body)["title"]
    _admin_change(staff, restricted_id)
    staff.select_option("#id_access_level", "staff")
    staff.click("input[name=_save]")
    expect(staff.locator(".messagelist")).to_contain_text("changed successfully")
    assert restricted_id not in site.search_ids("Offie OR Italy OR Quebec")

    # Re-import the volume with one document changed, while the server and its writer run.
    site.run("import", str(_changed_volume(tmp_path / "volume")))
    site.wait_until("the re-imported change is searchable",
                    lambda: "frus1944Quebec/d119" in site.search_ids("Quadrilateral reconsideration"))

    # New scans, read by OCR: their words become searchable without `readingroom index`.
    site.run("import", str(_new_scans(tmp_path / "scans")))
    site.run("ocr", "--all")
    site.wait_until("the OCR text is searchable", lambda: "day-two-scan" in site.search_ids("Pomeranian convoys"))

    screenshot(staff, "day-two-staff")
    assert errors == []

    # The public crawls everything.
    pages = _crawl(site)
    assert len(pages) > 30
    for path, (status, body) in pages.items():
        expected = {404} if restricted_id in path else {200}
        assert status in expected, f"{path} answered {status}"
        if status == 200:
            assert restricted_title not in body, f"{path} shows the restricted record's title"
            assert f"/document/{restricted_id}/" not in body, f"{path} links the restricted record"
    assert site.get(f"/document/{restricted_id}/")[0] == 404

    site.stop()
    log = site.log.read_text()
    assert not re.search(r"Traceback|Internal Server Error|\bERROR\b|PanicException|index writer: error", log), log[-3000:]
    assert "index writer: following the index queue" in log  # the writer that did the work above
