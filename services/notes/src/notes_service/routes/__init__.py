"""REST routes under /api/v1: the twin of the MCP tools (actor "api")."""
