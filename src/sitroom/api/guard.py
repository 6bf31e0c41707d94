"""What every request and response goes through (a plain ASGI middleware):

- requests that change something (POST, PUT, PATCH, DELETE) from another site are refused
  (403): the ``Origin`` header (else the ``Referer``) must name this server or one of the
  configured ``origins``, and ``Sec-Fetch-Site: cross-site`` is refused;
- request bodies larger than ``max_body_bytes`` are refused (413) before they are read;
- every response carries the security headers: a strict Content-Security-Policy (no
  script but this server's files, none inline; ``frame-ancestors 'none'``), nosniff,
  ``X-Frame-Options: DENY``, ``Referrer-Policy: same-origin``, and ``Cache-Control:
  no-store`` on everything but the static files.
"""
from __future__ import annotations

import json
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sitroom.settings import Settings

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def content_security_policy(settings: Settings) -> str:
    img = "'self' data:"
    if settings.tiles:  # the configured tile server, its {s} subdomains as a wildcard
        parts = urlsplit(settings.tiles.replace("{s}", "*"))
        if parts.scheme in ("http", "https") and parts.netloc:
            img += f" {parts.scheme}://{parts.netloc}"
    return ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            f"img-src {img}; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            "frame-ancestors 'none'")


class _TooLarge(BaseException):  # not Exception: no handler on the way may turn it into a 400
    pass


class Guard:
    def __init__(self, app: ASGIApp, settings: Settings):
        self.app = app
        self.settings = settings
        self.max_body = settings.max_body_bytes
        self.origins = {o.lower().rstrip("/") for o in settings.origins}
        self.headers = [
            ("Content-Security-Policy", content_security_policy(settings)),
            ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "same-origin"),
            ("Cross-Origin-Opener-Policy", "same-origin"),
        ]
        if settings.cookie_secure:
            self.headers.append(("Strict-Transport-Security", "max-age=31536000"))

    def same_origin(self, headers: Headers) -> bool:
        if headers.get("sec-fetch-site") == "cross-site":
            return False
        host = (headers.get("host") or "").lower()
        for name in ("origin", "referer"):
            value = headers.get(name)
            if value is None:
                continue
            parts = urlsplit(value.strip().lower())
            origin = f"{parts.scheme}://{parts.netloc}"
            return bool(parts.netloc) and (parts.netloc == host or origin in self.origins)
        return True  # neither header: not a browser's cross-site request (a script, curl)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        static = path.startswith(("/static/", "/vendor/"))
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                h = MutableHeaders(scope=message)
                for k, v in self.headers:
                    h.setdefault(k, v)
                if not static:
                    h.setdefault("Cache-Control", "no-store")
            await send(message)

        async def refuse(status: int, detail: str) -> None:
            body = json.dumps({"detail": detail}).encode()
            await send_with_headers({"type": "http.response.start", "status": status, "headers": [
                (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})

        headers = Headers(scope=scope)
        if scope["method"] in UNSAFE and not self.same_origin(headers):
            await refuse(403, "cross-origin request refused")
            return
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await refuse(413, f"request body over {self.max_body} bytes")
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send_with_headers)
        except _TooLarge:
            if not started:
                await refuse(413, f"request body over {self.max_body} bytes")
