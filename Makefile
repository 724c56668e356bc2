# Voronka — two commands: `make demo` and `make test`.
# Every step CI needs lives here; CI runs `make test` on a clean clone.

SHELL := /bin/bash
JOBS ?= $(shell nproc)
BUILD_DEBUG := build/debug
BUILD_RELEASE := build/release
DEMO_DIR ?= demo
DEMO_DB ?= $(DEMO_DIR)/voronka.db
LISTEN ?= 127.0.0.1:8080

# Debian packages the build, the tests and the demo need.
DEB_PACKAGES := build-essential cmake ninja-build ccache pkg-config \
  libboost1.74-dev libsqlite3-dev sqlite3 libpqxx-dev postgresql-15 \
  libyaml-cpp-dev libsodium-dev libhowardhinnant-date-dev tzdata \
  libcurl4-openssl-dev python3-aiosmtpd libxlsxwriter-dev libgtest-dev libgmock-dev \
  nlohmann-json3-dev libspdlog-dev libcli11-dev libmstch-dev libcsv-dev wrk chromium

.PHONY: all deps deps-debian build-debug build-release test demo bench clean

all: build-release

deps: deps-debian

# Installs only what is missing; quiet when everything is present.
deps-debian:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

build-debug: deps
	@cmake -S . -B $(BUILD_DEBUG) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DVORONKA_WERROR=ON >/dev/null
	@cmake --build $(BUILD_DEBUG) -j $(JOBS)

build-release: deps
	@cmake -S . -B $(BUILD_RELEASE) -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD_RELEASE) -j $(JOBS)

# Every test on SQLite, and the storage and API tests again on PostgreSQL (pg.*): a throwaway
# cluster (Debian's postgresql-15, Unix socket only) lives for the run and is removed after it,
# also when tests fail.
test: build-debug
	cd $(BUILD_DEBUG) && $(CURDIR)/tests/with_postgres.sh ctest -j $(JOBS) --output-on-failure --timeout 600

demo: build-release
	@mkdir -p $(DEMO_DIR)
	@$(BUILD_RELEASE)/src/voronka migrate --db $(DEMO_DB)
	@$(BUILD_RELEASE)/src/voronka seed-demo --db $(DEMO_DB) --if-empty
	@$(BUILD_RELEASE)/src/voronka serve --db $(DEMO_DB) --listen $(LISTEN) --web web/dist

bench: build-release
	@bench/run.sh $(BUILD_RELEASE)
	@$(BUILD_RELEASE)/bench/voronka_engine_bench --steps 1000000 --cards 1000000
	@$(BUILD_RELEASE)/bench/voronka_routing_bench --decisions 1000000 --leads 5000

clean:
	rm -rf build

# ---- Web UI (web/, TypeScript + Vite; needs Node 20 and npm) --------------------------
# `make web` installs the locked npm packages (also playwright-core for tests/e2e) and builds
# web/dist, each step only when its inputs changed. The server serves web/dist (--web).
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) \
  web/index.html web/package.json web/tsconfig.json web/vite.config.ts
WEB_NPM_STAMP := web/node_modules/.voronka-npm-ci

.PHONY: web screenshots

web: web/dist/index.html

$(WEB_NPM_STAMP): web/package.json web/package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js 20) is needed to build the web UI" >&2; exit 1; }
	cd web && npm ci --no-audit --no-fund
	@touch $@

web/dist/index.html: $(WEB_NPM_STAMP) $(WEB_SOURCES)
	cd web && npm run build

build-debug: web
build-release: web

# Screenshots of the board, a card and the desktop (1280×800) from the browser test, taken
# in a Russian browser (chromium-l10n makes native date inputs show 24.11.2026, 14:00).
screenshots: build-debug
	@$(MAKE) --no-print-directory deps-debian DEB_PACKAGES=chromium-l10n
	VORONKA_BINARY=$(BUILD_DEBUG)/src/voronka VORONKA_SCREENSHOTS=$(CURDIR)/docs/screenshots \
	  node --test tests/e2e/

# ---- Fuzzing (fuzz/, libFuzzer with Debian's clang) ------------------------------------
# `make fuzz` builds the fuzz targets in build/fuzz (clang, ASan + UBSan) and runs each for
# FUZZ_SECONDS against its seed corpus in fuzz/corpus/<target>/, then prints executions and
# crashes per target. Its packages are not needed by `make test`.
FUZZ_SECONDS ?= 60
BUILD_FUZZ := build/fuzz
FUZZ_PACKAGES := clang libclang-rt-14-dev
FUZZ_TARGETS := write_body pipeline_yaml scoring_yaml calendar_yaml text_normalize import_rows email_template

.PHONY: fuzz fuzz-build

fuzz-build: deps
	@$(MAKE) --no-print-directory deps-debian DEB_PACKAGES="$(FUZZ_PACKAGES)"
	@CC=clang CXX=clang++ cmake -S . -B $(BUILD_FUZZ) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVORONKA_FUZZ=ON >/dev/null
	@cmake --build $(BUILD_FUZZ) -j $(JOBS) --target voronka_fuzz

fuzz: fuzz-build
	@fuzz/run.sh $(BUILD_FUZZ) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# ---- Debian package (CPack; packaging/) -----------------------------------------------
# `make package` builds build/release/voronka_<version>_<arch>.deb: the server, web/dist, the
# shipped YAML, a systemd unit (user voronka, ProtectSystem=strict, state in /var/lib/voronka,
# settings in /etc/voronka/voronka.conf). `make package-test` checks its contents and runs the
# packaged server from an extracted copy (no root needed; see packaging/test_package.sh).
.PHONY: package package-test

package: build-release
	cd $(BUILD_RELEASE) && cpack -G DEB

package-test: package
	packaging/test_package.sh "$$(ls -t $(BUILD_RELEASE)/voronka_*.deb | head -1)"
