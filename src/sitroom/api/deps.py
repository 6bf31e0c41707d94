"""Who may do what, in one place: the store and its cached picture, the current user,
the roles a route needs, CSRF, login with its rate limit, and the write services. The
API router and the page router both declare what they need from here (FastAPI
dependencies) instead of checking it by hand.

- ``reader``: anyone, or only a logged-in user when the store is private;
- ``analyst``: a user with the analyst or admin role (the audit log, archived originals);
- ``reviewer``: an analyst whose credentials may write (not a read-scoped API key), and,
  when the credentials are the web app's cookie, the session's CSRF token;
- ``record_review`` / ``record_fact_review``: the one way a decision is made.
"""
from __future__ import annotations

import dataclasses
import hmac
import secrets
import threading
import time
from typing import Any
from urllib.parse import parse_qs

from fastapi import Depends, HTTPException, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.security import APIKeyCookie, HTTPBearer
from limits import parse as parse_rate
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from pydantic import ValidationError

from sitroom.api.schemas import ErrorOut, IncidentReviewIn, ReviewOut
from sitroom.fuse import picture, review
from sitroom.settings import Settings
from sitroom.store.db import Review, Store, StoreError, User

SESSION_COOKIE = "sitroom_session"
CSRF_COOKIE = "sitroom_csrf"      # before login: the login form's token (double submit)
CSRF_HEADER = "X-CSRF-Token"      # a script using the cookie sends the session's token here
CSRF_FIELD = "csrf"               # every form's hidden field


# ---------------------------------------------------------------- the store and its picture

class Views:
    """The store and its cached pictures (one per collection), read once per state of the
    store: a picture is read from the stored incidents, never fused on a read."""

    def __init__(self, store: Store):
        self.store = store
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._views: dict[str | None, tuple[picture.Picture, picture.Picture]] = {}
        self._derived: dict[tuple, object] = {}

    def derived(self, name: str, collection: str | None, fn):
        """A view computed from the picture of ``collection`` (``fn(picture)``, e.g. the
        comparison of sources), kept as long as the picture is."""
        pic = self.picture(collection=collection)
        with self._lock:
            hit = self._derived.get((name, collection))
            if hit is not None and hit[0] is pic:
                return hit[1]
        value = fn(pic)
        with self._lock:
            if len(self._derived) > 64:
                self._derived.clear()
            self._derived[(name, collection)] = (pic, value)
        return value

    def picture(self, everything: bool = False, collection: str | None = None) -> picture.Picture:
        """The picture of ``collection`` (all when None; ``everything``: with rejected
        incidents); the usual view is the full one less what analysts rejected."""
        key = self.store.fingerprint()
        with self._lock:
            if key != self._key:
                self._views, self._derived, self._key = {}, {}, key
            if collection not in self._views:
                full = picture.build(self.store, include_rejected=True, collection=collection)
                kept = dataclasses.replace(full, incidents=[i for i in full.incidents if not i.rejected])
                if len(self._views) > 32:  # many collections asked for: keep memory bounded
                    self._views.clear()
                self._views[collection] = (full, kept)
            return self._views[collection][0] if everything else self._views[collection][1]

    def invalidate(self) -> None:
        with self._lock:
            self._views, self._derived = {}, {}
            self._key = None


class LoginLimiter:
    """Failed logins per client address and name, and per address (a moving window, in
    this process's memory); a success clears the name's count."""

    def __init__(self, settings: Settings):
        self.per_name = parse_rate(settings.login_rate)
        self.per_address = parse_rate(settings.login_rate_address)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def retry_after(self, address: str, name: str) -> int | None:
        """Seconds to wait before the next try, or None if a try is allowed now."""
        waits = []
        for item, ids in ((self.per_name, ("login", address, name)), (self.per_address, ("login-address", address))):
            if not self.limiter.test(item, *ids):
                waits.append(self.limiter.get_window_stats(item, *ids).reset_time - time.time())
        return max(1, int(max(waits)) + 1) if waits else None

    def failed(self, address: str, name: str) -> None:
        self.limiter.hit(self.per_name, "login", address, name)
        self.limiter.hit(self.per_address, "login-address", address)

    def succeeded(self, address: str, name: str) -> None:
        self.limiter.clear(self.per_name, "login", address, name)


