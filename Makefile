# Gauntlet quick start: `make run` (install, build, run the demo suite) and `make test`.
# `make test` also replays every fuzz target's corpus and past crashes (ctest label fuzz);
# `make test-asan` runs the whole suite built with ASan and UBSan, and `make fuzz` fuzzes each
# target for FUZZ_SECONDS with libFuzzer, both in one clang sanitizer build (SANITIZE_DIR).
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CTEST_ARGS ?=
SANITIZE_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_PARALLEL ?= $(JOBS)
FUZZ_TARGETS ?=

.PHONY: all setup configure build run run-offline test test-asan fuzz bench bench-engine bench-serve bench-sandbox bench-code clean

all: build

setup:
	@./scripts/setup.sh

$(BUILD_DIR)/build.ninja: CMakeLists.txt
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

configure: setup $(BUILD_DIR)/build.ninja

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	@mkdir -p runs
	./$(BUILD_DIR)/gauntlet eval examples/demo.yaml --db runs/demo.db
	./$(BUILD_DIR)/gauntlet tournament examples/tournament.yaml --db runs/demo.db
	./$(BUILD_DIR)/gauntlet report --db runs/demo.db --html runs/demo.html
	@echo "HTML report: runs/demo.html"

# The offline example suites: a code suite and a judged suite, answered by the fake OpenAI server
# from their answer books (no network, no weights).
run-offline: build
	@mkdir -p runs
	@for s in code judged; do \
	  ./$(BUILD_DIR)/fake_openai_server --port 18931 --book examples/data/$${s}_answers.json > runs/$$s-server.log & \
	  pid=$$!; sleep 1; \
	  ./$(BUILD_DIR)/gauntlet eval examples/$$s.yaml --db runs/$$s.db; status=$$?; \
	  kill $$pid; wait $$pid 2>/dev/null; \
	  [ $$status -eq 0 ] || exit $$status; \
	done

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

# One sanitizer build (clang; ASan, UBSan and libFuzzer's coverage hooks over every part) serves both:
# `make test-asan` runs the whole suite in it (any report fails the test), `make fuzz` runs libFuzzer
# over each fuzz target (fuzz/CMakeLists.txt) for FUZZ_SECONDS, FUZZ_PARALLEL at a time.
$(SANITIZE_DIR)/build.ninja: CMakeLists.txt
	@CC=clang CXX=clang++ cmake -S . -B $(SANITIZE_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGAUNTLET_FUZZ=ON \
		-DGAUNTLET_BUILD_TESTS=ON -DGAUNTLET_BUILD_BENCHMARKS=OFF >/dev/null

test-asan: setup $(SANITIZE_DIR)/build.ninja
	@cmake --build $(SANITIZE_DIR) -j $(JOBS)
	cd $(SANITIZE_DIR) && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

fuzz: setup $(SANITIZE_DIR)/build.ninja
	@cmake --build $(SANITIZE_DIR) -j $(JOBS) --target fuzz_all
	./scripts/run_fuzzers.sh $(SANITIZE_DIR) $(FUZZ_SECONDS) $(FUZZ_PARALLEL) $(FUZZ_TARGETS)

bench: build
	./$(BUILD_DIR)/benchmarks/harness_overhead_bench

# In-tree engine vs llama.cpp (node-llama-cpp) on a random 0.75 B qwen3_moe, 1 and 2 threads.
bench-engine: build
	GAUNTLET=$(BUILD_DIR)/gauntlet BENCH_DIR=$(BUILD_DIR)/bench-engine ./benchmarks/engine_vs_llamacpp.sh

# Batched serving (the engine's scheduler) at concurrency 1, 8, 32 vs one request at a time and vs
# llama.cpp decoding as many sequences in one context, on bench-engine's model (shared), 2 threads.
bench-serve: build
	GAUNTLET=$(BUILD_DIR)/gauntlet BENCH=$(BUILD_DIR)/benchmarks/serve_bench BENCH_DIR=$(BUILD_DIR)/bench-engine ./benchmarks/serve_bench.sh

# The sandbox pool vs a fresh python3 -I -S per job: 2,000 small jobs, one lane per core.
bench-sandbox: build
	./$(BUILD_DIR)/benchmarks/sandbox_bench

# The code scorer: 500 function problems x 10 samples (5 tests each) through the fake server and
# run_suite, vs a python3 -I -S subprocess per test on 500 of the samples, in the same run.
bench-code: build
	./$(BUILD_DIR)/benchmarks/code_scorer_bench

clean:
	rm -rf $(BUILD_DIR) $(SANITIZE_DIR)
