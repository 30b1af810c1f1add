"""The auth application factory."""

from servicekit.startup_imports import collector_paused

with collector_paused():
    from collections.abc import AsyncIterator, Mapping
    from contextlib import asynccontextmanager

    from fastapi import FastAPI
    from redis.asyncio import Redis
    from servicekit.client_address import ClientAddressMiddleware
    from servicekit.database import Database
    from servicekit.errors import BodySizeLimitMiddleware, install_problem_handlers
    from servicekit.health import ReadinessCheck, health_router
    from servicekit.logging import configure_logging
    from servicekit.telemetry import TraceMiddleware, setup_telemetry

    from auth_service.accounts import Accounts
    from auth_service.config import Settings
    from auth_service.deps import Resources
    from auth_service.errors import install_auth_error_handler
    from auth_service.keys import load_key_ring
    from auth_service.login_throttle import LoginThrottle
    from auth_service.passwords import Passwords
    from auth_service.registration_throttle import RegistrationThrottle
    from auth_service.routes import auth, jwks

MAX_BODY_BYTES = 1024 * 1024


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the auth service; its lifespan opens the database, Redis and the signing keys."""
    settings = settings or Settings()
    configure_logging(settings.service_name, settings.log_level)
    setup_telemetry(settings.service_name, settings.otel_exporter_otlp_endpoint)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        keys = load_key_ring(settings)
        database = Database.for_service(settings)
        await database.check_connection_budget()
        redis = Redis.from_url(settings.redis_url, socket_timeout=5, socket_connect_timeout=5)
        throttle = LoginThrottle(
            redis,
            window_seconds=settings.login_failure_window_seconds,
            max_per_email_and_address=settings.max_login_failures_per_email_and_address,
            max_per_address=settings.max_login_failures_per_address,
            delay_after_email_failures=settings.login_delay_after_email_failures,
            max_delay_seconds=settings.max_login_delay_seconds,
        )
        registrations = RegistrationThrottle(
            redis,
            window_seconds=settings.registration_window_seconds,
            max_per_address=settings.max_registrations_per_address,
            max_total=settings.max_registrations,
        )
        passwords = Passwords(
            time_cost=settings.password_time_cost,
            memory_kib=settings.password_memory_kib,
            parallelism=settings.password_parallelism,
            concurrency=settings.password_hash_concurrency,
        )
        accounts = Accounts(database, passwords, keys, throttle, registrations, settings)
        app.state.resources = Resources(settings, database, redis, keys, accounts)
        try:
            yield
        finally:
            await redis.aclose()
            await database.dispose()

    app = FastAPI(title="auth", version="0.1.0", lifespan=lifespan)
    install_problem_handlers(app)
    install_auth_error_handler(app)

    def readiness_checks() -> Mapping[str, ReadinessCheck]:
        resources: Resources = app.state.resources

        async def redis_answers() -> None:
            await resources.redis.ping()

        return {"database": resources.database.ping, "redis": redis_answers}

    app.include_router(health_router(readiness_checks))
    app.include_router(auth.router)
    app.include_router(jwks.router)
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_bytes=MAX_BODY_BYTES,
        read_timeout_seconds=settings.body_read_timeout_seconds,
    )
    app.add_middleware(TraceMiddleware, excluded_paths=frozenset({"/healthz", "/readyz"}))
    app.add_middleware(ClientAddressMiddleware, trusted_proxies=settings.trusted_proxies)
    return app
