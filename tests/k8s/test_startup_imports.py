"""Each service imports its application with the cyclic collector paused, and leaves it running
with what the import made frozen (deploy/k8s/README.md, "What start costs")."""

import json
import subprocess
import sys

import pytest

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
