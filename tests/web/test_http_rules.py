"""Rules every route follows, checked where they matter: HEAD without a body on a real `readingroom serve`
(waitress, and gunicorn with --workers 2) over one kept-alive connection, and signed-in responses that no
cache keeps and no other site reads."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model

from tests.conftest import free_port, own_process_database

REPO = Path(__file__).resolve().parents[2]
# Builds the web tests' sample archive (public and restricted records, scans) in a served data directory.
BUILD = """
import json, django
django.setup()
from tests import builders
archive = builders.sample_archive()
print(json.dumps({"page": archive.page.pk, "restricted_page": archive.restricted_page.pk}))
"""


class Served:
    def __init__(self, data: Path, workers: int) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "READINGROOM_DATA_DIR": str(data), "READINGROOM_BASE_URL": self.url,
                    "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)]),
                    "DJANGO_SETTINGS_MODULE": "readingroom.settings"}
        run = dict(env=self.env, cwd=data.parent, capture_output=True, text=True, timeout=300)
        assert subprocess.run([sys.executable, "-m", "readingroom.cli", "init"], **run).returncode == 0
        built = subprocess.run([sys.executable, "-c", BUILD], **run)
        assert built.returncode == 0, built.stderr[-2000:]
        self.pages = json.loads(built.stdout.strip().splitlines()[-1])
        self.log = (data.parent / f"serve-{workers}.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "readingroom.cli", "serve", "--port", str(self.port), "--workers", str(workers)],
            env=self.env, cwd=data.parent, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                self.connection().request("GET", "/robots.txt")
                return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("the server did not answer")

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()


@pytest.fixture(scope="module", params=[1, 2], ids=["waitress", "gunicorn-2-workers"])
def served(request, tmp_path_factory):
    with own_process_database():
        site = Served(tmp_path_factory.mktemp("served") / "data", request.param)
        yield site
        site.stop()


def head_routes(pages: dict[str, int]) -> list[str]:
    page = pages["page"]
    return ["/robots.txt", f"/scan/{page}/original", f"/iiif/image/{page}/full/200,/0/default.jpg",
            f"/iiif/image/{page}/info.json", "/document/209771/", "/document/209771.json", "/sitemap.xml",
            "/static/readingroom/site.css", "/browse/", "/person/person-stalin-joseph/", "/no-such-page/",
            f"/scan/{pages['restricted_page']}/original"]


def test_head_has_no_body_and_the_connection_goes_on(served):
    connection = served.connection()
    for path in head_routes(served.pages):
        connection.request("GET", path)
        got = connection.getresponse()
        body = got.read()
        connection.request("HEAD", path)
        head = connection.getresponse()
        assert head.read() == b""
        assert head.status == got.status, path
        assert head.getheader("Content-Type") == got.getheader("Content-Type"), path
        if not path.startswith(("/document/", "/person/", "/browse/")):
            # The length a GET has (pages are left out: "more like this" appears once the index is built).
            assert head.getheader("Content-Length") == str(len(body)), path
        # The next request on the same connection reads its own response, not the HEAD's leftovers.
        connection.request("GET", "/robots.txt")
        following = connection.getresponse()
        assert following.status == 200 and following.read().startswith(b"User-agent: *"), path
    # HEAD then POST (the order the issue saw failing), then a GET, on the same connection still.
    connection.request("HEAD", f"/scan/{served.pages['page']}/original")
    assert connection.getresponse().read() == b""
    connection.request("POST", "/search/", body=b"q=Stalin", headers={"Content-Type": "application/x-www-form-urlencoded"})
    posted = connection.getresponse()
    posted.read()
    assert posted.status in (403, 405)  # no CSRF token: refused, but as a whole response
    connection.request("GET", "/robots.txt")
    assert connection.getresponse().read().startswith(b"User-agent: *")
    connection.close()


def test_head_after_the_server_was_restarted(served):
    """Day two: a web server child killed and replaced by the supervisor answers HEAD the same way."""
    web = next(pid for pid in _children(served.process.pid)
               if b"readingroom.web.server" in Path(f"/proc/{pid}/cmdline").read_bytes())
    os.kill(web, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = served.connection()
            connection.request("HEAD", f"/scan/{served.pages['page']}/original")
            head = connection.getresponse()
            assert head.read() == b"" and head.status == 200
            connection.request("GET", "/robots.txt")
            assert connection.getresponse().read().startswith(b"User-agent: *")
            connection.close()
            return
        except (OSError, http.client.HTTPException):
            time.sleep(0.3)
    raise AssertionError("no answer after the restart")


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue  # the process ended while we looked
    return found


@pytest.mark.django_db
def test_signed_in_responses_are_private_and_public_iiif_stays_cacheable(client, archive):
    public_image = f"/iiif/image/{archive.page.pk}/full/200,/0/default.jpg"
    restricted_image = f"/iiif/image/{archive.restricted_page.pk}/full/200,/0/default.jpg"
    anonymous = client.get(public_image)
    assert anonymous.status_code == 200
    assert anonymous["Cache-Control"] == "public, max-age=86400" and anonymous["Access-Control-Allow-Origin"] == "*"
    assert client.get(f"/iiif/image/{archive.page.pk}/info.json")["Access-Control-Allow-Origin"] == "*"
    assert client.get(restricted_image).status_code == 404

    client.force_login(get_user_model().objects.create_user("archivist", password="x", is_staff=True))
    for url in (restricted_image, f"/iiif/image/{archive.restricted_page.pk}/info.json",
                f"/scan/{archive.restricted_page.pk}/original", "/document/restricted-1/",
                "/document/restricted-1.json", "/iiif/209771/manifest.json", public_image, "/search.json?q=Stalin"):
        response = client.get(url)
        assert response.status_code in (200, 503), url  # 503: search without an index, still private
        assert response["Cache-Control"] == "private, no-store", url
        assert not response.has_header("Access-Control-Allow-Origin"), url

    # Signed out again: public caching and CORS come back, and the restricted image is gone.
    client.logout()
    again = client.get(public_image)
    assert again["Cache-Control"] == "public, max-age=86400" and again["Access-Control-Allow-Origin"] == "*"
    assert client.get(restricted_image).status_code == 404


RESTRICT = """
import django
django.setup()
from readingroom.catalog.models import Record
record = Record.objects.get(public_id="209771")
record.access_level = "staff"
record.save()
"""


def _sitemap_urls(site: Served) -> list[str]:
    connection = site.connection()
    connection.request("GET", "/sitemap.xml")
    urls = []
    for part in re.findall(r"<loc>([^<]+)</loc>", connection.getresponse().read().decode()):
        connection.request("GET", urlsplit(part).path)
        urls += re.findall(r"<loc>([^<]+)</loc>", connection.getresponse().read().decode())
    connection.close()
    return urls


def test_the_served_sitemap_follows_a_change_another_process_made(served):
    """Parts are kept as files for every server process; a record restricted by another process (an
    import, the admin on another worker) leaves every worker's sitemap at once."""
    seed = f"{served.url}/document/209771/"
    for _ in range(3):  # several requests: with gunicorn, more than one worker answers
        assert seed in _sitemap_urls(served)
    changed = subprocess.run([sys.executable, "-c", RESTRICT], env=served.env, capture_output=True, text=True,
                             timeout=120)
    assert changed.returncode == 0, changed.stderr[-2000:]
    for _ in range(3):
        assert seed not in _sitemap_urls(served)


@pytest.mark.parametrize(("path", "json_answer"), [
    ("/collection/%00/", False), ("/collection/x%00y.json", True),
    ("/api/collections/%00", True)])
def test_an_address_holding_a_nul_character_is_refused(client, archive, path, json_answer):
    # PostgreSQL's text cannot hold NUL: without the refusal these were server errors there (not on SQLite).
    response = client.get(path)
    assert response.status_code == 400, (path, response.status_code)
    assert response["Content-Type"].startswith("application/json" if json_answer else "text/plain")


@pytest.mark.parametrize("path", ["/browse/people/?q=Sta%00lin", "/browse/places.json?q=%00",
                                  "/api/records?cursor=%00", "/collection/frus1943CairoTehran/?page=1%00"])
def test_a_nul_character_in_a_parameter_is_dropped(client, archive, path):
    response = client.get(path)
    assert response.status_code in (200, 404), (path, response.status_code)
    if path.startswith("/browse/people/"):
        assert "Stalin" in response.content.decode()


def test_oai_pmh_refuses_a_nul_character_in_its_own_words(client, archive):
    response = client.get("/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai%3Atestserver%3A%00")
    assert response.status_code == 200 and b'code="badArgument"' in response.content
