# Falconer: two commands take a fresh Debian 12 machine with the Swift toolchain from clone to result.
#   make run    installs what is missing, builds release, analyses the bundled example alerts
#   make test   installs what is missing, builds, runs every test
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

SWIFT ?= swift
DEBIAN_PACKAGES := libsimdjson-dev libyaml-dev libjemalloc-dev pkg-config jq
BENCH_PACKAGES := time
RELEASE_BIN := .build/release/falconer
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: run test deps bench-deps build release lint format bench clean

## deps: install the Debian packages the build and tests need, only those missing
deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

bench-deps: deps
	@command -v /usr/bin/time >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(BENCH_PACKAGES); }

release: deps
	$(SWIFT) build -c release --product falconer --static-swift-stdlib

build: deps
	$(SWIFT) build

## run: build release and print the reports of the bundled example alerts
run: release
	$(RELEASE_BIN) analyze --no-default-rules examples/alerts.jsonl

## test: every unit, golden, corpus, fuzz and end-to-end test
test: deps
	$(SWIFT) test -Xswiftc -warnings-as-errors

lint:
	$(SWIFT) format lint --strict --recursive --parallel Sources Tests Package.swift Plugins

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift Plugins

## bench: throughput against jq -c and peak RSS; writes docs/performance.md
bench: bench-deps release
	python3 bench/run.py --binary $(RELEASE_BIN) --out docs/performance.md

clean:
	rm -rf .build