@dataclasses.dataclass
class Services:
    store: Store
    views: Views
    settings: Settings
    limiter: LoginLimiter


def services(request: Request) -> Services:
    return request.app.state.services


# ---------------------------------------------------------------- errors

def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the errors a route may answer (all {"detail": "..."})."""
    said = {400: "A body that is not JSON (or not UTF-8)", 401: "Not logged in, or the session or key has expired",
            403: "Not allowed for this user, this key's scope, or without the CSRF token",
            404: "No such thing (or a thing the body names is not there)",
            409: "The change would leave the record inconsistent", 413: "Request body too large",
            429: "Too many failed logins: wait Retry-After seconds"}
    out: dict[int | str, dict[str, Any]] = {}
    for c in codes:
        # the content type said outright: a route answering text/plain still errs in JSON
        out[c] = {"description": said[c], "content": {"application/json": {"schema": ErrorOut.model_json_schema()}}}
        if c == 429:
            out[c]["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}}
        if c == 401:
            out[c]["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
    return out


def unauthorized(message: str = "log in first") -> HTTPException:
    return HTTPException(401, message, headers={"WWW-Authenticate": "Bearer"})


def invalid(loc: tuple, message: str, value: object = None) -> RequestValidationError:
    """A 422 naming the field, in the shape of FastAPI's own."""
    return RequestValidationError([{"type": "value_error", "loc": loc, "msg": message, "input": value}])


def from_validation(exc: ValidationError | ValueError, prefix: tuple) -> RequestValidationError:
    if isinstance(exc, ValidationError):
        return RequestValidationError([{"type": e["type"], "loc": prefix + tuple(e["loc"]), "msg": e["msg"],
                                        "input": e.get("input")} for e in exc.errors(include_url=False)])
    return invalid(prefix, str(exc))


# ---------------------------------------------------------------- who is asking

# For the OpenAPI description of the routes that need credentials; the values are read
# by ``current_user`` below.
bearer_scheme = HTTPBearer(auto_error=False, scheme_name="token",
                           description="A session token from POST /api/login, or an API key (`sitroom users key`)")
cookie_scheme = APIKeyCookie(name=SESSION_COOKIE, auto_error=False, scheme_name="cookie",
                             description=f"The web app's session; writes also need the {CSRF_HEADER} header")


def current_user(request: Request, svc: Services = Depends(services)) -> User | None:
    """The user of the request's bearer token (a session or an API key) or session cookie."""
    if hasattr(request.state, "user"):
        return request.state.user
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        token, via = auth[7:].strip(), "bearer"
    else:
        token, via = request.cookies.get(SESSION_COOKIE), "cookie"
    s = svc.settings
    user = svc.store.user_for(token, idle_seconds=s.session_idle_seconds, max_seconds=s.session_max_seconds)
    request.state.user, request.state.via, request.state.token = user, via if user else None, token if user else None
    return user


def reader(user: User | None = Depends(current_user), svc: Services = Depends(services)) -> User | None:
    if svc.settings.private and user is None:
        raise unauthorized("this store is private: log in first")
    return user


def analyst(user: User | None = Depends(current_user), _t=Security(bearer_scheme),
            _c=Security(cookie_scheme)) -> User:
    if user is None:
        raise unauthorized("log in as an analyst first")
    if not user.is_analyst:
        raise HTTPException(403, f"{user.name} is a {user.role}: only analysts and admins may see this")
    return user


async def form_fields(request: Request) -> dict[str, str]:
    """A url-encoded form's fields (the last value of each), read once per request."""
    if not hasattr(request.state, "form"):
        fields: dict[str, str] = {}
        if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            body = (await request.body()).decode("utf-8", "replace")
            fields = {k: v[-1] for k, v in parse_qs(body, max_num_fields=100).items()}
        request.state.form = fields
    return request.state.form


def _same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a.encode(), b.encode())


