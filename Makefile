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

.PHONY: install run test bench eval serve clean browser

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

bench: install
	$(PY) bench/run.py --out bench/results.json
	$(PY) bench/serve.py --out bench/results.json
	$(PY) bench/records.py --out bench/records.json

eval: install
	$(VENV)/bin/dossier eval --dataset ../shared/eval/dev.jsonl --corpus $(CORPUS)

clean:
	rm -rf $(VENV) data eval-results tests/artifacts
