"""Create a new MCP tool service from scripts/tool_service_template.

    python scripts/new_tool_service.py notes [--entity note] [--port 8003] [--root .]

writes services/<name> (MCP server, domain with a REST twin, event log, migrations, settings,
tests, README), deploy/k8s/base/<name> and its network policy, wires the service into the
workspace (pyproject.toml members and mypy path, the Makefile's PY_PACKAGES, services/Dockerfile,
the kustomize base and the network-policy component) and prints what is left to do by hand
and the gateway's configuration entry. The template is a working "entries" service: every
spelling of that name (entries, entry, Entries, Entry, ENTRIES) and its port 8099 are replaced.
"""

import argparse
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "tool_service_template"
NAME = re.compile(r"^[a-z][a-z0-9]{1,13}$")
TEMPLATE_PORT = "8099"
RESERVED = frozenset({"auth", "tasks", "gateway", "frontend", "postgres", "redis", "entries"})


@dataclass(frozen=True)
class Names:
    """Every spelling of the new service's names."""

    plural: str
    entity: str
    port: int

    def article(self) -> str:
        return "an" if self.entity[0] in "aeiou" else "a"

    def apply(self, text: str) -> str:
        text = re.sub(
            r"\b([Aa])n (entry|Entry)\b",
            lambda match: (
                (self.article() if match.group(1) == "a" else self.article().capitalize())
                + " "
                + (self.entity if match.group(2) == "entry" else self.entity.capitalize())
            ),
            text,
        )
        for old, new in (
            ("ENTRIES", self.plural.upper()),
            ("Entries", self.plural.capitalize()),
            ("entries", self.plural),
            ("ENTRY", self.entity.upper()),
            ("Entry", self.entity.capitalize()),
            ("entry", self.entity),
            (TEMPLATE_PORT, str(self.port)),
        ):
            text = text.replace(old, new)
        return text


def _copy_tree(source: Path, target: Path, names: Names) -> list[Path]:
    written = []
    for path in sorted(source.rglob("*")):
        if "__pycache__" in path.parts or path.is_dir():
            continue
        destination = target / names.apply(str(path.relative_to(source)))
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(names.apply(path.read_text()))
        written.append(destination)
    return written


def _insert(path: Path, anchor: str, addition: str, *, after: bool = True) -> bool:
    """Add ``addition`` after (or before) the first line matching ``anchor``; False when
    there is no such line or the addition is already there."""
    if not path.is_file():
        return False
    lines = path.read_text().splitlines(keepends=True)
    if any(line.rstrip("\n") == addition.rstrip("\n") for line in lines):
        return False
    pattern = re.compile(anchor)
    for index, line in enumerate(lines):
        if pattern.search(line):
            lines.insert(index + 1 if after else index, addition)
            path.write_text("".join(lines))
            return True
    return False


def _replace(path: Path, pattern: str, replacement: str) -> bool:
    if not path.is_file():
        return False
    text = path.read_text()
    changed, count = re.subn(pattern, replacement, text, count=1, flags=re.MULTILINE)
    if count:
        path.write_text(changed)
    return bool(count)


def wire(root: Path, names: Names) -> list[str]:
    """Add the service to the workspace's shared files; returns what could not be done."""
    name = names.plural
    folder = f"services/{name}"
    left: list[str] = []
    pyproject = root / "pyproject.toml"
    if (
        not _replace(pyproject, r'^(members = \[.*?)("tests/e2e"\])', rf'\1"{folder}", \2')
        and f'"{folder}"' not in pyproject.read_text()
    ):
        left.append(f"add {folder!r} to [tool.uv.workspace] members in pyproject.toml")
    # mypy resolves the tests as top-level modules through the mypy path.
    if not _replace(
        pyproject, r"^(mypy_path = \[.*?)(\])$", rf'\1, "{folder}/src", "{folder}/tests"\2'
    ):
        left.append(f"add {folder}/src and {folder}/tests to mypy_path in pyproject.toml")
    if not _replace(root / "Makefile", r"^(PY_PACKAGES := .*)$", rf"\1 {folder}"):
        left.append(f"add {folder} to PY_PACKAGES in the Makefile")
    dockerfile = root / "services" / "Dockerfile"
    copied = _insert(
        dockerfile,
        r"^COPY services/mcp-tasks/pyproject.toml",
        f"COPY {folder}/pyproject.toml {folder}/\n",
    )
    if copied:
        with dockerfile.open("a") as stream:
            stream.write(
                f"\n# {name}: {name} tools over MCP, their REST twin and the {name} event log.\n"
                f"FROM runtime AS {name}\nEXPOSE {names.port}\n"
                f'CMD ["uvicorn", "{name}_service.main:create_app", "--factory", '
                f'"--host", "0.0.0.0", "--port", "{names.port}"]\n'
            )
    else:
        left.append(f"add the COPY line and a {name} target to services/Dockerfile")
    base = root / "deploy/k8s/base/kustomization.yaml"
    if not _insert(base, r"^  - mcp-tasks$", f"  - {name}\n"):
        left.append(f"add {name} to deploy/k8s/base/kustomization.yaml resources")
    if not _insert(
        root / "deploy/k8s/components/network-policies/kustomization.yaml",
        r"^  - mcp-tasks.yaml$",
        f"  - {name}.yaml\n",
    ):
        left.append(f"add {name}.yaml to the network-policies component")
    return left


