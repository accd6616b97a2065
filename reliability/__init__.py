"""reliability: the harness of issue #14 that attacks a running dossier and writes the figures the README promises.

``python -m dossier.reliability.runner`` (``make test-reliability``) runs every check named in
``runner.CHECKS``; each check is a module here with ``run(work, *, short, seed) -> dict`` of figures.
The report goes to ``reliability/report.json`` and ``reliability/REPORT.md``. A short version of each
check runs inside ``make test`` (tests/reliability).
"""
