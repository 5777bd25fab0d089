# The front door: `make run` and `make test` install what is missing, build, and run.
BUILD ?= build
BUILD_TYPE ?= RelWithDebInfo
CMAKE_FLAGS ?=

.PHONY: all deps configure build run test test-asan fuzz bench ee-image clean

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DAR_DEV_MODE=ON $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD)

# The demo needs the executable and the callback plugin only, not the tests and examples.
run: configure
	@cmake --build $(BUILD) --target ansible-runner callback_plugin
	@examples/run-demo.sh $(BUILD)/ansible-runner

# Receptor (for the mesh tests) is built once from the Go module proxy before the suite, so its
# build time does not count against a test's timeout; without the registry those tests skip.
test: build
	@scripts/install-receptor.sh || echo "receptor unavailable: the mesh tests will skip" >&2
	@ctest --test-dir $(BUILD) --output-on-failure -j2

# The whole suite (unit, integration, plugin) with our binary and library built with
# AddressSanitizer and UndefinedBehaviorSanitizer. The install test is left out: it links a
# consumer program without the sanitizer runtime; so are the Python package's tests (python.*):
# they build the package with pip, and an interpreter loads no sanitized module without an
# LD_PRELOADed runtime.
ASAN_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
test-asan: deps
	@cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DAR_DEV_MODE=ON -DAR_SANITIZE=ON >/dev/null
	@cmake --build build-asan
	@scripts/install-receptor.sh || echo "receptor unavailable: the mesh tests will skip" >&2
	@$(ASAN_ENV) ctest --test-dir build-asan --output-on-failure -j2 -E '^(install|python)\.'

# libFuzzer targets (tests/fuzz, docs/fuzzing.md), built with clang and the sanitizers, each run
# for FUZZ_SECONDS from the seed corpora. `make test` only replays the corpora (no clang needed).
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= job_stream result_stream zip_extract env_files output_filter
fuzz: deps
	@scripts/install-deps.sh clang-14 libclang-rt-14-dev
	@cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 \
	  -DAR_FUZZ=ON -DAR_DEV_MODE=ON -DAR_BUILD_EXAMPLES=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build build-fuzz --target fuzz_targets
	@scripts/run-fuzzers.sh build-fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# The execution environment image: Debian's ansible-core and our runner (docs/containers.md).
ee-image: build
	@scripts/ee-image.sh ee

# The many_jobs case also runs its jobs through a Receptor mesh (skipped, and said so, without it).
bench: build
	@scripts/install-receptor.sh || echo "receptor unavailable: many_jobs' mesh variant will not be measured" >&2
	@bench/run.sh $(BUILD)/ansible-runner

clean:
	rm -rf build build-asan build-fuzz

# Upstream's own test suite (ansible-runner 2.3.1's test/ tree from PyPI's sdist) against the
# reference and against our Python package, compared per test function (tests/python/upstream).
.PHONY: test-upstream
test-upstream: deps
	@tests/python/upstream/run.sh $(BUILD)
