# Gauntlet quick start: `make run` (install, build, run the demo suite) and `make test`.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CTEST_ARGS ?=

.PHONY: all setup configure build run test bench bench-engine bench-serve bench-sandbox clean

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

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

bench: build
	./$(BUILD_DIR)/benchmarks/harness_overhead_bench

# In-tree engine vs llama.cpp (node-llama-cpp) on a random 0.75 B qwen3_moe, 1 and 2 threads.
bench-engine: build
	GAUNTLET=$(BUILD_DIR)/gauntlet BENCH_DIR=$(BUILD_DIR)/bench-engine ./benchmarks/engine_vs_llamacpp.sh

# Batched serving (the engine's scheduler) at concurrency 1, 8, 32 vs one request at a time, on a
# random model of bench-engine's shape (its vocabulary size, the built-in tokenizer), 2 threads.
bench-serve: build
	GAUNTLET=$(BUILD_DIR)/gauntlet BENCH=$(BUILD_DIR)/benchmarks/serve_bench BENCH_DIR=$(BUILD_DIR)/bench-serve ./benchmarks/serve_bench.sh

# The sandbox pool vs a fresh python3 -I -S per job: 2,000 small jobs, one lane per core.
bench-sandbox: build
	./$(BUILD_DIR)/benchmarks/sandbox_bench

clean:
	rm -rf $(BUILD_DIR)
