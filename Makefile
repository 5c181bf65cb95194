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

# The whole test suite; integration tests start their own embedded broker.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# Dev mode: the embedded broker on $(BROKER_ADDRESS), with the example's topics.
dev: deps
	$(SWIFT) build
	$$($(SWIFT) build --show-bin-path)/packetflow dev --listen $(BROKER_ADDRESS)

broker: deps
	$(SWIFT) build
	$$($(SWIFT) build --show-bin-path)/packetflow broker --listen $(BROKER_ADDRESS)

bench: deps
	Benchmarks/run.sh

fmt: build
	$$($(SWIFT) build --show-bin-path)/packetflow fmt --write examples/*.pf

clean:
	rm -rf .build
