"""The local model's evaluator under the gateway's name: `python -m chat_gateway.local_model`."""

from local_model.__main__ import main

if __name__ == "__main__":
    raise SystemExit(main())
