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
  nlohmann-json3-dev libspdlog-dev libcli11-dev libmstch-dev libcsv-dev wrk

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

test: build-debug
	cd $(BUILD_DEBUG) && ctest -j $(JOBS) --output-on-failure --timeout 600

demo: build-release
	@mkdir -p $(DEMO_DIR)
	@$(BUILD_RELEASE)/voronka migrate --db $(DEMO_DB)
	@$(BUILD_RELEASE)/voronka seed-demo --db $(DEMO_DB) --if-empty
	@$(BUILD_RELEASE)/voronka serve --db $(DEMO_DB) --listen $(LISTEN) --web web/dist

bench: build-release
	@bench/run.sh $(BUILD_RELEASE)

clean:
	rm -rf build
