"""CORS per app: a browser origin is allowed by the app the request is for, not by another."""

from fastapi.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from chat_gateway.apps import APP_HEADER, AppDirectory

_APP_HEADER = APP_HEADER.lower().encode("latin-1")
_HOST_HEADER = b"host"
_METHODS = ["GET", "POST", "PATCH", "DELETE"]
_HEADERS = ["Authorization", "Content-Type", "X-User-Timezone", "Last-Event-ID", APP_HEADER]


class AppCorsMiddleware:
    """Starlette's CORS handling with each app's ``allowed_origins`` (preflights included)."""

    def __init__(self, app: ASGIApp, *, apps: AppDirectory) -> None:
        self.app = app
        self._apps = apps
        self._per_app = {
            served.id: CORSMiddleware(
                app,
                allow_origins=served.allowed_origins,
                allow_methods=_METHODS,
                allow_headers=_HEADERS,
            )
            for served in apps.apps
            if served.allowed_origins
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._per_app:
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        named, host = headers.get(_APP_HEADER), headers.get(_HOST_HEADER)
        app = self._apps.resolve(
            named.decode("latin-1") if named is not None else None,
            host.decode("latin-1") if host is not None else None,
        )
        handler = self._per_app.get(app.id) if app is not None else None
        await (handler or self.app)(scope, receive, send)
