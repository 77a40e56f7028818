# atlasbrokers-webhooks: `make test` checks everything, `make dev` is the main job.
# Every target installs what it needs (idempotent); pinned tools go to .tools/ (git-ignored).

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

WASM_TARGET := wasm32-unknown-unknown
# Must equal the wasm-bindgen version in Cargo.lock (pinned with `=` in Cargo.toml).
WASM_BINDGEN_VERSION := 0.2.130
TOOLS := $(CURDIR)/.tools
WASM_BINDGEN := $(TOOLS)/bin/wasm-bindgen
NODE_BIN := $(CURDIR)/node_modules/.bin
# npm's binaryen (wasm-opt 132); never Debian's wasm-opt 108, whose output crashes at load.
WASM_OPT := $(NODE_BIN)/wasm-opt
# The npm package's wasm: pkg-template/bindings (JS bindings over the core), named after the
# package by wasm-bindgen --out-name.
BINDINGS_WASM := target/$(WASM_TARGET)/npm/atlasbrokers_webhooks_wasm.wasm
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
TARBALL := target/atlasbrokers-webhooks-$(VERSION).tgz
EVENT ?= deal.won
WASM_TEST := CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=$(TOOLS)/bin/wasm-bindgen-test-runner \
	cargo test --target $(WASM_TARGET) -p atlasbrokers-webhooks-wasm
# Folders whose code imports the package by name.
PKG_CONSUMERS := tests/js tests/frameworks worker/tests examples/express examples/fetch-handler

.PHONY: help setup debian-tools wasm-bindgen worker-build twiggy npm-tools worker pkg build pack test test-js dev send example generate size sizes bench fuzz soak

help:
	@echo "make test      everything: fmt, clippy, Rust tests (native, wasm in Node and Chromium), docs,"
	@echo "               and the npm package's suites (Node, types, bundlers, Deno, Bun, workerd, Chromium)"
	@echo "make build     the npm package in pkg/      make pack   its tarball in target/"
	@echo "make dev       the edge verifier under wrangler dev on :8787, with a demo destination"
	@echo "make send      a signed sample to it (EVENT=deal.won)"
	@echo "make generate  rewrite files derived from src/catalog/ (README tables, fixtures, JS and TS)"
	@echo "make size      sizes of the npm .wasm, entries, tarball, worker upload and operator console"
	@echo "make screenshots  the operator console's screenshots in docs/ (from its browser suite)"
	@echo "make bench     suites against peers in one run (ratios), written to BENCHMARKS.md"
	@echo "make fuzz      every cargo-fuzz target for FUZZ_SECONDS each (default 300)"
	@echo "make soak      2,000 deliveries through the edge verifier with failing destinations,"
	@echo "               written to RELIABILITY.md"

# Rust components and the wasm target; python3 and node run the guide's snippets in tests.
setup:
	@rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
	@rustup component list --installed | grep -q '^clippy' || rustup component add clippy
	@rustup target list --installed | grep -qx '$(WASM_TARGET)' || rustup target add $(WASM_TARGET)
	@command -v python3 >/dev/null || { echo "python3 is required (apt-get install -y python3)"; exit 1; }
	@command -v node >/dev/null || { echo "node is required (apt-get install -y nodejs)"; exit 1; }

test: setup wasm-bindgen npm-tools debian-tools
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy --target $(WASM_TARGET) -p atlasbrokers-webhooks -p atlasbrokers-webhooks-wasm -p atlasbrokers-edge --lib --tests -- -D warnings
	cargo test --workspace
	$(WASM_TEST) --test wasm
	CHROMEDRIVER=$$(command -v chromedriver) $(WASM_TEST) --test wasm_browser
	cargo build --release --lib --target $(WASM_TARGET)
	RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps
	bash fuzz/run.sh $(FUZZ_SMOKE_SECONDS)
	$(MAKE) --no-print-directory test-js

