"""The resources behind the dashboard's task API and live events, opened by the lifespan."""

import asyncio
import contextlib
from contextlib import AsyncExitStack
from dataclasses import dataclass

from redis.asyncio import Redis
from servicekit.identity import IdentitySigner

from chat_gateway.apps import AppDirectory
from chat_gateway.config import Settings
from chat_gateway.events.hub import EventHub
from chat_gateway.events.record_log import RecordEventLog
from chat_gateway.events.stream import StreamSettings
from chat_gateway.events.tickets import EventTickets
from chat_gateway.tasks.client import TasksClient
from chat_gateway.termination import call_on_termination

_HUB_CONNECT_WAIT_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class Dashboard:
    """The task API's client of mcp-tasks, the event logs of the configured tool services
    that publish events, and the live events' hub, tickets and timings."""

    tasks_client: TasksClient
    event_hub: EventHub
    event_tickets: EventTickets
    event_stream_settings: StreamSettings
    record_logs: dict[str, RecordEventLog]


async def open_dashboard(
    stack: AsyncExitStack,
    settings: Settings,
    redis: Redis,
    signer: IdentitySigner,
    apps: AppDirectory | None = None,
) -> Dashboard:
    """Open the task client, start the event hub and the ticket store; ``stack`` closes them."""
    tasks = TasksClient(settings.mcp_tasks_url, signer)
    stack.push_async_callback(tasks.aclose)
    record_logs: dict[str, RecordEventLog] = {}
    for service in settings.tool_services:
        if not service.events:
            continue
        service_signer = IdentitySigner(
            service.identity_key_id,
            settings.identity_secret_of(service).get_secret_value().encode(),
        )
        client = TasksClient(service.url, service_signer, api_path="/api/v1", service=service.name)
        record_logs[service.name] = RecordEventLog(client)
        stack.push_async_callback(client.aclose)
    hub = EventHub(
        settings.redis_url,
        client_buffer=settings.event_client_buffer,
        record_services=tuple(record_logs),
        data_domains=tuple(
            {app.domain for app in (apps or AppDirectory(settings.served_apps)).apps}
        ),
    )
    await hub.start()
    stack.push_async_callback(hub.stop)
    # Event streams never end by themselves; without this the server would wait out its whole
    # graceful-shutdown timeout for them and then cancel them.
    stack.callback(call_on_termination(hub.drain))
    with contextlib.suppress(TimeoutError):
        # Streams opened right after startup should not wait for the first connection;
        # if Redis is away, start anyway: the hub keeps retrying and streams serve the log.
        async with asyncio.timeout(_HUB_CONNECT_WAIT_SECONDS):
            await hub.wait_connected()
    return Dashboard(
        tasks_client=tasks,
        event_hub=hub,
        event_tickets=EventTickets(redis),
        event_stream_settings=StreamSettings(
            heartbeat_seconds=settings.event_heartbeat_seconds,
            max_streams_per_user=settings.max_streams_per_user,
        ),
        record_logs=record_logs,
    )
