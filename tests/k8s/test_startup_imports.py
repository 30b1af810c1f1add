"""Each service imports its application with the cyclic collector paused, and leaves it running
with what the import made frozen (deploy/k8s/README.md, "What start costs")."""

import json
import subprocess
import sys

import pytest
from k8s_manifests import OVERLAYS, REPO_ROOT, Manifest, app_container, find

PACKAGES = ("auth_service", "chat_gateway", "mcp_tasks", "notes_service")

# Run in a fresh interpreter: the import must be the first of the application in the process.
# A collection counts when it runs inside the main module's body before its freeze (compiling
# the module's source, where no bytecode was written, comes before that and may collect).
IMPORT_AND_REPORT = """
import gc, importlib, importlib.util, json, sys
main = sys.argv[1] + ".main"
origin = importlib.util.find_spec(main).origin
during_imports = []

def record(phase, info):
    frame = sys._getframe(1)
    while phase == "start" and frame is not None and gc.get_freeze_count() == 0:
        if frame.f_code.co_filename == origin and frame.f_code.co_name == "<module>":
            during_imports.append(info["generation"])
            return
        frame = frame.f_back

gc.callbacks.append(record)
importlib.import_module(main)
gc.callbacks.remove(record)
print(json.dumps({
    "collections": len(during_imports),
    "enabled": gc.isenabled(),
    "frozen": gc.get_freeze_count(),
}))
"""


@pytest.mark.parametrize("package", PACKAGES)
def test_the_import_runs_no_collection_and_leaves_the_collector_on(package: str) -> None:
    completed = subprocess.run(
        [sys.executable, "-c", IMPORT_AND_REPORT, package],
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(completed.stdout.strip().splitlines()[-1])

    assert report["collections"] == 0
    assert report["enabled"] is True
    # What the import made is out of the collector's passes (the services freeze ~190,000+).
    assert report["frozen"] > 100_000


HTTP_CLIENT_LIBRARIES = """
import sys
import chat_gateway.main
print(sorted({"httpx", "httpcore", "httpx2"} & set(sys.modules)))
"""


def test_the_gateway_imports_httpx2_alone_of_the_httpx_clients() -> None:
    # openai and the MCP client need httpx2; the probes and the JWKS use it too, so httpx and
    # httpcore stay out of the process.
    completed = subprocess.run(
        [sys.executable, "-c", HTTP_CLIENT_LIBRARIES], capture_output=True, text=True, check=True
    )

    assert completed.stdout.strip().splitlines()[-1] == "['httpx2']"


# Load the server a command line configures, as uvicorn does before it serves.
LOAD_SERVER = """
import json, sys
import uvicorn
from uvicorn.main import main as cli
params = cli.make_context("uvicorn", json.loads(sys.argv[1])).params
async def app(scope, receive, send):
    pass
uvicorn.Config(
    app, ws=params["ws"], http=params["http"], loop=params["loop"], lifespan="off"
).load()
print("websockets" in sys.modules)
"""


def websockets_loaded(command: list[str]) -> bool:
    arguments = command[command.index("uvicorn") + 1 :]
    completed = subprocess.run(
        [sys.executable, "-c", LOAD_SERVER, json.dumps(arguments)],
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout.strip().splitlines()[-1] == "True"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_deployed_gateway_loads_no_websocket_protocol(
    rendered: dict[str, list[Manifest]], overlay: str
) -> None:
    command = app_container(find(rendered[overlay], "Deployment", "chat-gateway"))["command"]

    assert not websockets_loaded(command)


def test_the_gateway_image_loads_no_websocket_protocol() -> None:
    dockerfile = (REPO_ROOT / "services" / "Dockerfile").read_text()
    stage = dockerfile[dockerfile.index("FROM runtime AS chat-gateway") :]
    command = json.loads(stage[stage.index("CMD ") + 4 : stage.index("\n", stage.index("CMD "))])

    assert not websockets_loaded(command)