# The npm package's JS suites, against the packed tarball unpacked where each suite imports it.
# Two test files at a time: most of their time is wrangler dev and Chromium starting, and
# destinations' retry waits, not CPU.
TEST_CONCURRENCY ?= 2
test-js: pack worker
	@for d in $(PKG_CONSUMERS); do \
		rm -rf $$d/node_modules/atlasbrokers-webhooks && mkdir -p $$d/node_modules/atlasbrokers-webhooks && \
		tar -xzf $(TARBALL) -C $$d/node_modules/atlasbrokers-webhooks --strip-components=1; \
	done
	$(NODE_BIN)/tsc -p tests/js/types/tsconfig.json
	node --test --test-concurrency=$(TEST_CONCURRENCY) tests/js/*.test.mjs tests/js/*.test.cjs tests/frameworks/*.test.mjs worker/tests/*.test.mjs
	node bench/run.mjs --quick
	node bench/soak.mjs --deliveries 150 --out target/RELIABILITY.smoke.md

WRANGLER_ENV := WRANGLER_SEND_METRICS=false WRANGLER_HIDE_BANNER=true CLOUDFLARE_CF_FETCH_ENABLED=false

# The edge verifier under wrangler dev on 127.0.0.1:8787 (local queue and KV), with a demo
# destination on :8788 standing in for Zapier and Make.
dev: worker
	@test -f .dev.vars || { cp .dev.vars.example .dev.vars; echo "created .dev.vars from .dev.vars.example"; }
	@echo "edge verifier: http://127.0.0.1:8787/webhooks/atlasbrokers  (health: /healthz)"
	@echo "send a signed sample from another terminal:  make send EVENT=deal.won"
	@$(WRANGLER_ENV) $(NODE_BIN)/wrangler d1 migrations apply LEDGER --local --persist-to .wrangler/state >/dev/null
	@node examples/demo-destination/server.mjs & demo=$$!; trap 'kill $$demo 2>/dev/null' EXIT INT TERM; \
		$(WRANGLER_ENV) $(NODE_BIN)/wrangler dev --local --ip 127.0.0.1 --port 8787 \
		--persist-to .wrangler/state --show-interactive-dev-session=false

# A signed sample delivery to the running `make dev` (signed with the core's sign()).
send:
	@cargo run --quiet --example send -- $(EVENT)

# The core crate's example: sign a sample as AtlasBrokers would and verify it.
example:
	cargo run --quiet --example sign_and_verify -- $(EVENT)

generate:
	cargo run --quiet -p atlasbrokers-generate

# From Debian: headless Chromium and its driver (browser tests; no browser download), and wrk
# (the edge verifier's load run), openssl (the native suite's SHA-256 limit).
debian-tools:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null && command -v wrk >/dev/null && command -v openssl >/dev/null || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver wrk openssl; }

# Pinned JS tools (esbuild, binaryen, wrangler, deno, ...) from package-lock.json.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
npm-tools: node_modules/.package-lock.json

# worker-build looks for each tool in an env var before trying to download it (offline here).
WORKER_BUILD_ENV := WASM_BINDGEN_BIN=$(WASM_BINDGEN) ESBUILD_BIN=$(NODE_BIN)/esbuild WASM_OPT_BIN=$(WASM_OPT)
WORKER_BUILD_VERSION := 0.8.7

worker-build:
	@$(TOOLS)/bin/worker-build --version 2>/dev/null | grep -qE '(^| )$(WORKER_BUILD_VERSION)$$' || \
		cargo install --force worker-build --version $(WORKER_BUILD_VERSION) --root $(TOOLS)

# The edge verifier: worker/ compiled by worker-build into worker/build/ (wrangler.toml's main).
worker: setup wasm-bindgen npm-tools worker-build
	cd worker && $(WORKER_BUILD_ENV) $(TOOLS)/bin/worker-build --release

# The npm package in pkg/ and the edge verifier in worker/build/.
build: pkg worker

# The npm package: the bindings crate (over the core), wasm-bindgen glue, wasm-opt, JS wrapper.
pkg: setup wasm-bindgen npm-tools
	cargo build --profile npm -p atlasbrokers-webhooks-wasm --target $(WASM_TARGET)
	rm -rf target/wasm-bindgen
	$(WASM_BINDGEN) --target web --out-name atlasbrokers_webhooks --out-dir target/wasm-bindgen $(BINDINGS_WASM)
	$(WASM_OPT) -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
		--enable-mutable-globals --strip-debug --strip-producers \
		-o target/wasm-bindgen/atlasbrokers_webhooks_bg.wasm target/wasm-bindgen/atlasbrokers_webhooks_bg.wasm
	node pkg-template/build.mjs target/wasm-bindgen pkg

pack: pkg
	cd pkg && npm pack --silent --pack-destination ../target >/dev/null
	@echo "$(TARBALL)"

# The CLI must match Cargo.lock's wasm-bindgen exactly; a stale one is replaced.
# (Not --locked: this registry mirror lags one of its transitive dependencies.)
wasm-bindgen:
	@$(WASM_BINDGEN) --version 2>/dev/null | grep -q ' $(WASM_BINDGEN_VERSION)$$' || \
		cargo install --force wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --root $(TOOLS)

# Sizes of what users download and what operators upload. Budgets: npm .wasm 40 KB gzip,
# worker upload 300 KB gzip, operator console 60 KB gzip. `make sizes` prints the numbers only
# (the quick bench inside `make test` reads them); `make size` adds the top contributors.
size: sizes twiggy
	@echo; echo "Top contributors (twiggy top; names from the builds before wasm-bindgen and wasm-opt,"
	@echo "which strip the name and bindgen sections and shrink each function):"
	@for w in $(BINDINGS_WASM) target/$(WASM_TARGET)/release/atlasbrokers_edge.wasm; do echo; echo "$$w"; \
		$(TOOLS)/bin/twiggy top -n 14 $$w | grep -v "function names\|__wasm_bindgen_unstable\|\.\.\. and\|Σ" | head -13; done

sizes: build pack
	@f=pkg/atlasbrokers_webhooks_bg.wasm; \
		printf '%-46s %7s bytes raw, %6s bytes gzip -9\n' "npm .wasm (after wasm-opt -Oz):" "$$(wc -c < $$f)" "$$(gzip -9 -c $$f | wc -c)"; \
		for f in pkg/index.mjs pkg/workerd.mjs; do \
		printf '%-46s %7s bytes raw, %6s bytes gzip -9\n' "$$f:" "$$(wc -c < $$f)" "$$(gzip -9 -c $$f | wc -c)"; done; \
		printf '%-46s %7s bytes\n' "$(TARBALL):" "$$(wc -c < $(TARBALL))"
	@rm -rf target/worker-upload && $(WRANGLER_ENV) $(NODE_BIN)/wrangler deploy --dry-run --outdir target/worker-upload >/dev/null
	@# The modules wrangler uploads: not the source map esbuild writes beside them (uploaded only
	@# with upload_source_maps, unset in wrangler.toml; Cloudflare never counts it in a Worker's
	@# size) nor the README wrangler writes there.
	@raw=0; gz=0; for f in target/worker-upload/*; do case $$f in *.map|*/README.md) continue;; esac; \
		raw=$$((raw + $$(wc -c < $$f))); gz=$$((gz + $$(gzip -9 -c $$f | wc -c))); done; \
		printf '%-46s %7s bytes raw, %6s bytes gzip -9\n' "worker upload (wrangler deploy --dry-run):" "$$raw" "$$gz"
	@raw=0; gz=0; for f in worker/console/index.html worker/console/console.js worker/console/console.css; do \
		raw=$$((raw + $$(wc -c < $$f))); gz=$$((gz + $$(gzip -9 -c $$f | wc -c))); done; \
		printf '%-46s %7s bytes raw, %6s bytes gzip -9\n' "operator console (3 files; budget 60 KB gzip):" "$$raw" "$$gz"

