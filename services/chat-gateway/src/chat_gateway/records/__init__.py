"""The dashboard API of the configured tool services: their records and live events."""
