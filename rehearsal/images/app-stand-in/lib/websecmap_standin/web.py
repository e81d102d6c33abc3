"""`runuwsgi`: a plain page on 0.0.0.0:8000 by APPLICATION_MODE, where the app would run uWSGI.

As Django does, a Host outside ALLOWED_HOSTS gets 400. The frontend's page reads the database (the read-only
account) and may be cached by nginx (Cache-Control and Expires); the admin's and the interactive app's may not.
"""
import email.utils
import http.server
import os
import signal
import sys
import time

from . import database

PORT = 8000
CACHE_SECONDS = 60
MODES = ("frontend", "admin", "interactive")


class Handler(http.server.BaseHTTPRequestHandler):
    mode = os.environ.get("APPLICATION_MODE", "frontend")
    allowed = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]

    def do_GET(self):
        host = (self.headers.get("Host") or "").split(":")[0]
        if self.allowed and host not in self.allowed and host != "127.0.0.1":
            return self.reply(400, f"Bad Request: {host} is not in ALLOWED_HOSTS\n", cache=False)
        if self.mode == "frontend":
            body = f"Failmap stand-in frontend for {host}: {database.migrations_applied()} migrations applied\n"
            return self.reply(200, body, cache=True)
        return self.reply(200, f"Failmap stand-in {self.mode} for {host}\n", cache=False)

    def reply(self, status, body, cache):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        if cache:
            self.send_header("Cache-Control", f"public, max-age={CACHE_SECONDS}")
            self.send_header("Expires", email.utils.formatdate(time.time() + CACHE_SECONDS, usegmt=True))
        else:
            self.send_header("Cache-Control", "private, no-cache")
        self.end_headers()
        self.wfile.write(data)


def serve():
    if Handler.mode not in MODES:
        sys.exit(f"APPLICATION_MODE {Handler.mode!r} is not one of {', '.join(MODES)}")
    # As PID 1 nothing else ends the process on `docker stop`.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"websecmap stand-in: {Handler.mode} on :{PORT}", flush=True)
    http.server.ThreadingHTTPServer(("0.0.0.0", PORT), Handler).serve_forever()
