# Signup system: three Quarkus functions on Knative. `make` lists the targets.
SHELL := bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-builtin-rules

MVN ?= ./mvnw -B -ntp
FUNCTIONS := save-email-fn send-email-fn render-html-fn
comma := ,
space := $(eval) $(eval)
FUNCTION_MODULES := $(subst $(space),$(comma),$(FUNCTIONS))

# Cluster: images are $(REGISTRY)/signup/<function>:$(TAG). The default registry is the one `kn quickstart kind
# --registry` runs, localhost:5001, which it also exempts from Knative's tag-to-digest resolution; REGISTRY=kind.local
# loads the images straight into the kind cluster $(KIND_CLUSTER) instead. k8s/ and knative/ name BASE_REGISTRY.
BASE_REGISTRY := localhost:5001
REGISTRY ?= $(BASE_REGISTRY)
KIND_CLUSTER ?= knative
CONTAINER ?= docker
# One tag per build: the commit, plus a digest of uncommitted changes. Deploying changed code therefore changes each
# Service's image, so Knative makes a new Revision, and names a new migration Job, so the new migrations run.
GIT_COMMIT := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo untracked)
GIT_CHANGES := $(shell git status --porcelain 2>/dev/null | head -c1)
GIT_DIGEST := $(if $(GIT_CHANGES),-dirty-$(shell { git diff HEAD; git ls-files -z --others --exclude-standard \
	| xargs -0 -r cat; } | sha1sum | cut -c1-8))
TAG ?= $(GIT_COMMIT)$(GIT_DIGEST)
# native: GraalVM executables (Dockerfile.native-micro); jvm: JDK 25 with a trained AOT cache (docker/Dockerfile.jvm),
# tagged <tag>-jvm, deployed with the JVM's memory limits (docker/jvm/).
VARIANT ?= native
IMAGE_TAG := $(TAG)$(if $(filter jvm,$(VARIANT)),-jvm)
# default: k8s/ and knative/ (Postgres StatefulSet, in-memory Broker); production: production/ (CloudNativePG, Kafka).
OVERLAY ?= default
OVERLAY_DIR := $(if $(filter production,$(OVERLAY)),production/,)
NAMESPACE := signup
RELEASE_JOB := signup-db-migrate-$(shell tr 'A-Z._' 'a-z--' <<< '$(IMAGE_TAG)')
DEPLOY_DIR ?= target/deploy
# make run: every port can be changed, e.g. make run RENDER_HTML_PORT=9080 (see README).
export RENDER_HTML_PORT SAVE_EMAIL_PORT SEND_EMAIL_PORT BROKER_PORT SMTP_PORT INBOX_PORT POSTGRES_PORT RUN_DIR
export BROKER_RETRY BROKER_BACKOFF_DELAY PING_SCHEDULE ISSUER_PORT
# The maintenance commands call send-email-fn as an operator, with a token of make run's issuer (on the cluster:
# kubectl create token signup-operator -n signup --audience serving.knative.dev/service/signup/send-email-fn).
SEND_EMAIL_LOCAL := http://localhost:$(or $(SEND_EMAIL_PORT),8082)
OPERATOR_TOKEN_URL := http://localhost:$(or $(ISSUER_PORT),8091)/token/signup-operator
AS_OPERATOR = -H "Authorization: Bearer $$(curl -fsS -X POST \
	'$(OPERATOR_TOKEN_URL)?audience=serving.knative.dev/service/signup/send-email-fn')"
# Native executables are built by a local GraalVM/Mandrel when there is one (on the PATH or at GRAALVM_HOME), else
# inside a container.
NATIVE_BUILD := $(if $(or $(shell command -v native-image 2>/dev/null),$(wildcard $(GRAALVM_HOME)/bin/native-image)),,\
	-Dquarkus.native.container-build=true)
