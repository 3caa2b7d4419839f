# Stakecast: two commands on a fresh Debian 12 machine (as root):
#   make demo   install what is missing, build (release), run the main job
#   make test   install what is missing, build (dev), run every test
JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 30

.PHONY: all deps demo test build-dev build-release asan fuzz bench format interop-deps clean

all: build-dev

deps:
	@bash scripts/install-deps.sh

build-dev: deps
	cmake --preset dev >/dev/null
	cmake --build --preset dev -j $(JOBS)

build-release: deps
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)

test: build-dev
	ctest --preset dev -j $(JOBS)

# The simulator comparison on the embedded Solana epoch 780 set (1,283 validators, WonderProxy pings): one
# 1 MiB block, 1 Gbit/s per node, Rotor vs Turbine vs gossipsub vs direct. The old shredding demo is
# `stakecast-bench demo`.
demo: build-release
	./build/release/apps/stakecast-sim/stakecast-sim --leader random --block-size 1048576 --shred-size 1024 \
	  --upload-mbps 1000 --strategies rotor-psp,turbine,gossipsub,direct --plot build/demo

bench: build-release
	./build/release/apps/stakecast-bench/stakecast-bench all --json build/release/bench.json

asan: deps
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan -j $(JOBS)

fuzz: deps
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz -j $(JOBS) --target fuzzers
	bash scripts/run-fuzzers.sh build/fuzz $(FUZZ_SECONDS)

format:
	git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build
