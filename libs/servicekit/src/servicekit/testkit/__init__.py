"""The pytest kit of record tool services: fixtures (``servicekit.testkit.plugin``), signed
clients, the forged-identity table, event-log and isolation helpers. A service's tests call
them with its own endpoints; only test code imports this package."""
