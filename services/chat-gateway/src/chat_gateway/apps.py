"""The apps one gateway serves (CHAT_GATEWAY_APPS) and the caller of a request to one of them.

An app is configuration only: who may call it from a browser, which tool services and tools
its assistant may use, what it says and how the web app looks. A request's app is the one
its X-Chat-App header names (set by the app's front proxy), else the one whose ``hosts``
include the request's Host, else the first app; its access token must have been issued for
that same app.
"""

from typing import Annotated, Self
from uuid import UUID

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)
from servicekit.app_choice import APP_HEADER, HOST_PATTERN, choose_app
from servicekit.subjects import APP_ID_PATTERN, DEFAULT_APP, Subject

__all__ = ["APP_HEADER", "AppCaller", "AppConfig", "AppDirectory", "Branding", "default_app"]

AppId = Annotated[str, Field(pattern=APP_ID_PATTERN)]
ServiceName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
ToolName = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")]
Origin = Annotated[str, Field(pattern=r"^https?://[^\s/]+$")]
Host = Annotated[str, Field(pattern=HOST_PATTERN, max_length=253)]
Suggestion = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=80, pattern=r"^[^\x00-\x1f\x7f]+$"
    ),
]
SUGGESTIONS_MAX = 6


class Branding(BaseModel):
    """How the web app looks for one app."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    colour: Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")] = "#2563eb"
    logo: Annotated[str, Field(pattern=r"^(https://|/)[^\s\"'<>]{0,500}$")] | None = None
    """A URL (https or a path on the app's own origin); the web app shows a tick without it."""


class AppConfig(BaseModel):
    """One app (an entry of CHAT_GATEWAY_APPS)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: AppId
    name: Annotated[str, Field(min_length=1, max_length=60)]
    allowed_origins: list[Origin] = Field(default_factory=list)
    hosts: list[Host] = Field(default_factory=list)
    """The host names a browser reaches it by (lower case, no port): requests to them that
    name no app are its."""
    tool_services: list[ServiceName] | None = None
    """The tool services its assistant may use ("tasks" is mcp-tasks); None: every one."""
    tools: dict[ServiceName, list[ToolName]] = Field(default_factory=dict)
    """Per service, the only tools it may use (a service not named here: all of its tools)."""
    instructions: Annotated[str, Field(min_length=1, max_length=8000)] | None = None
    """The assistant's instructions; None: the task assistant's."""
    greeting: Annotated[str, Field(min_length=1, max_length=300)] | None = None
    suggestions: Annotated[list[Suggestion], Field(max_length=SUGGESTIONS_MAX)] | None = None
    """What the chat's start screen offers to send (one line each); None: the task suggestions
    whose tools it is granted."""
    branding: Branding = Branding()
    domain_key: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    """The official ChatKit web component's domain key, when the web app uses it."""
    data_domain: AppId | None = None
    """Whose data it sees: its own id unless set; apps with the same data domain share data."""

    @field_validator("suggestions")
    @classmethod
    def _distinct_suggestions(cls, suggestions: list[str] | None) -> list[str] | None:
        if suggestions is not None and len(set(suggestions)) != len(suggestions):
            raise ValueError("suggestions must be distinct")
        return suggestions

    @model_validator(mode="after")
    def _tools_of_granted_services(self) -> Self:
        if self.tool_services is not None:
            stray = sorted(set(self.tools) - set(self.tool_services))
            if stray:
                raise ValueError(
                    f"app {self.id!r} limits the tools of services it is not granted: "
                    + ", ".join(stray)
                )
        return self

    @property
    def domain(self) -> str:
        """The data domain its users' data is keyed by."""
        return self.data_domain or self.id

    def grants_service(self, service: str) -> bool:
        """Whether its assistant and web app may use ``service``."""
        return self.tool_services is None or service in self.tool_services

    def grants_tool(self, service: str, tool: str) -> bool:
        """Whether its assistant may list and call ``tool`` of ``service``."""
        if not self.grants_service(service):
            return False
        allowed = self.tools.get(service)
        return allowed is None or tool in allowed


def default_app(allowed_origins: list[str]) -> AppConfig:
    """The one app of a gateway configured without CHAT_GATEWAY_APPS."""
    return AppConfig(id=DEFAULT_APP, name="Tasks", allowed_origins=allowed_origins)


class AppCaller(Subject):
    """The verified caller of a request to one app: the data subject of (app's domain, user),
    with the app it called through (whose tool grants and instructions apply)."""

    __slots__ = ("app",)
    app: AppConfig

    def __init__(self, user_id: UUID, app: AppConfig) -> None:
        super().__init__(user_id, app.domain)
        object.__setattr__(self, "app", app)

    def __reduce__(self) -> tuple[type[Self], tuple[UUID, AppConfig]]:  # type: ignore[override]  # pickles its app too
        return (type(self), (self.user_id, self.app))


class AppDirectory:
    """The apps served, found by the X-Chat-App header or the request's Host."""

    def __init__(self, apps: list[AppConfig]) -> None:
        if not apps:
            raise ValueError("at least one app is required")
        self.default = apps[0]
        self._by_id = {app.id: app for app in apps}
        self._by_host: dict[str, str] = {}
        for app in apps:
            for host in app.hosts:
                owner = self._by_host.setdefault(host, app.id)
                if owner != app.id:
                    raise ValueError(f"host {host!r} is listed by apps {owner!r} and {app.id!r}")

    @property
    def apps(self) -> list[AppConfig]:
        """Every app, the default first."""
        return list(self._by_id.values())

    def resolve(self, header: str | None, host: str | None = None) -> AppConfig | None:
        """The app a request is for (see the module's docstring); None for an unknown name."""
        return self._by_id.get(choose_app(header, host, self._by_host, self.default.id))

    def of(self, user_id: UUID) -> AppConfig:
        """The app a caller came through; a bare user id is the default app's."""
        return user_id.app if isinstance(user_id, AppCaller) else self.default
