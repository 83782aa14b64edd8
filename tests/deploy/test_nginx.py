"""deploy/nginx/folio.conf passes `nginx -t` with a real certificate in place of certbot's."""

from __future__ import annotations

import http.client
import json
import re
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.deploy.conftest import DEPLOY, output, run, tool

SITE = DEPLOY / "nginx" / "folio.conf"
LIVE = "/etc/letsencrypt/live/folio.example.com"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate and key for folio.example.com, made by the openssl CLI."""
    where = tmp_path_factory.mktemp("tls")
    cert, key = where / "fullchain.pem", where / "privkey.pem"
    result = run(tool("openssl", "openssl"), "req", "-x509", "-newkey", "ec",
                 "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                 "-keyout", str(key), "-out", str(cert), "-days", "2",
                 "-subj", "/CN=folio.example.com")
    assert result.returncode == 0, output(result)
    return cert, key


def nginx_conf(tmp_path: Path, site: str) -> Path:
    """A minimal nginx.conf that includes ``site``, with every writable path in tmp_path."""
    (tmp_path / "site.conf").write_text(site, encoding="utf-8")
    temp = "\n".join(f"    {kind}_temp_path {tmp_path / kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"""pid {tmp_path / "nginx.pid"};
error_log {tmp_path / "error.log"};
events {{}}
http {{
    access_log off;
{temp}
    include {tmp_path / "site.conf"};
}}
""", encoding="utf-8")
    return conf


def test_it_names_certbots_certificate_paths() -> None:
    text = SITE.read_text(encoding="utf-8")
    assert f"ssl_certificate     {LIVE}/fullchain.pem;" in text
    assert f"ssl_certificate_key {LIVE}/privkey.pem;" in text


def test_nginx_accepts_it(tmp_path: Path, certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    site = (SITE.read_text(encoding="utf-8")
            .replace(f"{LIVE}/fullchain.pem", str(cert))
            .replace(f"{LIVE}/privkey.pem", str(key)))
    conf = nginx_conf(tmp_path, site)
    result = run(tool("nginx", "nginx"), "-t", "-c", str(conf), "-p", str(tmp_path))
    assert result.returncode == 0, output(result)
    assert "test is successful" in result.stderr


def test_nginx_rejects_a_missing_certificate(tmp_path: Path) -> None:
    """The test above proves something: without the certificate nginx -t fails."""
    site = SITE.read_text(encoding="utf-8").replace(LIVE, str(tmp_path / "nowhere"))
    result = run(tool("nginx", "nginx"), "-t", "-c", str(nginx_conf(tmp_path, site)),
                 "-p", str(tmp_path))
    assert result.returncode != 0
    assert "nowhere" in result.stderr


def test_the_full_config_has_what_folio_needs(tmp_path: Path,
                                                certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    site = (SITE.read_text(encoding="utf-8")
            .replace(f"{LIVE}/fullchain.pem", str(cert))
            .replace(f"{LIVE}/privkey.pem", str(key)))
    result = run(tool("nginx", "nginx"), "-T", "-c", str(nginx_conf(tmp_path, site)),
                 "-p", str(tmp_path))
    assert result.returncode == 0, output(result)
    dump = result.stdout
    assert re.search(r"return 301 https://\$host\$request_uri;", dump)
    for header in ("X-Forwarded-For $proxy_add_x_forwarded_for", "X-Forwarded-Proto $scheme",
                   "Host $host"):
        assert f"proxy_set_header {header};" in dump
    assert "client_max_body_size 25m;" in dump
    assert "gzip on;" in dump
    assert re.search(r"location /static/ \{[^}]*expires 1d;", dump)
    assert re.search(r"location = /metrics \{\s*return 404;", dump)
    assert "server 127.0.0.1:8000;" in dump


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Upstream(BaseHTTPRequestHandler):
    """Stands in for Folio: answers every request with the headers nginx sent it."""

    def do_GET(self) -> None:
        body = json.dumps({"path": self.path, "headers": dict(self.headers)}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory,
          certificate: tuple[Path, Path]) -> Iterator[tuple[int, int]]:
    """nginx serving the site on free ports in front of a stand-in app; (http, https) ports."""
    nginx = tool("nginx", "nginx")
    tmp_path = tmp_path_factory.mktemp("nginx")
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    http_port, https_port = _free_port(), _free_port()
    cert, key = certificate
    site = (SITE.read_text(encoding="utf-8")
            .replace(f"{LIVE}/fullchain.pem", str(cert))
            .replace(f"{LIVE}/privkey.pem", str(key))
            .replace("127.0.0.1:8000", f"127.0.0.1:{upstream.server_address[1]}")
            .replace("listen 80;", f"listen 127.0.0.1:{http_port};")
            .replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"))
    site = re.sub(r"\n\s*listen \[::\]:\d+[^;]*;", "", site)
    conf = nginx_conf(tmp_path, site)
    server = subprocess.Popen([nginx, "-c", str(conf), "-p", str(tmp_path), "-g", "daemon off;"],
                              stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=0.2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    errors = server.stderr.read() if server.stderr else ""
                    pytest.fail(f"nginx did not start: {errors}")
                time.sleep(0.05)
        yield http_port, https_port
    finally:
        server.terminate()
        server.wait(timeout=10)
        upstream.shutdown()


def _https(port: int, method: str, path: str,
           headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=10)
    try:
        conn.request(method, path, headers={"Host": "folio.example.com", **(headers or {})})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_plain_http_is_sent_to_https(proxy: tuple[int, int]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", proxy[0], timeout=10)
    conn.request("GET", "/books?x=1", headers={"Host": "folio.example.com"})
    response = conn.getresponse()
    assert response.status == 301
    assert response.getheader("Location") == "https://folio.example.com/books?x=1"


def test_the_app_hears_who_asked_and_how(proxy: tuple[int, int]) -> None:
    status, headers, body = _https(proxy[1], "GET", "/books",
                                   {"X-Forwarded-For": "198.51.100.9"})
    assert status == 200
    seen = json.loads(body)["headers"]
    assert seen["X-Forwarded-Proto"] == "https"
    assert seen["X-Forwarded-For"] == "198.51.100.9, 127.0.0.1"
    assert seen["Host"] == "folio.example.com"
    assert len(seen["X-Request-ID"]) == 32
    assert headers["Strict-Transport-Security"].startswith("max-age=")


def test_static_files_are_cacheable(proxy: tuple[int, int]) -> None:
    status, headers, _ = _https(proxy[1], "GET", "/static/folio.css")
    assert status == 200
    assert headers["Cache-Control"] == "max-age=86400"
    assert "Strict-Transport-Security" in headers


def test_metrics_are_not_served_to_the_internet(proxy: tuple[int, int]) -> None:
    status, _, _ = _https(proxy[1], "GET", "/metrics")
    assert status == 404


def test_an_upload_over_25_megabytes_is_refused(proxy: tuple[int, int]) -> None:
    status, _, _ = _https(proxy[1], "POST", "/upload", {"Content-Length": str(26 * 1024 * 1024)})
    assert status == 413


def test_a_clients_request_id_is_kept(proxy: tuple[int, int]) -> None:
    _, _, body = _https(proxy[1], "GET", "/", {"X-Request-ID": "trace-42"})
    assert json.loads(body)["headers"]["X-Request-ID"] == "trace-42"
