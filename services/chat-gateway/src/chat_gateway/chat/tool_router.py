"""The agent's tools from every configured MCP tool service, and the service each call goes to.

mcp-tasks is the built-in service ``tasks``; CHAT_GATEWAY_TOOL_SERVICES adds more. Each is
reached through its own signed connection (TaskToolsClient) with its own cached listing. A tool
name must be unique across services: the name is how a call is routed. ``revert_change`` is
the one exception: every service with Undo has it, the agent never sees it, and Undo calls it
on the service that made the change.

Each app sees only the services and tools its configuration grants: a tool it is not granted
is neither listed to its model nor callable, whichever path the call takes.
"""

import asyncio
import logging
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import mcp_types
from servicekit.subjects import DEFAULT_APP

from chat_gateway.apps import AppConfig, AppDirectory
from chat_gateway.chat.mcp_connection import TaskToolsClient, ToolResult
from chat_gateway.config import TASKS_SERVICE
from chat_gateway.errors import TaskServiceUnavailableError

logger = logging.getLogger(__name__)

REVERT_TOOL = "revert_change"

# Tool listings are the same for every user; this id only signs the startup check's listing.
_LISTING_USER = UUID(int=0)


class ToolNameClashError(Exception):
    """Two services offer a tool of the same name, so calls to it could not be routed."""


class UnknownToolError(Exception):
    """No configured service offers the tool."""


@dataclass(frozen=True, slots=True)
class ToolService:
    """One MCP tool service and what the configuration says about its tools."""

    name: str
    client: TaskToolsClient
    confirm: frozenset[str] = frozenset()
    undo: bool = False
    events: bool = False


@dataclass(frozen=True, slots=True)
class _Combined:
    listings: tuple[list[mcp_types.Tool], ...]
    tools: list[mcp_types.Tool]
    owners: dict[str, ToolService]


_UNREACHABLE: list[mcp_types.Tool] = []


def _combine(
    services: list[ToolService], listings: list[list[mcp_types.Tool]]
) -> tuple[list[mcp_types.Tool], dict[str, ToolService]]:
    tools: list[mcp_types.Tool] = []
    owners: dict[str, ToolService] = {}
    for service, listing in zip(services, listings, strict=True):
        for tool in listing:
            if service.undo and tool.name == REVERT_TOOL:
                continue
            other = owners.get(tool.name)
            if other is not None:
                raise ToolNameClashError(
                    f"tool {tool.name!r} is offered by both {other.name!r} and {service.name!r}; "
                    "tool names must be unique across tool services"
                )
            owners[tool.name] = service
            tools.append(tool)
    return tools, owners


class ToolRouter:
    """Lists the tools of every service and sends each call to the service that offers it."""

    def __init__(self, services: list[ToolService], apps: AppDirectory | None = None) -> None:
        if not services or services[0].name != TASKS_SERVICE:
            raise ValueError("the first tool service must be mcp-tasks")
        self.services = services
        self.apps = apps or AppDirectory([AppConfig(id=DEFAULT_APP, name="Tasks")])
        self._by_name = {service.name: service for service in services}
        self._combined: _Combined | None = None
        self._granted: dict[str, tuple[_Combined, list[mcp_types.Tool]]] = {}

    @property
    def extra_services(self) -> list[ToolService]:
        """The configured services besides mcp-tasks."""
        return self.services[1:]

    def service(self, name: str) -> ToolService | None:
        """The service called ``name``."""
        return self._by_name.get(name)

    def granted_services(self, user_id: UUID) -> list[ToolService]:
        """The configured services besides mcp-tasks that the caller's app may use."""
        app = self.apps.of(user_id)
        return [service for service in self.extra_services if app.grants_service(service.name)]

    async def aclose(self) -> None:
        """Close every service's connections."""
        for service in self.services:
            await service.client.aclose()

    async def check_names(self, wait_seconds: float) -> None:
        """Refuse to start when two reachable services offer a tool of the same name.

        A service that does not answer within ``wait_seconds`` is checked when it is first listed.
        """

        async def listing(service: ToolService) -> list[mcp_types.Tool] | None:
            try:
                async with asyncio.timeout(wait_seconds):
                    return await service.client.list_tools(_LISTING_USER)
            except (TaskServiceUnavailableError, TimeoutError) as exc:
                logger.warning(
                    "tool service not listed at startup",
                    extra={"service": service.name, "error": repr(exc)},
                )
                return None

        listings = await asyncio.gather(*(listing(service) for service in self.services))
        reachable = [(s, tools) for s, tools in zip(self.services, listings, strict=True) if tools]
        _combine([s for s, _ in reachable], [tools for _, tools in reachable])

    async def list_tools(self, user_id: UUID) -> list[mcp_types.Tool]:
        """The tools the caller's app is granted (the same list object while no service's
        listing changed)."""
        combined = await self._current(user_id)
        app = self.apps.of(user_id)
        cached = self._granted.get(app.id)
        if cached is not None and cached[0] is combined:
            return cached[1]
        tools = [
            tool
            for tool in combined.tools
            if app.grants_tool(combined.owners[tool.name].name, tool.name)
        ]
        self._granted[app.id] = (combined, tools)
        return tools

    async def owner(self, user_id: UUID, tool: str) -> ToolService:
        """The service offering ``tool`` to the caller's app; UnknownToolError when none does."""
        owner = (await self._current(user_id)).owners.get(tool)
        if owner is None or not self.apps.of(user_id).grants_tool(owner.name, tool):
            raise UnknownToolError(tool)
        return owner

    async def tool(self, user_id: UUID, name: str) -> mcp_types.Tool | None:
        """The granted tool called ``name``."""
        for tool in await self.list_tools(user_id):
            if tool.name == name:
                return tool
        return None

    async def call_tool(self, user_id: UUID, name: str, arguments: dict[str, Any]) -> ToolResult:
        """Call ``name`` on the service that offers it.

        An unknown tool is answered as a tool error, which the model reads and corrects.
        """
        try:
            service = await self.owner(user_id, name)
        except UnknownToolError:
            return ToolResult(name=name, is_error=True, structured=None, text=f"No tool {name}.")
        return await service.client.call_tool(user_id, name, arguments)

    async def call_on(
        self, service_name: str, user_id: UUID, name: str, arguments: dict[str, Any]
    ) -> ToolResult:
        """Call ``name`` on the named service (Undo's revert_change)."""
        service = self._by_name.get(service_name)
        if service is None or not self.apps.of(user_id).grants_service(service_name):
            text = f"The tool service {service_name!r} is no longer configured."
            return ToolResult(name=name, is_error=True, structured=None, text=text)
        return await service.client.call_tool(user_id, name, arguments)

    async def _current(self, user_id: UUID) -> _Combined:
        found = [await self.services[0].client.list_tools(user_id)]
        for service in self.extra_services:
            found.append(await self._listing_or_none(service, user_id))
        listings = tuple(found)
        combined = self._combined
        if combined is not None and all(
            new is old for new, old in zip(listings, combined.listings, strict=True)
        ):
            return combined
        if len(listings) == 1:
            tools, owners = listings[0], {tool.name: self.services[0] for tool in listings[0]}
        else:
            tools, owners = _combine(self.services, found)
        combined = _Combined(listings=listings, tools=tools, owners=owners)
        self._combined = combined
        return combined

    @staticmethod
    async def _listing_or_none(service: ToolService, user_id: UUID) -> list[mcp_types.Tool]:
        # Without one of the extra services the assistant still works with the others' tools.
        try:
            return await service.client.list_tools(user_id)
        except TaskServiceUnavailableError:
            return _UNREACHABLE
