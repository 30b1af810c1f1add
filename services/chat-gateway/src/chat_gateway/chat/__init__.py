"""Chat: the ChatKit endpoint and server, its store, the agent and its task tools."""
