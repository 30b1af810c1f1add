"""services/slim_venv.py: sourceless third-party bytecode, the keep-list, what it deletes."""

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from k8s_manifests import REPO_ROOT


def load_slim_venv() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "slim_venv", REPO_ROOT / "services" / "slim_venv.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_slims_third_party_and_keeps_source_where_needed(tmp_path: Path) -> None:
    site = tmp_path / "site-packages"
    write(site / "plain" / "__init__.py", "")
    write(
        site / "plain" / "mod.py",
        "def answer() -> int:\n    '''Kept docstring.'''\n    return 42\n",
    )
    write(site / "plain" / "mod.pyi", "def answer() -> int: ...\n")
    write(site / "plain" / "_speedups.c", "int x;\n")
    write(site / "plain" / "tests" / "test_mod.py", "")
    write(site / "plain" / "__pycache__" / "mod.cpython-311.pyc", "stale")
    write(site / "plain" / "template.py", "print 'not python 3'\n")
    write(
        site / "anyio" / "__init__.py",
        "import inspect, sys\nSOURCE = inspect.getsource(sys.modules[__name__])\n",
    )
    write(site / "anyio" / "tests" / "test_anyio.py", "")
    project = tmp_path / "project"
    write(project / "service" / "__init__.py", "VALUE = 1\n")

    load_slim_venv().main([str(site), str(project)])

    assert not (site / "plain" / "mod.py").exists()
    assert (site / "plain" / "mod.pyc").is_file()
    assert (site / "plain" / "template.py").is_file()  # does not compile: left alone
    for dropped in ("mod.pyi", "_speedups.c", "tests", "__pycache__"):
        assert not (site / "plain" / dropped).exists()
    assert (site / "anyio" / "__init__.py").is_file()
    assert not (site / "anyio" / "tests").exists()
    assert (project / "service" / "__init__.py").is_file()
    assert list((project / "service" / "__pycache__").glob("__init__.*.pyc"))

    probe = (
        "import anyio, plain.mod, service;"
        "print(plain.mod.__file__.endswith('.pyc'), plain.mod.answer(), plain.mod.answer.__doc__,"
        " 'getsource' in anyio.SOURCE, service.VALUE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        env={"PYTHONPATH": f"{site}:{project}", "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["True", "42", "Kept", "docstring.", "True", "1"]
