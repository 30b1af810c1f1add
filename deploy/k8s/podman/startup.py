"""Start to ready of each Python service image, measured apart from the end-to-end run.

`make images-startup` starts the kind overlay's workloads as `make images-e2e` does, then
restarts each Python service's container ROUNDS times and records, per service, the median of:
wall seconds from `podman start` to the first passing readiness probe, CPU seconds the
container's processes used until then (steadier than wall time on a shared machine), and CPU
seconds of importing the service's application module alone in the same image. Each round
also starts a bare `python -m http.server` in the same way (the runtime floor). Run it without
`nice`: containers inherit the caller's priority. Results go to the "startup" entry of
bench/results/images.json and the startup section of deploy/k8s/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import system

PYTHON_DOCKERFILE = system.REPO_ROOT / "services" / "Dockerfile"
README_START = "<!-- images-startup result: written by make images-startup -->"
README_END = "<!-- end of images-startup result -->"
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def applications() -> dict[str, str]:
    """Each Python service image and the module it serves: the targets of services/Dockerfile
    and the application module of their uvicorn command."""
    text = PYTHON_DOCKERFILE.read_text()
    found = dict(
        re.findall(r'^FROM runtime AS (\S+)$[^#]*?^CMD \["uvicorn", "([\w.]+):', text, re.M)
    )
    if not found:
        raise system.RunFailed(f"no service targets found in {PYTHON_DOCKERFILE}")
    return found


def cpu_seconds(container_name: str) -> float:
    """User and system CPU time of every process of the container, from the host's /proc."""
    host_pids = system.podman("top", container_name, "hpid").split()[1:]
    total = 0
    for pid in host_pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / _CLOCK_TICKS


def restart(workload: system.Workload) -> tuple[float, float]:
    """Wall and CPU seconds from `podman start` of the stopped container to ready."""
    name = f"{system.NAME_PREFIX}-{workload.name}"
    system.podman("stop", "--time", "5", name)
    began = time.monotonic()
    system.podman("start", name)
    system.wait_ready(name, workload.container)
    wall = time.monotonic() - began
    return wall, cpu_seconds(name)


def import_cpu_seconds(image: str, module: str) -> float:
    """CPU seconds of `import <module>` in ``image``, run as the service user, read-only."""
    script = (
        "import importlib, time; began = time.process_time(); "
        f"importlib.import_module({module!r}); print(time.process_time() - began)"
    )
    output = system.podman(
        "run", "--rm", "--pull", "never", "--network", "none", "--user", "10001:10001",
        "--read-only", "--tmpfs", "/tmp:rw,size=16m", "--entrypoint", "python3.11",
        image, "-c", script,
    )  # fmt: skip
    return float(output.strip().splitlines()[-1])


def measure(rounds: int, host_port: int) -> dict[str, Any]:
    manifests = system.render_overlay()
    by_name = {workload.name: workload for workload in system.workloads(manifests)}
    modules = {name: module for name, module in applications().items() if name in by_name}
    samples: dict[str, dict[str, list[float]]] = {
        name: {"wall": [], "cpu": [], "import": []} for name in modules
    }
    floors: list[float] = []
    loads: list[float] = []
    with system.system(manifests, host_port) as started:
        images = {item.name: item.image for item in started}
        for round_number in range(1, rounds + 1):
            loads.append(os.getloadavg()[0])
            floors.append(system.runtime_floor_seconds(images["auth"]))
            for name, module in modules.items():
                wall, cpu = restart(by_name[name])
                samples[name]["wall"].append(wall)
                samples[name]["cpu"].append(cpu)
                samples[name]["import"].append(import_cpu_seconds(images[name], module))
                print(f"    round {round_number}: {name} ready in {wall:.2f} s ({cpu:.2f} s CPU)")
    floor = statistics.median(floors)
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": system.tested_commit(),
        "rounds": rounds,
        "load_average_1m": {"min": round(min(loads), 2), "max": round(max(loads), 2)},
        "python_runtime_floor_seconds": round(floor, 2),
        "services": {
            name: {
                "ready_seconds": round(statistics.median(values["wall"]), 2),
                "ready_cpu_seconds": round(statistics.median(values["cpu"]), 2),
                "import_cpu_seconds": round(statistics.median(values["import"]), 2),
                "ready_to_floor_ratio": round(statistics.median(values["wall"]) / floor, 1),
                "ready_target_met": statistics.median(values["wall"]) < system.READY_LIMIT_SECONDS,
            }
            for name, values in samples.items()
        },
    }


def write_results(startup: dict[str, Any]) -> None:
    result = json.loads(system.RESULT_FILE.read_text()) if system.RESULT_FILE.exists() else {}
    result["startup"] = startup
    system.RESULT_FILE.write_text(json.dumps(result, indent=2) + "\n")
    load = startup["load_average_1m"]
    rows = [
        "| image | ready (median) | CPU to ready | CPU of the import alone |",
        "|---|---|---|---|",
        *(
            f"| {name} | {s['ready_seconds']} s | {s['ready_cpu_seconds']} s"
            f" | {s['import_cpu_seconds']} s |"
            for name, s in startup["services"].items()
        ),
    ]
    section = "\n".join(
        [
            README_START,
            f"Last run: commit `{startup['commit']}`, {startup['date']}, {startup['rounds']} "
            f"restarts of each service, 1-minute load average {load['min']:.2f} to "
            f"{load['max']:.2f}; a bare `python -m http.server` answered after "
            f"{startup['python_runtime_floor_seconds']} s (median).",
            "",
            *rows,
            README_END,
        ]
    )
    text = system.README.read_text()
    pattern = re.compile(re.escape(README_START) + ".*?" + re.escape(README_END), re.DOTALL)
    if not pattern.search(text):
        raise system.RunFailed(f"{system.README} has no images-startup section to rewrite")
    system.README.write_text(pattern.sub(lambda _: section, text))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="restarts of each service")
    parser.add_argument("--port", type=int, default=18080, help="127.0.0.1 port of the ingress")
    options = parser.parse_args()
    try:
        startup = measure(options.rounds, options.port)
    except system.RunFailed as error:
        print(f"images-startup: {error}", file=sys.stderr)
        return 1
    write_results(startup)
    print(json.dumps(startup, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
