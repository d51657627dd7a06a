# iosched front door. `make demo` and `make test` work on a fresh Debian 12
# machine as root: they install what is missing, build, and run.

BUILD    ?= build
ASAN     ?= build-asan
JOBS     ?= $(shell nproc)
GEN      := $(shell command -v ninja >/dev/null 2>&1 && echo "-G Ninja")
IOSCHED  := $(BUILD)/bin/iosched
DEMO_OUT ?= demo-out
SIM_REQUESTS ?= 1000000
DEMO_TRACE ?= traces/data/msr_hm0-msr-cambridge1-sample.csv

.PHONY: all deps build demo test test-cluster sanitize bench clean format fuzz

all: build

deps:
	@scripts/install-deps.sh $(DEPS_FLAGS)

# The report rendering test needs a browser: `make test` installs chromium
# (a target-specific variable, so it reaches the deps prerequisite).
test: DEPS_FLAGS := --with-browser

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	@mkdir -p $(DEMO_OUT)
	@echo "== Replaying $(DEMO_TRACE) (MSR Cambridge hm_0, 1,000 real requests)"
	@echo "== on the HP C2247A model, offsets scaled onto the drive, arrivals 20x faster"
	$(IOSCHED) report $(DEMO_TRACE) --disk hp-c2247a --fit scale --time-scale 0.05 \
	    --output $(DEMO_OUT)
	@echo "== Report: $(DEMO_OUT)/report.html (self-contained), $(DEMO_OUT)/report.md; JSON and CSV: $(DEMO_OUT)/compare.json, compare.csv"

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# A 4-shard study on a single-node Slurm started for the test (job array +
# dependent merge) and through GNU parallel, merged and compared cell by
# cell with one --jobs 1 process. Root only (munged, slurmd).
test-cluster: build
	scripts/test-cluster.sh $(BUILD)

sanitize: deps
	cmake -S . -B $(ASAN) $(GEN) -DCMAKE_BUILD_TYPE=Debug -DIOSCHED_SANITIZE=ON \
	    -DIOSCHED_BUILD_BENCH=OFF
	cmake --build $(ASAN) -j $(JOBS)
	cd $(ASAN) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    ctest --output-on-failure -j $(JOBS)

bench: build
	@# direct_bench (iosched vs fio, O_DIRECT) keeps its 1 GiB data file in $(BUILD).
	@for b in $(BUILD)/bin/*_bench; do [ -x "$$b" ] && IOSCHED_BENCH_DIR=$(BUILD) "$$b" || exit 1; done
	@echo "== simulator throughput and scale (bench/sim_throughput.sh; SIM_REQUESTS=$(SIM_REQUESTS))"
	bench/sim_throughput.sh $(BUILD) $(SIM_REQUESTS) 30 20

# libFuzzer targets (fuzz/), built with clang in their own directory and run
# for FUZZ_SECONDS each (CI: 10 s; longer on demand: make fuzz FUZZ_SECONDS=600).
FUZZ       ?= build-fuzz
FUZZ_SECONDS ?= 10
fuzz: deps
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ) $(GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	    -DIOSCHED_BUILD_FUZZ=ON -DIOSCHED_BUILD_TESTS=OFF -DIOSCHED_BUILD_BENCH=OFF \
	    -DIOSCHED_BUILD_TOOLS=ON
	cmake --build $(FUZZ) -j $(JOBS) --target fuzz_all
	@for f in $(FUZZ)/bin/fuzz_*; do \
	    name=$$(basename $$f | sed 's/^fuzz_//; s/_/-/g'); \
	    mkdir -p $(FUZZ)/corpus/$$name $(FUZZ)/artifacts; \
	    echo "== $$name ($(FUZZ_SECONDS) s)"; \
	    $$f -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -print_final_stats=1 \
	        -artifact_prefix=$(FUZZ)/artifacts/$$name- \
	        $(FUZZ)/corpus/$$name fuzz/corpus/$$name > $(FUZZ)/$$name.log 2>&1 || \
	        { tail -40 $(FUZZ)/$$name.log; echo "fuzz: $$name failed, see $(FUZZ)/artifacts"; exit 1; }; \
	    grep -E "^stat::number_of_executed_units" $(FUZZ)/$$name.log; \
	done

format:
	clang-format -i $$(git ls-files '*.cc' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN) $(DEMO_OUT) $(FUZZ)
