"""Secure defaults as a deployer meets them, in real processes: the secret key the first command writes,
`serve` refusing a development key, `check --deploy` with README's production settings, and the real
server behind a (simulated) TLS-terminating proxy, before and after a restart."""

from __future__ import annotations

import http.client
import os
import re
import stat
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

from readingroom import secret_key
from tests.conftest import free_port

# On PostgreSQL each test's processes store into a database of their own, as each data directory does.
pytestmark = pytest.mark.usefixtures("process_database")

REPO = Path(__file__).resolve().parents[1]


def environment(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("READINGROOM_") and k != "DJANGO_SETTINGS_MODULE"}
    return {**env, "READINGROOM_DATA_DIR": str(data_dir), "PYTHONPATH": str(REPO / "src"), **extra}


def run(data_dir: Path, args: list[str], **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=environment(data_dir, **extra),
                          timeout=300, cwd=data_dir.parent, preexec_fn=lambda: os.umask(0))  # the loosest umask


def cli(data_dir: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    return run(data_dir, ["-m", "readingroom.cli", *args], **extra)


def settings_key(data_dir: Path, **extra: str) -> str:
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    result = run(data_dir, ["-c", code], DJANGO_SETTINGS_MODULE="readingroom.settings", **extra)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def production_settings() -> dict[str, str]:
    """The variables README's "production settings" block exports: what is documented is what is tested."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n# production settings\n(.*?)```", readme, re.S)
    assert block, "README.md has no production settings block"
    pairs = dict(re.findall(r"^export (READINGROOM_\w+)=(\S+)$", block.group(1), re.M))
    assert len(pairs) == len(block.group(1).strip().splitlines())
    return pairs


def test_the_first_command_writes_a_key_for_the_owner_only_and_keeps_it(tmp_path):
    data = tmp_path / "data"
    assert cli(data, "init").returncode == 0
    key_file = data / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600  # even under umask 0
    key = key_file.read_text().strip()
    assert len(key) >= 50 and secret_key.weakness(key) is None
    assert settings_key(data) == key  # every later process reads it
    assert cli(data, "init").returncode == 0
    assert key_file.read_text().strip() == key  # written once
    assert settings_key(data, READINGROOM_SECRET_KEY="k" * 60) == "k" * 60  # the variable wins

    other = tmp_path / "other"
    assert cli(other, "export", "-o", str(tmp_path / "out.jsonl")).returncode == 0  # any command makes one
    assert (other / "secret_key").read_text().strip() not in {"", key}


def test_a_lost_or_empty_key_file_is_written_again(tmp_path):
    data = tmp_path / "data"
    assert cli(data, "init").returncode == 0
    (data / "secret_key").write_text("")  # a crash between creating and writing it
    assert settings_key(data) == secret_key.DEVELOPMENT_KEY
    assert cli(data, "init").returncode == 0
    assert secret_key.weakness(settings_key(data)) is None
    (data / "secret_key").unlink()
    assert cli(data, "init").returncode == 0
    assert secret_key.weakness(settings_key(data)) is None
    assert list(data.glob(".secret_key*")) == []  # nothing left aside


@pytest.mark.parametrize("key", [secret_key.DEVELOPMENT_KEY, "short-key"])
def test_serve_refuses_a_development_or_weak_key_unless_debug(tmp_path, key):
    import socket

    data = tmp_path / "data"
    result = cli(data, "serve", "--port", str(free_port()), READINGROOM_SECRET_KEY=key)
    assert result.returncode == 1
    assert result.stderr.startswith("readingroom: error: the secret key is ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    # With DEBUG on it goes past the key to the next step: here a busy port, so nothing keeps running.
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = cli(data, "serve", "--port", str(port), READINGROOM_SECRET_KEY=key, READINGROOM_DEBUG="1")
    assert result.returncode == 1 and "cannot listen on" in result.stderr


def test_a_bad_setting_is_one_line(tmp_path):
    result = cli(tmp_path / "data", "init", READINGROOM_HSTS_SECONDS="one year")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() == ("readingroom: error: ImproperlyConfigured: READINGROOM_HSTS_SECONDS must be "
                                     "a whole number of 0 or more, not 'one year'")
    result = cli(tmp_path / "data", "init", READINGROOM_CSRF_TRUSTED_ORIGINS="archive.example.org")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "e.g. https://archive.example.org" in result.stderr and result.stderr.count("\n") == 1


def test_check_deploy_passes_with_the_documented_production_settings(tmp_path):
    data = tmp_path / "data"
    assert cli(data, "init").returncode == 0
    command = ["-m", "django", "check", "--deploy", "--fail-level", "WARNING"]
    result = run(data, command, DJANGO_SETTINGS_MODULE="readingroom.settings", **production_settings())
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout and "WARNING" not in result.stderr
    # The control: the plain-HTTP defaults are what it warns about.
    result = run(data, command, DJANGO_SETTINGS_MODULE="readingroom.settings")
    assert result.returncode == 1
    for warning in ["security.W004", "security.W008", "security.W012", "security.W016"]:
        assert warning in result.stderr


class Proxied:
    """Requests to the real server as the TLS-terminating proxy in front of it would send them."""

    def __init__(self, port: int, host: str) -> None:
        self.port, self.host, self.cookies = port, host, SimpleCookie()

    def request(self, method: str, path: str, https: bool = True, form: dict | None = None):
        headers = {"Host": self.host, "X-Forwarded-For": "203.0.113.7"}
        if https:
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers.update({"Content-Type": "application/x-www-form-urlencoded", "Origin": f"https://{self.host}",
                            "Referer": f"https://{self.host}{path}"})
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.text = response.read().decode(errors="replace")
        finally:
            connection.close()
        raw_cookies = response.headers.get_all("Set-Cookie") or []
        for raw in raw_cookies:
            self.cookies.load(raw)
        response.raw_cookies = raw_cookies
        return response


def start_server(data: Path, env: dict[str, str], port: int, log: Path, workers: int) -> subprocess.Popen:
    server = subprocess.Popen([sys.executable, "-m", "readingroom.cli", "serve", "--port", str(port),
                               "--workers", str(workers), "--no-index-writer"], env=env, stdout=log.open("a"), stderr=subprocess.STDOUT,
                              start_new_session=True)
    for _ in range(150):
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            try:
                probe.request("GET", "/robots.txt")
                probe.getresponse().read()
                return server
            finally:
                probe.close()
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.2)
    stop_server(server)
    raise AssertionError(f"the server did not start: {log.read_text()[-2000:]}")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)


@pytest.mark.parametrize("workers", [1, 2])  # waitress, gunicorn
def test_behind_a_proxy_https_is_enforced_and_sessions_survive_a_restart(tmp_path, workers):
    data = tmp_path / "data"
    production = production_settings()
    host = production["READINGROOM_ALLOWED_HOSTS"]
    env = environment(data, **production, DJANGO_SUPERUSER_PASSWORD="a-long-password")
    created = subprocess.run([sys.executable, "-m", "readingroom.cli", "init"], env=env, capture_output=True, text=True)
    assert created.returncode == 0, created.stderr
    made = subprocess.run([sys.executable, "-m", "django", "createsuperuser", "--noinput", "--username", "staff",
                           "--email", "staff@example.org"], env={**env, "DJANGO_SETTINGS_MODULE": "readingroom.settings"},
                          capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    port, log = free_port(), tmp_path / "server.log"
    server = start_server(data, env, port, log, workers)
    browser = Proxied(port, host)
    try:
        plain = browser.request("GET", "/", https=False)
        assert plain.status == 301 and plain.headers["Location"] == f"https://{host}/"
        page = browser.request("GET", "/")
        assert page.status == 200
        assert page.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
        login = browser.request("GET", "/admin/login/?next=/admin/")
        assert login.status == 200
        assert all("; Secure" in c for c in login.raw_cookies) and login.raw_cookies
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
        signed_in = browser.request("POST", "/admin/login/?next=/admin/", form={
            "csrfmiddlewaretoken": token, "username": "staff", "password": "a-long-password", "next": "/admin/"})
        assert signed_in.status == 302, signed_in.text[:500]
        assert any(c.startswith("sessionid=") and "; Secure" in c and "HttpOnly" in c for c in signed_in.raw_cookies)
        assert browser.request("GET", "/admin/").status == 200

        # Day two: the server restarts; the key it reads from the data directory is the same, so the
        # session signed before still holds.
        stop_server(server)
        server = start_server(data, env, port, log, workers)
        admin = browser.request("GET", "/admin/")
        assert admin.status == 200 and "Log out" in admin.text
    finally:
        stop_server(server)


def test_every_setting_from_the_environment_is_in_the_readme_table():
    settings_source = (REPO / "src" / "readingroom" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r"(?:environ\.get|_bool|_int)\(\"(READINGROOM_\w+)\"", settings_source))
    documented = set(re.findall(r"^\| `(READINGROOM_\w+)` \|", (REPO / "README.md").read_text(encoding="utf-8"), re.M))
    assert read and read - documented == set()
