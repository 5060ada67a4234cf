# Signup system: three Quarkus functions on Knative. `make` lists the targets.
SHELL := bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-builtin-rules --warn-undefined-variables

MVN ?= ./mvnw -B -ntp

.PHONY: help
help: ## Show the targets and what they do
	@awk 'BEGIN {FS = ":.*## "; printf "Usage: make <target>\n\nTargets:\n"} \
		/^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: build
build: ## Package every function as a runnable JVM app (<function>/target/quarkus-app/quarkus-run.jar)
	$(MVN) package -DskipTests

.PHONY: test
test: ## Run every module's tests (real Postgres, SMTP server and HTTP peers; no Docker needed)
	$(MVN) verify

.PHONY: clean
clean: ## Remove build output
	$(MVN) clean -q
