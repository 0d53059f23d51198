"""A few of zou's routes on the loopback interface, for the refusals a real server can't be made to
show on demand (an old version, a server that is not Kitsu). tests/slow/ runs the real zou."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

PASSWORD = "correct horse battery"


class KitsuStub:
    def __init__(self, version: str = "1.0.97", api: str = "Zou", projects=("Trailer",)):
        self.version, self.api, self.projects = version, api, projects
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status: int, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlparse(self.path)
                if url.path in ("/api", "/api/"):
                    if stub.api is None:
                        self._answer(404, {"error": "not found"})
                    else:
                        self._answer(200, {"api": stub.api, "version": stub.version})
                elif url.path == "/api/data/projects/open":
                    self._answer(200, [{"id": f"p{i}", "name": n} for i, n in enumerate(stub.projects)])
                elif url.path == "/api/data/task-status":
                    short = parse_qs(url.query).get("short_name", [""])[0]
                    self._answer(200, [{"id": f"s-{short}", "short_name": short}])
                else:
                    self._answer(200, [])

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                if self.path == "/api/auth/login":
                    if body.get("password") == PASSWORD:
                        self._answer(200, {"login": True, "access_token": "a", "refresh_token": "r", "user": {}})
                    else:
                        self._answer(400, {"login": False, "message": "Wrong password"})
                else:
                    self._answer(404, {})

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
