"""The tool router of a gateway's settings: mcp-tasks as ``tasks``, then each configured service."""

from servicekit.identity import IdentitySigner

from chat_gateway.apps import AppDirectory
from chat_gateway.chat.mcp_connection import TaskToolsClient
from chat_gateway.chat.tool_router import ToolRouter, ToolService
from chat_gateway.config import TASKS_SERVICE, Settings


def build_tool_router(
    settings: Settings, tasks_signer: IdentitySigner, apps: AppDirectory | None = None
) -> ToolRouter:
    """One signed MCP connection per tool service; each signs with its configured key.

    ``apps`` says which services and tools each app may use (the settings' apps by default).
    """

    def client(url: str, signer: IdentitySigner, service: str) -> TaskToolsClient:
        return TaskToolsClient(
            url,
            signer,
            connect_timeout=settings.mcp_connect_timeout_seconds,
            tool_timeout=settings.mcp_tool_timeout_seconds,
            tools_cache_seconds=settings.mcp_tools_cache_seconds,
            service=service,
        )

    services = [
        ToolService(TASKS_SERVICE, client(settings.mcp_tasks_url, tasks_signer, "mcp-tasks"))
    ]
    for entry in settings.tool_services:
        signer = IdentitySigner(
            entry.identity_key_id, settings.identity_secret_of(entry).get_secret_value().encode()
        )
        services.append(
            ToolService(
                entry.name,
                client(entry.url, signer, entry.name),
                confirm=frozenset(entry.confirm),
                undo=entry.undo,
                events=entry.events,
            )
        )
    return ToolRouter(services, apps or AppDirectory(settings.served_apps))