# The operator console's screenshots in docs/ (shown in README's operator section), taken by
# its browser suite against the built worker (a normal run writes them to target/screenshots/).
.PHONY: screenshots
screenshots: pack worker debian-tools
	@rm -rf worker/tests/node_modules/atlasbrokers-webhooks && mkdir -p worker/tests/node_modules/atlasbrokers-webhooks && \
		tar -xzf $(TARBALL) -C worker/tests/node_modules/atlasbrokers-webhooks --strip-components=1
	SCREENSHOTS_DIR=docs node --test worker/tests/console.test.mjs

# twiggy (crates.io), pinned: the top size contributors in `make size`.
TWIGGY_VERSION := 0.8.0
twiggy:
	@$(TOOLS)/bin/twiggy --version 2>/dev/null | grep -q ' $(TWIGGY_VERSION)$$' || \
		cargo install --locked --force twiggy --version $(TWIGGY_VERSION) --root $(TOOLS)

# The hand-written parsers under cargo fuzz (nightly and cargo-fuzz installed on first use):
# the header, Summary::parse against serde_json, timestamps, the worker's config, Retry-After.
# `make test` runs each for FUZZ_SMOKE_SECONDS; seeds are committed under fuzz/seeds/.
FUZZ_SECONDS ?= 300
FUZZ_SMOKE_SECONDS ?= 10
fuzz: setup
	bash fuzz/run.sh $(FUZZ_SECONDS)

# Reliability under failing destinations, written to RELIABILITY.md (a smoke run is in make test),
# with the accept latency of SOAK_BASELINE (the last commit before the delivery ledger) measured
# in the same run: its worker is built from `git archive` into target/baseline/.
SOAK_BASELINE ?= 17b22c8
soak: pack worker debian-tools worker-build
	@if [ ! -f target/baseline/$(SOAK_BASELINE)/worker/build/index.js ]; then \
		rm -rf target/baseline/$(SOAK_BASELINE) && mkdir -p target/baseline/$(SOAK_BASELINE) && \
		git archive $(SOAK_BASELINE) | tar -x -C target/baseline/$(SOAK_BASELINE) && \
		cd target/baseline/$(SOAK_BASELINE)/worker && $(WORKER_BUILD_ENV) $(TOOLS)/bin/worker-build --release; fi
	node bench/soak.mjs --baseline target/baseline/$(SOAK_BASELINE)/worker/build --baseline-label $(SOAK_BASELINE)

# Speed against the peers that matter, measured side by side in one run (ratios, not times).
bench: build pack debian-tools
	node bench/run.mjs
