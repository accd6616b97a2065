"""``make audit``: pip-audit over the installed set, failing on any advisory but the known exceptions.

The exceptions are ``reliability/audit-exceptions.txt``: one a line, the advisory id and then why it does
not apply; a line without its reason is refused, naming the file and line. pip-audit needs a vulnerability
service (PyPI's per-release JSON, ``/pypi/NAME/VERSION/json``). Where that is unreachable or answers 404
(a mirror, an offline machine), pip-audit fails on the first package with "Dependency not found on PyPI
and could not be audited", which reads like a fault of that package. So the service is asked about one
installed package first, and without an answer the audit stops at once, saying that it did not happen
and why (exit 2).

    python -m dossier.reliability.audit [--exceptions FILE] [--service URL] [--timeout S]
"""
from __future__ import annotations

import argparse
import importlib.metadata
import json
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

EXCEPTIONS = Path(__file__).resolve().parent / "audit-exceptions.txt"
PYPI = "https://pypi.org/pypi"
PROBE = "pip"  # installed wherever the audit runs


class AuditError(Exception):
    pass


def known_exceptions(path: Path) -> list[str]:
    """The advisory ids of ``path``; AuditError for a line that gives no reason."""
    ids = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        advisory, _, reason = line.strip().partition(" ")
        if not reason.strip():
            raise AuditError(f"{path}:{number}: {advisory} has no reason; write why it does not apply after the id")
        ids.append(advisory)
    return ids


def service_problem(service: str, timeout_s: float) -> str | None:
    """Why ``service`` cannot audit (asked about the installed pip), or None when it answers."""
    url = f"{service.rstrip('/')}/{PROBE}/{importlib.metadata.version(PROBE)}/json"
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return f"{url} answered HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        return f"{url} is unreachable ({getattr(exc, 'reason', exc)})"
    except ValueError:
        return f"{url} answered something other than JSON"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dossier.reliability.audit", description=__doc__.splitlines()[0])
    parser.add_argument("--exceptions", type=Path, default=EXCEPTIONS)
    parser.add_argument("--service", default=PYPI, help="PyPI's JSON API, as pip-audit asks it")
    parser.add_argument("--timeout", type=float, default=15.0)
    args = parser.parse_args(argv)
    try:
        ignored = known_exceptions(args.exceptions)
    except (AuditError, OSError) as exc:
        print(f"make audit: {exc}", file=sys.stderr)
        return 2
    problem = service_problem(args.service, args.timeout)
    if problem:
        print(f"make audit: no audit was made: pip-audit needs PyPI's vulnerability data, and {problem}."
              " Run it where pypi.org is reachable.", file=sys.stderr)
        return 2
    command = [sys.executable, "-m", "pip_audit", "--local", "--skip-editable", "--strict",
               "--progress-spinner", "off", *(f"--ignore-vuln={advisory}" for advisory in ignored)]
    return subprocess.run(command, check=False).returncode


if __name__ == "__main__":
    raise SystemExit(main())
