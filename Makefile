# Sound-On developer commands. `make run` and `make test` set up everything they need first.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
XVFB := xvfb-run -a -s "-screen 0 1600x1000x24 -nolisten tcp"

.PHONY: setup run test test-slow bench package clean

setup:
	@bash packaging/bootstrap.sh

run: setup
	@if [[ -z "$$DISPLAY" && -z "$$WAYLAND_DISPLAY" ]]; then \
	  echo "No display found: starting Sound-On on a virtual display (Xvfb). Run it from a desktop session to see it."; \
	  $(XVFB) $(VENV)/bin/soundon; \
	else \
	  $(VENV)/bin/soundon; \
	fi

test: setup
	@$(XVFB) $(PY) -m pytest -m "not slow and not bench" $(PYTEST_ARGS)

test-slow: setup
	@bash packaging/bootstrap.sh --slow
	@$(XVFB) $(PY) -m pytest -m "slow" $(PYTEST_ARGS)

bench: setup
	@$(XVFB) $(PY) -m pytest tests/benchmarks -m bench -s -p no:cacheprovider $(PYTEST_ARGS)

package: setup
	@bash packaging/bootstrap.sh --package
	@bash packaging/build-linux.sh

clean:
	rm -rf build dist .pytest_cache
