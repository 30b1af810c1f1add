"""The dashboard's task API and its signed client of mcp-tasks."""