# make run, chaos and bench build only when a main source or a pom changed since the last build (a stamp per kind).
MAIN_SOURCES := $(shell find pom.xml */pom.xml bench/*/pom.xml */src/main bench/*/src/main -type f 2>/dev/null)
PACKAGED := target/.packaged
NATIVE_PACKAGED := target/.native-packaged
# NATIVE=1: make run and make chaos start the native executables (make native) instead of the jars.
NATIVE ?=
PACKAGING := $(if $(NATIVE),native,jvm)
RUN_BUILDS := $(PACKAGED) $(if $(NATIVE),$(NATIVE_PACKAGED))

.PHONY: help
help: ## Show the targets and what they do
	@awk 'BEGIN {FS = ":.*## "; printf "Usage: make <target> [VARIABLE=value]\n"} \
		/^##@ / {printf "\n\033[1m%s\033[0m\n", substr($$0, 5)} \
		/^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@printf "\nVariables: REGISTRY=%s TAG=%s VARIANT=%s OVERLAY=%s CONTAINER=%s NATIVE=%s\n" "$(REGISTRY)" "$(TAG)" \
		"$(VARIANT)" "$(OVERLAY)" "$(CONTAINER)" "$(NATIVE)"

##@ Run on this machine
.PHONY: run
run: $(RUN_BUILDS) ## Build what changed, then run the whole system here: page :8080, inbox :8025 (NATIVE=1: native executables)
	java -Dsignup.root=$(CURDIR) -Dsignup.packaging=$(PACKAGING) -jar local-stack/target/local-stack.jar

.PHONY: stats
stats: ## For a running make run stack: invocations, errors, p50/p99 and CPU seconds per function
	java -cp local-stack/target/local-stack.jar io.signup.local.Stats

.PHONY: dashboard-snapshot
dashboard-snapshot: ## For a running make run stack: a real Prometheus scrapes it (SNAPSHOT_WINDOW, PT3M), then monitoring/'s dashboard is drawn from it (target/dashboard/)
	java -Dsignup.root=$(CURDIR) -cp local-stack/target/local-stack.jar io.signup.local.DashboardSnapshot

.PHONY: chaos
chaos: $(RUN_BUILDS) ## Faults under load on the make run stack; fails unless every accepted signup got exactly one mail
	java -Dsignup.root=$(CURDIR) -Dsignup.packaging=$(PACKAGING) -cp local-stack/target/local-stack.jar io.signup.local.chaos.Chaos

.PHONY: dead-letters
dead-letters: ## For a running make run stack: the events the Broker gave up on, as JSON
	curl -fsS $(AS_OPERATOR) $(SEND_EMAIL_LOCAL)/dead-letters

.PHONY: replay
replay: ## For a running make run stack: send the dead letters back into the Broker (ID=<event id> for one)
	curl -fsS $(AS_OPERATOR) -X POST "$(SEND_EMAIL_LOCAL)/dead-letters/replay$(if $(ID),?id=$(ID))"
	@echo

.PHONY: export
export: ## For a running make run stack: everything held about one address, from every table, as JSON (EMAIL=<address>)
	@[[ -n "$(EMAIL)" ]] || { echo "make export: name the address, EMAIL=<address>" >&2; exit 2; }
	curl -fsS $(AS_OPERATOR) -G --data-urlencode 'email=$(EMAIL)' $(SEND_EMAIL_LOCAL)/subjects

.PHONY: forget
forget: ## For a running make run stack: erase one address from every table, keeping only its hash as suppressed (EMAIL=<address>)
	@[[ -n "$(EMAIL)" ]] || { echo "make forget: name the address, EMAIL=<address>" >&2; exit 2; }
	curl -fsS $(AS_OPERATOR) -X POST -G --data-urlencode 'email=$(EMAIL)' $(SEND_EMAIL_LOCAL)/subjects/forget
	@echo

.PHONY: event
event: ## One event's path (ID=<event id>, or EMAIL=<address> for all of its events): stored, published, delivered, mailed or dead-lettered, replayed
	ID='$(ID)' EMAIL='$(EMAIL)' java -cp local-stack/target/local-stack.jar io.signup.local.Timeline

.PHONY: bench
bench: $(PACKAGED) ## Measure start, memory, throughput, latency and cost here (native too after make native native-floors)
	java -Dsignup.root=$(CURDIR) -jar bench/target/bench.jar

.PHONY: build
build: ## Package every function as a runnable JVM app (<function>/target/quarkus-app/quarkus-run.jar)
	$(MVN) package -DskipTests
	mkdir -p target && touch $(PACKAGED)

$(PACKAGED): $(MAIN_SOURCES)
	$(MVN) -q package -DskipTests
	mkdir -p target && touch $@

$(NATIVE_PACKAGED): $(MAIN_SOURCES)
	$(MAKE) native

.PHONY: clean
clean: ## Remove build output
	$(MVN) clean -q

##@ Test
.PHONY: test
test: ## Run every test: functions, browser, manifests (real Postgres, SMTP, HTTP peers, Chromium; no Docker)
	$(MVN) verify

.PHONY: native-sources
native-sources: ## Run every native build step for the three functions without GraalVM (checks reflection, etc.)
	$(MVN) package -Dnative -Dquarkus.native.sources-only=true -DskipTests -pl $(FUNCTION_MODULES) -am

.PHONY: native-test
native-test: ## Build the three native executables, then run the *IT suites against them (LocalStackIT's chain too)
	$(MVN) verify -Dnative $(NATIVE_BUILD) -DskipUnitTests=true -pl $(FUNCTION_MODULES),local-stack -am
	mkdir -p target && touch $(NATIVE_PACKAGED)

##@ Images
.PHONY: native
native: ## Build the three native executables (<function>/target/*-runner; local GraalVM/Mandrel, or a container build)
	$(MVN) package -Dnative $(NATIVE_BUILD) -DskipTests -pl $(FUNCTION_MODULES) -am
	mkdir -p target && touch $(NATIVE_PACKAGED)

.PHONY: native-floors
native-floors: ## Build make bench's empty app and floor app as native executables, for its native section
	$(MVN) package -Dnative $(NATIVE_BUILD) -DskipTests -pl bench/baseline-app,bench/floor-insert-app -am

.PHONY: images
images: $(if $(filter jvm,$(VARIANT)),build,native) ## Build the VARIANT images as TAG (jvm: TAG-jvm) and latest; push them to REGISTRY (kind.local: load into kind)
	for fn in $(FUNCTIONS); do \
		image=$(REGISTRY)/signup/$$fn; \
		if [[ "$(VARIANT)" == jvm ]]; then \
			$(CONTAINER) build -f docker/Dockerfile.jvm --build-arg FUNCTION=$$fn -t $$image:$(IMAGE_TAG) .; \
		else \
			$(CONTAINER) build -f $$fn/src/main/docker/Dockerfile.native-micro -t $$image:$(IMAGE_TAG) $$fn; \
		fi; \
		$(CONTAINER) tag $$image:$(IMAGE_TAG) $$image:latest; \
		if [[ "$(REGISTRY)" == kind.local ]]; then \
			kind load docker-image --name $(KIND_CLUSTER) $$image:$(IMAGE_TAG) $$image:latest; \
		else \
			$(CONTAINER) push $$image:$(IMAGE_TAG); $(CONTAINER) push $$image:latest; \
		fi; \
	done

##@ Cluster
.PHONY: dev-secrets
dev-secrets: kube-context ## Create placeholder Secrets for a development cluster (never overwrites existing ones)
	kubectl apply -f k8s/00-namespace.yaml
	for secret in k8s/dev-secrets/*.example.yaml; do \
		if kubectl get -f $$secret >/dev/null 2>&1; then echo "$$secret: exists, left as it is"; \
		else kubectl create -f $$secret; fi; \
	done

.PHONY: render
render: ## Write what deploy applies to target/deploy/{k8s,knative}: images from REGISTRY at TAG, this release's migration Job
	mkdir -p $(DEPLOY_DIR)/k8s $(DEPLOY_DIR)/knative
	for part in k8s knative; do \
		{ echo "# Generated by make render: $(OVERLAY_DIR)$$part/ with $(VARIANT) images from $(REGISTRY) at $(IMAGE_TAG)."; \
		  echo "resources: [$$(realpath -m --relative-to=$(DEPLOY_DIR)/$$part $(OVERLAY_DIR)$$part)]"; echo "images:"; \
		  for fn in $(FUNCTIONS); do \
			echo "  - {name: $(BASE_REGISTRY)/signup/$$fn, newName: $(REGISTRY)/signup/$$fn, newTag: \"$(IMAGE_TAG)\"}"; \
		  done; \
		  if [[ $$part == knative && "$(VARIANT)" == jvm ]]; then \
			echo "components: [$$(realpath -m --relative-to=$(DEPLOY_DIR)/$$part docker/jvm)]"; \
		  fi; \
		  if [[ $$part == k8s ]]; then \
			echo "patches:"; \
			echo "  - target: {kind: Job, name: signup-db-migrate}"; \
			echo "    patch: '[{\"op\": \"replace\", \"path\": \"/metadata/name\", \"value\": \"$(RELEASE_JOB)\"}]'"; \
		  fi; } > $(DEPLOY_DIR)/$$part/kustomization.yaml; \
	done

.PHONY: deploy
deploy: kube-context render ## Apply k8s/ (OVERLAY=production: production/), run this release's migrations, apply knative/
	@kubectl -n $(NAMESPACE) get secret signup-db signup-db-owner signup-smtp signup-suppression-key >/dev/null || \
		{ echo "Create the Secrets signup-db, signup-db-owner, signup-smtp and signup-suppression-key first (k8s/README.md), or make dev-secrets." >&2; exit 1; }
	kubectl apply -k $(DEPLOY_DIR)/k8s
	$(if $(OVERLAY_DIR),kubectl -n $(NAMESPACE) wait --for=condition=Ready cluster.postgresql.cnpg.io/signup-db --timeout=600s)
	kubectl -n $(NAMESPACE) wait --for=condition=complete job/$(RELEASE_JOB) --timeout=600s
	kubectl -n knative-eventing patch configmap config-features --type merge \
		--patch-file knative/knative-eventing/config-features.yaml
	$(if $(OVERLAY_DIR),kubectl -n knative-eventing patch configmap config-features --type merge \
		--patch-file production/knative-eventing/config-features.yaml)
	kubectl apply -k $(DEPLOY_DIR)/knative
	kubectl -n $(NAMESPACE) wait --for=condition=Ready ksvc --all --timeout=300s

.PHONY: monitoring
monitoring: kube-context ## Apply monitoring/: PodMonitor, alerts and Grafana dashboard (needs the Prometheus Operator)
	kubectl apply -k monitoring/

.PHONY: release
release: images deploy ## images, then deploy, with one TAG

.PHONY: undeploy
undeploy: kube-context render ## Remove the functions, eventing and database server; keep the namespace, data and Secrets
	kubectl delete -k $(DEPLOY_DIR)/knative --ignore-not-found
	kubectl -n $(NAMESPACE) delete statefulset,service,configmap,job,networkpolicy$(if $(OVERLAY_DIR),$(comma)pooler.postgresql.cnpg.io) \
		-l app.kubernetes.io/part-of=signup --ignore-not-found
	@echo "Kept: namespace $(NAMESPACE), its Secrets and the database volume (PersistentVolumeClaims$(if $(OVERLAY_DIR), and the CloudNativePG Cluster)). make destroy removes them."

.PHONY: destroy
destroy: kube-context render ## Delete EVERYTHING, signups and Secrets included: namespace signup (asks CONFIRM=signup)
	@[[ "$(CONFIRM)" == "$(NAMESPACE)" ]] || { echo "make destroy deletes namespace $(NAMESPACE) with every signup, the database volume and the Secrets. To go on: make destroy CONFIRM=$(NAMESPACE)" >&2; exit 1; }
	kubectl delete -k $(DEPLOY_DIR)/knative --ignore-not-found
	kubectl delete namespace $(NAMESPACE) --ignore-not-found --wait

.PHONY: triggers
triggers: ## Show the Triggers with kn: kn trigger list, then kn trigger describe of each
	kn trigger list -n $(NAMESPACE)
	for trigger in send-confirmation-mail send-welcome-mail forget-unsubscribed; do \
		kn trigger describe $$trigger -n $(NAMESPACE); \
	done

.PHONY: kube-context
kube-context:
	@kubectl config current-context >/dev/null 2>&1 || \
		{ echo "No Kubernetes context: point kubectl at your cluster first (KUBECONFIG)." >&2; exit 1; }
