"""/api/v1/tool-services: the configured tool services, their records and their live events.

The web app renders a section per service from this description alone; it knows no domain.
"""

import logging
from typing import Annotated

import mcp_types
from fastapi import APIRouter, Depends, Path
from fastapi.responses import Response, StreamingResponse
from servicekit.errors import problem_response

from chat_gateway.apps import AppCaller
from chat_gateway.chat.tool_router import ToolRouter, ToolService
from chat_gateway.deps import CurrentUser, ResourcesDep
from chat_gateway.errors import TaskServiceUnavailableError
from chat_gateway.events.stream_endpoint import StreamRequestDep, stream_responses
from chat_gateway.records.catalog import (
    RecordList,
    ToolServiceInfo,
    ToolServiceList,
    describe_service,
    records_tool,
)
from chat_gateway.service_access import granted_call, refusal, unavailable_response
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


async def granted_records_tool(
    service: ToolService, user: AppCaller
) -> tuple[mcp_types.Tool, str] | Response:
    """The service's records tool and the result property holding the records, when the
    caller's app is granted that tool; the problem answer otherwise (404: the service lists no
    records, 403: the app may not call the tool). TaskServiceUnavailableError when the service
    cannot be reached."""
    found = records_tool(await service.client.list_tools(user))
    if found is None:
        return problem_response(404, f"The {service.name} service has no tool listing records.")
    refused = refusal(user, service.name, [found[0].name])
    return refused if refused is not None else found


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
    responses=problem_responses(401, 403, 404, 502, 503),
    summary="The user's records in one tool service",
)
async def list_records(
    name: ServiceName, user: CurrentUser, tools: ToolRouterDep
) -> RecordList | Response:
    """The result of the service's records tool called for the user without arguments."""
    service = _extra(tools, name, user)
    if service is None:
        return _unknown(name)

    async def records() -> RecordList | Response:
        found = await granted_records_tool(service, user)
        if isinstance(found, Response):
            return found
        tool, field = found
        result = await service.client.call_tool(user, tool.name, {})
        records = result.structured.get(field) if result.structured else None
        if result.is_error or not isinstance(records, list):
            logger.warning("records tool failed", extra={"service": name, "tool": tool.name})
            return problem_response(502, f"The {name} service gave no usable answer.")
        return RecordList(service=name, records=[r for r in records if isinstance(r, dict)])

    return await granted_call(user, name, [], records)


@router.get(
    "/{name}/events",
    response_class=StreamingResponse,
    responses=stream_responses(
        "`id: <version>`, `event: <entity.change>`, `data: <RecordEvent JSON>`"
    ),
    summary="Follow the user's changes in one tool service live",
)
async def stream_service_events(
    name: ServiceName, stream: StreamRequestDep, resources: ResourcesDep, tools: ToolRouterDep
) -> Response:
    """Like GET /api/v1/events, for one configured tool service's RecordEvents.

    Authenticate with the Authorization header or a ticket from POST /api/v1/events/tickets;
    missed events come from the service's GET /api/v1/events log. The app must be granted the
    service's records tool, as for GET /api/v1/tool-services/{name}/records.
    """

    async def records_granted(caller: AppCaller) -> Response | None:
        service = _extra(tools, name, caller)
        if service is None:
            return _unknown(name)
        try:
            found = await granted_records_tool(service, caller)
        except TaskServiceUnavailableError as exc:
            return unavailable_response(exc)
        return found if isinstance(found, Response) else None

    log = resources.dashboard.record_logs.get(name)
    return await stream.respond(log, service=name, grant=records_granted)
