"""Shared building blocks of the ChatKit Botbuilder services.

Each module holds one concern: settings, logging, telemetry, database, health, errors,
jwt (access-token verification), identity (signed service-to-service identity), events (the
task change event) and metrics. Import from the module, not from this package.
"""
