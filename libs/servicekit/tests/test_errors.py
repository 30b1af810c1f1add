"""problem+json for every error, and the request body size limit."""

from collections.abc import AsyncIterator
from http import HTTPStatus

import httpx
import pytest
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel
from redis.exceptions import ConnectionError as RedisConnectionError
from servicekit.errors import BodySizeLimitMiddleware, install_problem_handlers
from sqlalchemy.exc import OperationalError

pytestmark = pytest.mark.anyio


class Item(BaseModel):
    name: str
    count: int


def build_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/items/{item_id}")
    async def read(item_id: int) -> dict[str, int]:
        if item_id == 0:
            raise HTTPException(404, "No item 0.")
        return {"item_id": item_id}

    @app.post("/items")
    async def create(item: Item) -> Item:
        return item

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internal detail")

    @app.get("/redis-down")
    async def redis_down() -> None:
        raise RedisConnectionError("Connection refused")

    @app.get("/database-down")
    async def database_down() -> None:
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connect call failed"))

    app.add_middleware(BodySizeLimitMiddleware, max_bytes=1024)
    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://svc.test") as http:
        yield http


def _problem(status: int, title: str, detail: str) -> dict[str, object]:
    return {"type": "about:blank", "title": title, "status": status, "detail": detail}


async def test_an_unknown_path_answers_404_problem(client: httpx.AsyncClient) -> None:
    response = await client.get("/nothing")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == _problem(404, "Not Found", "Not Found")


async def test_a_raised_http_exception_keeps_its_detail(client: httpx.AsyncClient) -> None:
    response = await client.get("/items/0")

    assert response.status_code == 404
    assert response.json() == _problem(404, "Not Found", "No item 0.")


async def test_a_wrong_method_answers_405_problem(client: httpx.AsyncClient) -> None:
    response = await client.delete("/items/1")

    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == _problem(405, "Method Not Allowed", "Method Not Allowed")


async def test_invalid_input_answers_422_listing_the_fields_without_the_values(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/items", json={"name": "hunter2-password", "count": "many"})

    assert response.status_code == 422
    assert response.json() == {
        **_problem(422, "Unprocessable Entity", "The request is not valid."),
        "errors": [
            {
                "loc": ["body", "count"],
                "msg": "Input should be a valid integer, unable to parse string as an integer",
                "type": "int_parsing",
            }
        ],
    }
    assert "hunter2" not in response.text


async def test_an_unexpected_error_answers_500_without_a_stack_trace(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/boom")

    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == _problem(
        500, "Internal Server Error", "An unexpected error occurred."
    )
    assert "Traceback" not in response.text
    assert "secret internal detail" not in response.text


async def test_a_dependency_outage_answers_503_with_retry_after(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/redis-down")

    assert response.status_code == 503
    assert response.headers["retry-after"] == "2"
    assert response.json() == _problem(
        503, "Service Unavailable", "A dependency is unavailable. Retry shortly."
    )


@pytest.mark.parametrize("path", ["/redis-down", "/database-down"])
async def test_a_dependency_outage_is_answered_without_the_error_reaching_the_server(
    path: str,
) -> None:
    # An error that escapes the application makes the server close the connection after the
    # answer, and a client reusing it from its pool then sees the server hang up.
    transport = httpx.ASGITransport(app=build_app(), raise_app_exceptions=True)
    async with httpx.AsyncClient(transport=transport, base_url="http://svc.test") as http:
        response = await http.get(path)

    assert response.status_code == 503
    assert response.headers["retry-after"] == "2"
    assert response.json() == _problem(
        503, "Service Unavailable", "A dependency is unavailable. Retry shortly."
    )


async def test_a_body_over_the_limit_with_content_length_answers_413(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/items", content=b"x" * 1025, headers={"content-type": "application/json"}
    )

    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == _problem(
        413, HTTPStatus(413).phrase, "The request body is larger than 1024 bytes."
    )


async def test_a_streamed_body_over_the_limit_without_content_length_answers_413(
    client: httpx.AsyncClient,
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"name": "'
        for _ in range(10):
            yield b"x" * 200
        yield b'", "count": 1}'

    response = await client.post(
        "/items", content=chunks(), headers={"content-type": "application/json"}
    )

    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert response.json() == _problem(
        413, HTTPStatus(413).phrase, "The request body is larger than 1024 bytes."
    )


async def test_a_streamed_body_within_the_limit_passes(client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"name": "bolt",'
        yield b' "count": 3}'

    response = await client.post(
        "/items", content=chunks(), headers={"content-type": "application/json"}
    )

    assert response.status_code == 200
    assert response.json() == {"name": "bolt", "count": 3}


async def test_a_non_numeric_content_length_answers_413(client: httpx.AsyncClient) -> None:
    request = client.build_request("POST", "/items", content=b"{}")
    request.headers["content-length"] = "lots"

    response = await client.send(request)

    assert response.status_code == 413