def generate(root: Path, names: Names, *, wire_workspace: bool = True) -> list[str]:
    """Write the service and its manifests under ``root``; returns the steps left by hand."""
    service = root / "services" / names.plural
    if service.exists():
        raise SystemExit(f"{service} already exists; choose another name or remove it first.")
    written = _copy_tree(TEMPLATE / "service", service, names)
    _copy_tree(TEMPLATE / "k8s", root / "deploy/k8s/base" / names.plural, names)
    policy = root / "deploy/k8s/components/network-policies" / f"{names.plural}.yaml"
    policy.parent.mkdir(parents=True, exist_ok=True)
    policy.write_text(names.apply((TEMPLATE / "networkpolicy.yaml").read_text()))
    _format([path for path in written if path.suffix == ".py"])
    left = wire(root, names) if wire_workspace else []
    return [
        *left,
        "uv lock && uv sync --all-packages --locked (make new-tool-service runs both)",
        f"deploy/k8s overlays: the image chatkit-botbuilder/{names.plural}, the Secret "
        f"{names.plural}-secrets (DATABASE_URL, REDIS_URL, {names.plural.upper()}_IDENTITY_KEYS), "
        f"replicas; chat-gateway's network policy egress to {names.plural}:{names.port}; "
        "the data stores' ingress rules (kind); its PodDisruptionBudget and "
        "HorizontalPodAutoscaler (components); deploy/k8s/kind/lib.sh SERVICES",
        "tests/k8s and tests/docs: add the service to their service tables",
        f"scripts/local_stack.py: a Service entry on port {names.port} for `make up`, and the "
        "gateway item below in CHAT_GATEWAY_TOOL_SERVICES",
    ]


def _format(paths: list[Path]) -> None:
    """Sort imports and format: the new package name sorts elsewhere than the template's."""
    if not paths:
        return
    for arguments in (["check", "--fix", "--select", "I", "--quiet"], ["format", "--quiet"]):
        subprocess.run([sys.executable, "-m", "ruff", *arguments, *map(str, paths)], check=True)


def gateway_entry(names: Names) -> str:
    """The CHAT_GATEWAY_TOOL_SERVICES entry that enables the service in the gateway."""
    return json.dumps(
        {
            "name": names.plural,
            "url": f"http://127.0.0.1:{names.port}",
            "identity_key_id": "dev",
            "confirm": [f"delete_{names.entity}"],
            "undo": True,
            "events": True,
        }
    )


def parse_names(argv: list[str] | None = None) -> tuple[Names, Path, bool]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", help="plural, lowercase letters and digits (e.g. notes)")
    parser.add_argument("--entity", help="one record's name (default: name without its final s)")
    parser.add_argument("--port", type=int, default=8003, help="port of `make up` (default 8003)")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument(
        "--no-wire", action="store_true", help="only write the service and its manifests"
    )
    options = parser.parse_args(argv)
    name: str = options.name
    entity: str = options.entity or (name[:-1] if name.endswith("s") else name)
    for value in (name, entity):
        if not NAME.fullmatch(value):
            parser.error(f"{value!r}: use 2 to 14 lowercase letters and digits, a letter first")
    if name in RESERVED or "entr" in name or "entr" in entity:
        parser.error(f"{name!r} is taken by another service or by the template itself")
    if name == entity:
        parser.error("the entity name must differ from the service name (pass --entity)")
    return Names(name, entity, options.port), options.root, not options.no_wire


def main(argv: list[str] | None = None) -> None:
    names, root, wire_workspace = parse_names(argv)
    left = generate(root, names, wire_workspace=wire_workspace)
    plural = names.plural
    print(f"Created services/{plural} ({plural}_service) and deploy/k8s/base/{plural}.")
    print("Still to do:")
    for step in left:
        print(f"  - {step}")
    print("Enable it in the gateway: add this entry to the JSON list CHAT_GATEWAY_TOOL_SERVICES:")
    print(f"  {gateway_entry(names)}")


if __name__ == "__main__":
    main()
