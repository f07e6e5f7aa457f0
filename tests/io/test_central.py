"""Pulling submissions from ODK Central with pyodk, against recorded responses served on loopback (no
Central server is reachable here): login, the paged OData table with repeats expanded, and failures."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, urlparse

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from labourwatch import api
from labourwatch.cli import cli
from labourwatch.io import central
from labourwatch.io.readers import InputError
from tests.io import fixtures as fx

RECORDED = Path(__file__).parents[1] / "data" / "central"
TABLE = f"/v1/projects/4/forms/{fx.FORM_ID}.svc/Submissions"


class Central(BaseHTTPRequestHandler):
    requests: ClassVar[list[tuple[str, str, dict]]] = []

    def log_message(self, *args):  # keep the test output quiet
        pass

    def _send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.requests.append(("POST", self.path, body))
        if self.path == "/v1/sessions" and body == {"email": "field@example.org", "password": "secret"}:
            return self._send(200, json.loads((RECORDED / "session.json").read_text()))
        return self._send(401, {"code": 401.2, "message": "Could not authenticate with the provided credentials."})

    def do_GET(self):
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        self.requests.append(("GET", url.path, query))
        token = json.loads((RECORDED / "session.json").read_text())["token"]
        if self.headers.get("Authorization") != f"Bearer {token}":
            return self._send(401, {"code": 401.2, "message": "Could not authenticate"})
        if url.path == "/v1/users/current":
            return self._send(200, {"id": 7, "type": "user", "displayName": "Field team"})
        if url.path == TABLE and query.get("$expand") == "*":
            page = 1 if query.get("$skip", "0") == "0" else 2
            return self._send(200, json.loads((RECORDED / f"submissions-page{page}.json").read_text(encoding="utf-8")))
        return self._send(404, {"code": 404.1, "message": "Could not find the resource you were looking for."})


@pytest.fixture
def server(tmp_path, monkeypatch):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Central)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    Central.requests = []
    config = tmp_path / "pyodk_config.toml"
    config.write_text(
        "[central]\n"
        f'base_url = "http://127.0.0.1:{httpd.server_address[1]}"\n'
        'username = "field@example.org"\npassword = "secret"\ndefault_project_id = 4\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("PYODK_CACHE_FILE", str(tmp_path / "pyodk_cache.toml"))
    monkeypatch.setattr(central, "PAGE", 3)  # the recording has two pages of three
    yield config
    httpd.shutdown()


def test_a_pull_reads_every_page_with_repeats_and_imports_like_an_export(tmp_path, server):
    pulled = api.pull_central(fx.FORM_ID, config=server)
    assert pulled.records.num_rows == 5 and pulled.repeats["payments"].num_rows == 6
    gets = [q for method, path, q in Central.requests if method == "GET" and path == TABLE]
    assert [(q["$skip"], q["$top"]) for q in gets] == [("0", "3"), ("3", "3")]
    result = api.import_submissions(pulled, tmp_path / "d.parquet")
    exported = api.import_submissions(fx.odata_json(tmp_path / "x.json"), tmp_path / "e.parquet")
    assert (
        pq.read_table(result.path)
        .drop_columns(_raw(result.path))
        .equals(pq.read_table(exported.path).drop_columns(_raw(exported.path)))
    )


def _raw(path):
    return [c for c in pq.read_table(path).column_names if c.startswith("raw:")]


def test_cli_pulls_with_central_and_a_second_pull_adds_nothing(tmp_path, server):
    args = ["import", "--central", fx.FORM_ID, "--pyodk-config", str(server), "-o", str(tmp_path / "d.parquet")]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    again = CliRunner().invoke(cli, args)
    assert "Imported 0 records" in again.output and "5 already there" in again.output


def test_wrong_credentials_are_a_clear_message(tmp_path, server):
    server.write_text(server.read_text().replace('"secret"', '"wrong"'), encoding="utf-8")
    message = f"Could not pull form {fx.FORM_ID} from ODK Central: The login request failed"
    with pytest.raises(InputError, match=message):
        api.pull_central(fx.FORM_ID, config=server)
    result = CliRunner().invoke(cli, ["import", "--central", "nope", "--pyodk-config", str(server), "-o", "x.parquet"])
    assert result.exit_code != 0 and "Traceback" not in result.output
