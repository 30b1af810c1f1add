"""/api/v1/tool-services: the configured tool services, their records and their live events.

The web app renders a section per service from this description alone; it knows no domain.
"""

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import Response, StreamingResponse
from servicekit.errors import problem_response

from chat_gateway.chat.tool_router import ToolRouter, ToolService
from chat_gateway.deps import CurrentUser, ResourcesDep
from chat_gateway.errors import TaskServiceUnavailableError
from chat_gateway.events.routes import (
    MAX_VERSION,
    EventHubDep,
    EventTicketsDep,
    StreamSettingsDep,
    open_event_stream,
)
from chat_gateway.records.catalog import (
    RecordList,
    ToolServiceInfo,
    ToolServiceList,
    describe_service,
    records_tool,
)
from chat_gateway.tasks.schemas import problem_responses

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1/tool-services", tags=["tool services"])

ServiceName = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{0,39}$")]


async def get_tool_router(resources: ResourcesDep) -> ToolRouter:
    """The tool router of the chat server."""
    return resources.chat_server.operations.client


ToolRouterDep = Annotated[ToolRouter, Depends(get_tool_router)]


def _unknown(name: str) -> Response:
    return problem_response(404, f"No tool service named {name!r} is configured.")


def _extra(tools: ToolRouter, name: str, user: CurrentUser) -> ToolService | None:
    service = tools.service(name)
    return service if service is not None and service in tools.granted_services(user) else None


async def _info(service: ToolService, user: CurrentUser) -> ToolServiceInfo:
    try:
        listing = await service.client.list_tools(user)
    except TaskServiceUnavailableError:
        return describe_service(service.name, None, events=service.events)
    granted = [tool for tool in listing if user.app.grants_tool(service.name, tool.name)]
    return describe_service(service.name, granted, events=service.events)


@router.get(
    "",
    response_model=ToolServiceList,
    responses=problem_responses(401),
    summary="The configured tool services besides mcp-tasks",
)
async def list_services(user: CurrentUser, tools: ToolRouterDep) -> ToolServiceList:
    """Each service's name, record fields and records tool, read from its MCP tool listing."""
    return ToolServiceList(services=[await _info(s, user) for s in tools.granted_services(user)])


@router.get(
    "/{name}/records",
    response_model=RecordList,
    responses=problem_responses(401, 404, 502, 503),
    summary="The user's records in one tool service",
)
async def list_records(
    name: ServiceName, user: CurrentUser, tools: ToolRouterDep
) -> RecordList | Response:
    """The result of the service's records tool called for the user without arguments."""
    service = _extra(tools, name, user)
    if service is None:
        return _unknown(name)
    try:
        found = records_tool(await service.client.list_tools(user))
        if found is None:
            return problem_response(404, f"The {name} service has no tool listing records.")
        tool, field = found
        if not user.app.grants_tool(name, tool.name):
            return problem_response(404, f"The {name} service has no tool listing records.")
        result = await service.client.call_tool(user, tool.name, {})
    except TaskServiceUnavailableError:
        return problem_response(
            503, f"The {name} service is unavailable.", headers={"Retry-After": "2"}
        )
    records = result.structured.get(field) if result.structured else None
    if result.is_error or not isinstance(records, list):
        logger.warning("records tool failed", extra={"service": name, "tool": tool.name})
        return problem_response(502, f"The {name} service gave no usable answer.")
    return RecordList(service=name, records=[r for r in records if isinstance(r, dict)])


@router.get(
    "/{name}/events",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/event-stream": {}},
            "description": "Server-Sent Events: `id: <version>`, `event: <entity.change>`, "
            "`data: <RecordEvent JSON>`; `: heartbeat` comments; `event: resync` with "
            '`{"reason", "latest_version"}` when the records must be reloaded.',
        },
        **problem_responses(400, 401, 404, 429, 503),
    },
    summary="Follow the user's changes in one tool service live",
)
async def stream_service_events(
    request: Request,
    name: ServiceName,
    resources: ResourcesDep,
    hub: EventHubDep,
    tickets: EventTicketsDep,
    settings: StreamSettingsDep,
    after: Annotated[int | None, Query(ge=0, le=MAX_VERSION)] = None,
    ticket: Annotated[str | None, Query(max_length=128)] = None,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
) -> Response:
    """Like GET /api/v1/events, for one configured tool service's RecordEvents.

    Authenticate with the Authorization header or a ticket from POST /api/v1/events/tickets;
    missed events come from the service's GET /api/v1/events log.
    """
    log = resources.dashboard.record_logs.get(name)
    return await open_event_stream(
        request, hub, log, tickets, settings, after, ticket, last_event_id, service=name
    )
