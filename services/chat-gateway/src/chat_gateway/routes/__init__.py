"""HTTP routes of chat-gateway, one module per resource."""
