"""Slim a service's virtual environment for its image (the build stage of services/Dockerfile).

Third-party packages run from sourceless bytecode: each module is compiled to a legacy `.pyc`
beside it and its `.py` is deleted, which keeps start time (no compiling at start) without
shipping every module twice. Packages that read their own source at run time keep it (KEEP_SOURCE).
What no service runs goes: packages' tests, type stubs, C sources and headers, the
`__pycache__` folders that sourceless modules no longer use, and the symbol tables of compiled
extensions (`strip --strip-unneeded`; the dynamic symbols they link by stay). The project's own
code (the service and its libraries, installed editable outside site-packages) keeps its source
and is compiled beside it, so its tracebacks show source lines.

    python slim_venv.py SITE_PACKAGES PROJECT_SOURCE...
"""

import compileall
import py_compile
import shutil
import subprocess
import sys
from pathlib import Path

# Top-level names in site-packages whose modules must keep their `.py`, and why.
KEEP_SOURCE = {
    # anyio's lazy imports parse its modules' source (inspect.getsource) to find their names.
    "anyio": "anyio._lazyimport reads module source",
    # openai-agents' local sandbox sends a module's source to its worker (inspect.getsource),
    # at import time of agents.sandbox.
    "agents": "agents.sandbox.sandboxes.unix_local reads module source",
}

DROP_FOLDERS = {"tests", "__pycache__"}
DROP_SUFFIXES = {".pyi", ".c", ".h", ".cpp", ".hpp", ".pyx", ".pxd"}


def drop_unused(site_packages: Path) -> None:
    """Delete tests, stubs, C sources and bytecode caches of third-party packages."""
    for folder in sorted(site_packages.rglob("*"), reverse=True):
        dropped = folder.name in DROP_FOLDERS and not keeps_source(site_packages, folder)
        if dropped and folder.is_dir():
            shutil.rmtree(folder)
    for file in site_packages.rglob("*"):
        if file.is_file() and file.suffix in DROP_SUFFIXES:
            file.unlink()


def strip_extensions(site_packages: Path) -> None:
    """Remove the symbol tables and debug sections of compiled extensions."""
    extensions = [str(path) for path in site_packages.rglob("*.so")]
    if not extensions:
        return
    strip = shutil.which("strip")
    if strip is None:
        raise SystemExit("strip (binutils) is needed to slim compiled extensions")
    # The build stage's own files, listed above: no outside input reaches the command.
    subprocess.run([strip, "--strip-unneeded", *extensions], check=True)  # noqa: S603


def keeps_source(site_packages: Path, path: Path) -> bool:
    top = path.relative_to(site_packages).parts[0]
    return top in KEEP_SOURCE and path.name != "tests"


def compile_sourceless(site_packages: Path) -> None:
    """Replace each third-party module outside KEEP_SOURCE by its legacy `.pyc`."""
    for source in sorted(site_packages.rglob("*.py")):
        if keeps_source(site_packages, source):
            continue
        try:
            py_compile.compile(str(source), cfile=f"{source}c", doraise=True)
        except py_compile.PyCompileError:
            # Not importable on this Python (a template or another version's module): leave it.
            continue
        source.unlink()


def compile_with_source(folder: Path) -> None:
    """Compile the project's own code beside its source; the hash check keeps it exact."""
    ok = compileall.compile_dir(
        str(folder),
        quiet=1,
        invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH,
    )
    if not ok:
        raise SystemExit(f"could not compile {folder}")


def main(arguments: list[str]) -> None:
    if len(arguments) < 1:
        raise SystemExit(__doc__)
    site_packages = Path(arguments[0])
    if not site_packages.is_dir():
        raise SystemExit(f"{site_packages} is not a folder")
    drop_unused(site_packages)
    strip_extensions(site_packages)
    compile_sourceless(site_packages)
    for keep in KEEP_SOURCE:
        if (site_packages / keep).is_dir():
            compile_with_source(site_packages / keep)
    for folder in arguments[1:]:
        compile_with_source(Path(folder))


if __name__ == "__main__":
    main(sys.argv[1:])
