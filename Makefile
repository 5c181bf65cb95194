# PacketFlow: the commands people look for.
SWIFT ?= swift
BROKER_ADDRESS ?= 127.0.0.1:9092

.PHONY: deps build release test dev broker bench fmt clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# The whole test suite; integration tests start their own embedded broker. At most
# TEST_WIDTH tests run at once: each integration test runs a broker and worker processes, and
# unbounded, a 2-core machine runs dozens of them together and their time limits pass.
TEST_WIDTH ?= 6
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --experimental-maximum-parallelization-width $(TEST_WIDTH)

# Dev mode: the embedded broker on $(BROKER_ADDRESS), the reactor (web page on
# http://127.0.0.1:8080/ui) and examples/dev, with DEV_LOAD events/s for DEV_LOAD_FOR so the
# reactor scales out and back in; ends after DEV_DURATION (DEV_DURATION=0 runs until Ctrl-C).
DEV_LOAD ?= 150
DEV_LOAD_FOR ?= 60s
DEV_DURATION ?= 4m
dev: deps
	$(SWIFT) build --product packetflow
	$$($(SWIFT) build --show-bin-path)/packetflow dev --listen $(BROKER_ADDRESS) --load $(DEV_LOAD) \
		--load-for $(DEV_LOAD_FOR) $(if $(filter 0,$(DEV_DURATION)),,--duration $(DEV_DURATION))

broker: deps
	$(SWIFT) build
	$$($(SWIFT) build --show-bin-path)/packetflow broker --listen $(BROKER_ADDRESS)

bench: deps
	Benchmarks/run.sh

# Formats the example molecules; the concept's example stays exactly as the concept wrote it.
fmt: build
	$$($(SWIFT) build --show-bin-path)/packetflow fmt --write $(filter-out examples/processing-pipeline.pf,$(wildcard examples/*.pf examples/*/*.pf))

clean:
	rm -rf .build
