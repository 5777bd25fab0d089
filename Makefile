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

# The whole suite (unit, integration, plugin) with our binary and library built with
# AddressSanitizer and UndefinedBehaviorSanitizer. The install test is left out: it links a
# consumer program without the sanitizer runtime.
ASAN_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
test-asan: deps
	@cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DAR_DEV_MODE=ON -DAR_SANITIZE=ON >/dev/null
	@cmake --build build-asan
	@scripts/install-receptor.sh || echo "receptor unavailable: the mesh tests will skip" >&2
	@$(ASAN_ENV) ctest --test-dir build-asan --output-on-failure -j2 -E '^install\.'

bench: build
	@bench/run.sh $(BUILD)/ansible-runner

clean:
	rm -rf build build-asan
