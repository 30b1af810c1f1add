"""Sign up, sign in, refresh with rotation and reuse detection, sign out."""

import httpx
import pytest

from .accounts import Account, fresh_email, fresh_password, login, register

pytestmark = pytest.mark.anyio


def _problem(answer: httpx.Response, status: int) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["status"] == status


async def test_sign_up_is_accepted_and_never_echoes_the_password(
    client: httpx.AsyncClient,
) -> None:
    email, password = fresh_email(), fresh_password()

    answer = await register(client, email, password)

    assert answer.status_code == 202, answer.text
    assert set(answer.json()) == {"status", "detail"}
    assert answer.json()["status"] == "accepted"
    assert password not in answer.text


async def test_signing_up_with_a_taken_email_answers_like_a_new_one_and_keeps_the_owner(
    client: httpx.AsyncClient,
) -> None:
    email, owner_password = fresh_email(), fresh_password()
    first = await register(client, email, owner_password)

    again = await register(client, email, fresh_password())

    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert (await login(client, email, owner_password)).status_code == 200


async def test_sign_in_returns_a_token_pair_and_sets_the_refresh_cookie(
    client: httpx.AsyncClient,
) -> None:
    email, password = fresh_email(), fresh_password()
    created = await register(client, email, password)

    answer = await login(client, email, password)

    assert answer.status_code == 200, answer.text
    pair = answer.json()
    assert set(pair) == {"access_token", "token_type", "expires_in"}
    assert pair["token_type"] == "bearer"
    assert pair["expires_in"] == 900
    assert pair["access_token"].count(".") == 2
    cookie = answer.headers["set-cookie"].lower()
    assert "refresh_token=" in cookie
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    assert "path=/auth" in cookie
    me = await client.get("/auth/me", headers={"Authorization": f"Bearer {pair['access_token']}"})
    assert me.status_code == 200
    assert me.json()["email"] == email
    assert created.status_code == 202


async def test_wrong_password_and_unknown_email_get_the_same_401(
    client: httpx.AsyncClient, alice: Account
) -> None:
    wrong_password = await login(client, alice.email, "not-" + alice.password)
    unknown_email = await login(client, fresh_email(), alice.password)

    _problem(wrong_password, 401)
    _problem(unknown_email, 401)
    assert wrong_password.json()["detail"] == unknown_email.json()["detail"]


async def test_refresh_rotates_and_reusing_a_rotated_token_revokes_the_family(
    client: httpx.AsyncClient, alice: Account
) -> None:
    first = await client.post("/auth/refresh", json={"refresh_token": alice.refresh_token})
    assert first.status_code == 200, first.text
    rotated = first.json()["refresh_token"]
    assert rotated != alice.refresh_token
    client.cookies.clear()
    me = await client.get(
        "/auth/me", headers={"Authorization": f"Bearer {first.json()['access_token']}"}
    )
    assert me.status_code == 200
    assert me.json()["id"] == alice.user_id

    reuse = await client.post("/auth/refresh", json={"refresh_token": alice.refresh_token})
    _problem(reuse, 401)
    client.cookies.clear()

    after_reuse = await client.post("/auth/refresh", json={"refresh_token": rotated})
    _problem(after_reuse, 401)


async def test_refresh_reads_the_cookie_when_the_body_is_empty(client: httpx.AsyncClient) -> None:
    email, password = fresh_email(), fresh_password()
    await register(client, email, password)
    signed_in = await login(client, email, password)
    assert signed_in.status_code == 200
    first_cookie = client.cookies["refresh_token"]

    answer = await client.post("/auth/refresh")

    assert answer.status_code == 200, answer.text
    assert set(answer.json()) == {"access_token", "token_type", "expires_in"}
    assert "refresh_token=" in answer.headers["set-cookie"]
    assert client.cookies["refresh_token"] != first_cookie


async def test_refresh_without_a_session_answers_204_so_a_first_visit_logs_no_error(
    client: httpx.AsyncClient,
) -> None:
    answer = await client.post("/auth/refresh")

    assert answer.status_code == 204
    assert answer.content == b""
    assert "set-cookie" not in answer.headers


async def test_sign_out_revokes_the_refresh_token_and_clears_the_cookie(
    client: httpx.AsyncClient, alice: Account
) -> None:
    answer = await client.post("/auth/logout", json={"refresh_token": alice.refresh_token})

    assert answer.status_code == 204
    assert answer.content == b""
    cookie = answer.headers.get("set-cookie", "").lower()
    assert "refresh_token=" in cookie
    assert "max-age=0" in cookie or "expires=thu, 01 jan 1970" in cookie
    client.cookies.clear()
    _problem(await client.post("/auth/refresh", json={"refresh_token": alice.refresh_token}), 401)


async def test_a_new_sign_in_still_works_after_sign_out(
    client: httpx.AsyncClient, alice: Account
) -> None:
    await client.post("/auth/logout", json={"refresh_token": alice.refresh_token})
    client.cookies.clear()

    again = await login(client, alice.email, alice.password, refresh_token_in_body=True)

    assert again.status_code == 200
    assert again.json()["refresh_token"] != alice.refresh_token
