"""The connections and services one gateway process holds for its lifetime."""

from dataclasses import dataclass

import httpx2
from fastapi import FastAPI
from redis.asyncio import Redis
from servicekit.database import Database
from servicekit.identity import IdentitySigner
from servicekit.jwt import JWKSVerifier

from chat_gateway.apps import AppDirectory
from chat_gateway.chat.rate_limit import TurnRateLimiter
from chat_gateway.chat.server import ChatServer
from chat_gateway.config import Settings
from chat_gateway.events.dashboard import Dashboard


@dataclass(frozen=True, slots=True)
class Resources:
    """What the routes and probes share, opened and closed by the lifespan."""

    settings: Settings
    database: Database
    redis: Redis
    http: httpx2.AsyncClient
    """The outgoing HTTP client of the probes (no identity attached)."""
    identity_signer: IdentitySigner
    jwks_verifier: JWKSVerifier
    chat_server: ChatServer
    turn_limiter: TurnRateLimiter
    dashboard: Dashboard
    apps: AppDirectory


def resources_of(app: FastAPI) -> Resources:
    """The resources the lifespan attached to ``app``."""
    resources: Resources = app.state.resources
    return resources