async def writer(request: Request, user: User | None = Depends(current_user), _t=Security(bearer_scheme),
                 _c=Security(cookie_scheme)) -> User:
    """A logged-in user whose request may change something: with the cookie, the request
    carries the session's CSRF token (a form field or the X-CSRF-Token header)."""
    if user is None:
        raise unauthorized("log in to change anything")
    if request.state.via == "cookie":
        sent = request.headers.get(CSRF_HEADER) or (await form_fields(request)).get(CSRF_FIELD)
        if not _same(sent, user.csrf):
            raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")
    return user


def reviewer(user: User = Depends(writer)) -> User:
    if not user.can_review:
        if user.is_analyst:
            raise HTTPException(403, f"this key of {user.name} may only read (scope {user.scope})")
        raise HTTPException(403, f"{user.name} is a {user.role}: viewers cannot change anything")
    return user


# ---------------------------------------------------------------- login

def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def login(svc: Services, request: Request, name: str, password: str) -> str:
    """A new session token; 429 (with Retry-After) after too many failures, 401 for a
    wrong name or password (the same answer, in the same time, for an unknown name)."""
    address, key = client_address(request), name.strip().lower()[:100]
    wait = svc.limiter.retry_after(address, key)
    if wait is not None:
        raise HTTPException(429, f"too many failed logins: try again in {wait} s", headers={"Retry-After": str(wait)})
    s = svc.settings
    svc.store.expire_sessions(s.session_idle_seconds, s.session_max_seconds)
    token = svc.store.login(name, password)
    if token is None:
        svc.limiter.failed(address, key)
        raise unauthorized("wrong name or password")
    svc.limiter.succeeded(address, key)
    return token


def new_csrf() -> str:
    return secrets.token_urlsafe(32)


# ---------------------------------------------------------------- writes

def review_out(r: Review, status: str | None = None) -> ReviewOut:
    return ReviewOut(id=r.id, target=r.target, action=r.action, data=r.data, user_name=r.user_name,
                     at=r.at.isoformat(), note=r.note, status=status)


def record_review(svc: Services, user: User, incident_id: str, body: IncidentReviewIn) -> ReviewOut:
    """The one way an incident decision is made, from the API and from the pages: the
    body is already valid against its schema; ``review.decide`` checks it against the store
    (404: a thing it names is not there, 409: it would leave the record inconsistent) and
    writes it with its effects. A decision on a merged incident goes to the survivor."""
    try:
        r = review.decide(svc.store, user, incident_id, body.action, body.data, body.note)
    except review.DecisionError as exc:
        raise HTTPException(exc.status, str(exc))
    except PermissionError as exc:
        raise HTTPException(403, str(exc))
    svc.views.invalidate()
    return review_out(r)


def record_fact_review(svc: Services, user: User, source_id: int, kind: str, start: int, end: int,
                       body) -> ReviewOut:
    """Accept, edit or reject one fact of a source (known by its span); ``body`` is
    already valid against the schema of its kind (``schemas.FACT_REVIEW_IN``)."""
    data = body.data
    try:
        source = svc.store.get_source(source_id)
    except StoreError as exc:
        raise HTTPException(404, str(exc))
    fact = next((f for f in getattr(svc.store.facts(source_id), kind) if f.start == start and f.end == end), None)
    if fact is None:
        raise HTTPException(404, f"source {source_id} has no {kind} fact at {start}-{end}")
    if body.action == "edit":
        why = review.conflict(fact, data.model_dump(exclude_unset=True))
        if why:
            raise HTTPException(409, f"data: {why}")
    r = svc.store.add_review(user, review.fact_target(source, kind, start, end), body.action,
                             data.model_dump(mode="json", exclude_unset=True), body.note)
    svc.views.invalidate()
    return review_out(r)


def audit_log(svc: Services, target: str | None = None) -> list[ReviewOut]:
    """Every decision with its state: applies, superseded, reverted, malformed, or no
    longer applies."""
    reviews = svc.store.reviews()
    status = review.log_status(svc.store, reviews)
    return [review_out(r, status.get(r.id)) for r in reviews if target is None or r.target == target]
