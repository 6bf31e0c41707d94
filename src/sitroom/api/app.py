"""The application: the REST API (``api/routes.py``, described by OpenAPI at
/openapi.json) and the web pages (``web/pages.py``), two routers over one set of services
(``api/deps.py``), behind one guard (``api/guard.py``: origin check, body limit, security
headers).

Both read the store; the cross-source picture is built once per state of the store (its
fingerprint changes when sources are added or re-extracted) and reused between requests.
"""
from __future__ import annotations

import contextlib

from fastapi import FastAPI, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from sitroom import settings as settings_mod
from sitroom.api import deps, routes
from sitroom.api.guard import Guard
from sitroom.settings import Settings
from sitroom.store.db import Store, StoreError

# what other modules (and older scripts) import from here
from sitroom.api.deps import SESSION_COOKIE, Views  # noqa: F401
from sitroom.api.routes import filter_incidents, incident_out, source_out  # noqa: F401


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/openapi"))


async def _rehearse(app: FastAPI) -> None:
    """One request to each kind of route through the app itself, before the server listens:
    Starlette builds its middleware stack and FastAPI its routes' dependencies on a first
    call, which would otherwise fall on the first user's request (tens of ms)."""
    import httpx

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://warm-up") as client:
        for url in ("/api/health", "/api/incidents?limit=1", "/api/map.geojson?limit=1", "/"):
            await client.get(url)


def create_app(db: str = "sitroom.db", settings: Settings | None = None) -> FastAPI:
    from sitroom.web import pages

    settings = settings or settings_mod.load(db)
    try:
        store = Store(db)
    except Exception as exc:
        raise StoreError(f"cannot open store {db!r}: {exc}") from exc
    # no Swagger/ReDoc pages: they load their assets from a CDN, and sitroom works offline;
    # the description itself is at /openapi.json
    services = deps.Services(store=store, views=deps.Views(store), settings=settings,
                             limiter=deps.LoginLimiter(settings))

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        # the picture, its indexes and the comparison of outlets are built before the server
        # takes its first request, so that the first request is no slower than the others
        # (a server listens after start-up)
        try:
            await run_in_threadpool(routes.warm, services)
            await run_in_threadpool(pages.comparison, services)
            await _rehearse(app)
        except Exception:  # noqa: BLE001 - a store it cannot read yet is reported by the requests
            pass
        yield

    app = FastAPI(title="sitroom", version="0.1.0", docs_url=None, redoc_url=None, lifespan=lifespan,
                  description="Sourced, reconciled, geolocated facts from crisis reporting. Reads are open unless "
                              "the store is private (then every route needs a login); the audit log and the "
                              "archived originals need the analyst role; writes need an analyst's session token "
                              "or an API key of scope review (Authorization: Bearer).")
    app.state.services = services
    app.include_router(routes.router)
    app.include_router(pages.router)
    app.add_middleware(Guard, settings=settings)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers)
        if exc.status_code == 401 and request.method == "GET":
            from urllib.parse import urlencode

            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)
        return pages.error_page(request, exc.status_code, str(exc.detail), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        if _is_api(request):
            return await request_validation_exception_handler(request, exc)
        return pages.validation_page(request, list(exc.errors()))

    return app


__all__ = ["create_app", "HTTPException"]
