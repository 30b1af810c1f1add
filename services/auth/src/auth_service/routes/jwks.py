"""The public keys that verify access tokens."""

from fastapi import APIRouter, Response

from auth_service.deps import ResourcesDep

router = APIRouter(prefix="/.well-known", tags=["keys"])


@router.get("/jwks.json")
async def jwks(resources: ResourcesDep, response: Response) -> dict[str, list[dict[str, str]]]:
    """The JSON Web Key Set of every key that may have signed a live access token."""
    response.headers["Cache-Control"] = "public, max-age=300"
    return resources.keys.jwks
