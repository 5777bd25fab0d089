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

test: build
	@ctest --test-dir $(BUILD) --output-on-failure -j2

# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer.
test-asan:
	@$(MAKE) test BUILD=build-asan BUILD_TYPE=Debug CMAKE_FLAGS=-DAR_SANITIZE=ON

bench: build
	@bench/run.sh $(BUILD)/ansible-runner

clean:
	rm -rf build build-asan
