"""Accounts of the system under test: sign-up, sign-in and authenticated clients."""

import secrets
from dataclasses import dataclass, field

import httpx

PASSWORD_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def fresh_email() -> str:
    """An address no other test (or earlier run) uses."""
    return f"e2e-{secrets.token_hex(8)}@example.com"


def fresh_password() -> str:
    """A strong random password."""
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(20)) + "!9a"


@dataclass
class Account:
    """A registered user with a current token pair."""

    email: str
    password: str
    user_id: str
    access_token: str
    refresh_token: str
    timezone: str = "UTC"
    extra_headers: dict[str, str] = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        """Headers of an authenticated API request."""
        return {
            "Authorization": f"Bearer {self.access_token}",
            "X-User-Timezone": self.timezone,
            **self.extra_headers,
        }


async def register(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    """POST /auth/register."""
    return await client.post("/auth/register", json={"email": email, "password": password})


async def login(
    client: httpx.AsyncClient, email: str, password: str, *, refresh_token_in_body: bool = False
) -> httpx.Response:
    """POST /auth/login; a browser gets the refresh token only as a cookie, unless asked."""
    body: dict[str, str | bool] = {"email": email, "password": password}
    if refresh_token_in_body:
        body["refresh_token_in_body"] = True
    return await client.post("/auth/login", json=body)


async def create_account(client: httpx.AsyncClient) -> Account:
    """Register a fresh user and sign in; fails loudly when either step does not succeed."""
    email, password = fresh_email(), fresh_password()
    created = await register(client, email, password)
    assert created.status_code == 202, created.text
    signed_in = await login(client, email, password, refresh_token_in_body=True)
    assert signed_in.status_code == 200, signed_in.text
    pair = signed_in.json()
    me = await client.get("/auth/me", headers={"Authorization": f"Bearer {pair['access_token']}"})
    assert me.status_code == 200, me.text
    # The refresh cookie is Path=/auth: keep the jar clean so each request says what it sends.
    client.cookies.clear()
    return Account(
        email=email,
        password=password,
        user_id=me.json()["id"],
        access_token=pair["access_token"],
        refresh_token=pair["refresh_token"],
    )
