# iosched front door. `make demo` and `make test` work on a fresh Debian 12
# machine as root: they install what is missing, build, and run.

BUILD    ?= build
ASAN     ?= build-asan
JOBS     ?= $(shell nproc)
GEN      := $(shell command -v ninja >/dev/null 2>&1 && echo "-G Ninja")
IOSCHED  := $(BUILD)/bin/iosched
DEMO_OUT ?= demo-out
DEMO_TRACE ?= traces/data/msr_hm0-msr-cambridge1-sample.csv

.PHONY: all deps build demo test sanitize bench clean format

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	@mkdir -p $(DEMO_OUT)
	@echo "== Replaying $(DEMO_TRACE) (MSR Cambridge hm_0, 1,000 real requests)"
	@echo "== on the HP C2247A model, offsets scaled onto the drive, arrivals 20x faster"
	$(IOSCHED) compare $(DEMO_TRACE) --disk hp-c2247a --fit scale --time-scale 0.05 \
	    --plot $(DEMO_OUT)
	$(IOSCHED) compare $(DEMO_TRACE) --disk hp-c2247a --fit scale --time-scale 0.05 \
	    --format json > $(DEMO_OUT)/compare.json
	@echo "== JSON: $(DEMO_OUT)/compare.json; plots: $(DEMO_OUT)/*.png, *.svg"

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

sanitize: deps
	cmake -S . -B $(ASAN) $(GEN) -DCMAKE_BUILD_TYPE=Debug -DIOSCHED_SANITIZE=ON \
	    -DIOSCHED_BUILD_BENCH=OFF
	cmake --build $(ASAN) -j $(JOBS)
	cd $(ASAN) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    ctest --output-on-failure -j $(JOBS)

bench: build
	@for b in $(BUILD)/bin/*_bench; do [ -x "$$b" ] && "$$b" || exit 1; done

format:
	clang-format -i $$(git ls-files '*.cc' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN) $(DEMO_OUT)
