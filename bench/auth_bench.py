"""Cost of verifying an access token and a signed identity, next to a bare HMAC-SHA256.

Runs on one core (one event loop, no threads) and writes bench/results/identity_and_jwt.json:
medians and p99 per verification in microseconds, throughput, and the ratio to an HMAC-SHA256
of the same bytes measured in the same run. Needs Redis (the identity nonce check is real).

    uv run --frozen python bench/auth_bench.py [--iterations N] [--redis-url URL]
"""

import argparse
import asyncio
import hmac
import json
import os
import platform
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any

import httpx2
from auth_service.config import Settings
from auth_service.keys import generate_private_key_pem, load_key_ring
from auth_service.tokens import issue_access_token
from pydantic import SecretStr
from redis.asyncio import Redis
from servicekit.identity import IdentitySigner, IdentityVerifier, canonical_string
from servicekit.jwt import JWKSVerifier
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

RESULT = Path(__file__).parent / "results" / "identity_and_jwt.json"
JWT_TARGET_US = 100.0
IDENTITY_TARGET_US = 500.0


def _summary(samples_ns: list[int]) -> dict[str, float]:
    ordered = sorted(samples_ns)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return {
        "median_us": round(statistics.median(ordered) / 1000, 2),
        "p99_us": round(p99 / 1000, 2),
        "mean_us": round(statistics.fmean(ordered) / 1000, 2),
    }


async def _time_async(calls: list[Callable[[], Awaitable[object]]]) -> list[int]:
    samples = []
    for call in calls:
        start = time.perf_counter_ns()
        await call()
        samples.append(time.perf_counter_ns() - start)
    return samples


def _time_sync(calls: list[Callable[[], object]]) -> list[int]:
    samples = []
    for call in calls:
        start = time.perf_counter_ns()
        call()
        samples.append(time.perf_counter_ns() - start)
    return samples


def _hmac_calls(secret: bytes, messages: list[bytes]) -> list[Callable[[], object]]:
    return [partial(hmac.digest, secret, message, "sha256") for message in messages]


async def bench_jwt(iterations: int) -> dict[str, Any]:
    """RS256 verification through servicekit's JWKSVerifier with the key already cached."""
    settings = Settings(
        environment="production", signing_key=SecretStr(generate_private_key_pem().decode())
    )
    keys = load_key_ring(settings)

    async def jwks(request: Request) -> JSONResponse:
        return JSONResponse(keys.jwks)

    app = Starlette(routes=[Route("/.well-known/jwks.json", jwks)])
    tokens = [issue_access_token(uuid.uuid4(), keys, settings) for _ in range(iterations)]
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app)) as http:
        verifier = JWKSVerifier(
            "http://auth/.well-known/jwks.json",
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            http_client=http,
        )
        for token in tokens[:200]:
            await verifier.verify(token)
        started = time.perf_counter()
        samples = await _time_async([partial(verifier.verify, token) for token in tokens])
        elapsed = time.perf_counter() - started
    baseline = _time_sync(_hmac_calls(b"k" * 32, [token.encode() for token in tokens]))
    result = _summary(samples)
    hmac_result = _summary(baseline)
    return {
        **result,
        "tokens_per_second": round(iterations / elapsed),
        "token_bytes": len(tokens[0]),
        "hmac_sha256_same_bytes": hmac_result,
        "ratio_to_hmac_median": round(result["median_us"] / hmac_result["median_us"], 1),
        "target_median_us": JWT_TARGET_US,
        "meets_target": result["median_us"] < JWT_TARGET_US,
    }


async def bench_identity(iterations: int, redis_url: str) -> dict[str, Any]:
    """IdentityVerifier.verify including the Redis SET NX nonce check."""
    signer = IdentitySigner("bench", os.urandom(32))
    redis = Redis.from_url(redis_url)
    verifier = IdentityVerifier(
        {signer.key_id: signer.secret}, redis, nonce_prefix=f"bench:{uuid.uuid4().hex}:"
    )
    body = json.dumps({"title": "Buy milk", "tags": ["home"], "priority": "normal"}).encode()
    target = "/internal/v1/tasks?status=pending&limit=50"
    requests = [signer.headers("POST", target, body, uuid.uuid4()) for _ in range(iterations + 200)]
    lowered = [{name.lower(): value for name, value in headers.items()} for headers in requests]
    try:
        for headers in lowered[:200]:
            await verifier.verify("POST", target, body, headers)
        measured = lowered[200:]
        started = time.perf_counter()
        samples = await _time_async(
            [partial(verifier.verify, "POST", target, body, headers) for headers in measured]
        )
        elapsed = time.perf_counter() - started
        ping = await _time_async([redis.ping for _ in range(iterations)])
    finally:
        await redis.aclose()
    canonicals = [
        canonical_string(
            "POST",
            target,
            headers["x-identity-user"],
            headers["x-identity-timestamp"],
            headers["x-identity-nonce"],
            body,
        )
        for headers in measured
    ]
    baseline = _time_sync(_hmac_calls(signer.secret, canonicals))
    result = _summary(samples)
    hmac_result = _summary(baseline)
    return {
        **result,
        "verifications_per_second": round(iterations / elapsed),
        "canonical_bytes": len(canonicals[0]),
        "hmac_sha256_same_bytes": hmac_result,
        "redis_ping_round_trip": _summary(ping),
        "ratio_to_hmac_median": round(result["median_us"] / hmac_result["median_us"], 1),
        "target_median_us": IDENTITY_TARGET_US,
        "meets_target": result["median_us"] < IDENTITY_TARGET_US,
    }


async def main() -> None:
    """Run both benchmarks and write the JSON result."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=5000)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--output", type=Path, default=RESULT)
    args = parser.parse_args()
    jwt_result = await bench_jwt(args.iterations)
    identity_result = await bench_identity(args.iterations, args.redis_url)
    report = {
        "benchmark": "identity_and_jwt",
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "iterations": args.iterations,
        "jwt_rs256_verify_cached_key": jwt_result,
        "identity_verify_with_redis_nonce": identity_result,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
