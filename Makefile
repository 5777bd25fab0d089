# The front door: `make run` and `make test` install what is missing, build, and run.
BUILD ?= build
BUILD_TYPE ?= RelWithDebInfo
CMAKE_FLAGS ?=

.PHONY: all deps configure build run test test-asan bench clean

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DAR_DEV_MODE=ON $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD)

run: build
	@examples/run-demo.sh $(BUILD)/ansible-runner

# Receptor (for the mesh tests) is built once from the Go module proxy before the suite, so its
# build time does not count against a test's timeout; without the registry those tests skip.
test: build
	@scripts/install-receptor.sh || echo "receptor unavailable: the mesh tests will skip" >&2
	@ctest --test-dir $(BUILD) --output-on-failure -j2

# Unit tests, and the black-box tests that feed hostile input, under AddressSanitizer and
# UndefinedBehaviorSanitizer.
ASAN_INTEGRATION ?= stream_catalogue|stream_worker_lifecycle|run_differential
ASAN_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
test-asan: deps
	@cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DAR_DEV_MODE=ON -DAR_SANITIZE=ON >/dev/null
	@cmake --build build-asan
	@$(ASAN_ENV) ctest --test-dir build-asan --output-on-failure -j2 -L unit
	@$(ASAN_ENV) ctest --test-dir build-asan --output-on-failure -j2 -R 'integration.test_($(ASAN_INTEGRATION))$$'

bench: build
	@bench/run.sh $(BUILD)/ansible-runner

clean:
	rm -rf build build-asan
