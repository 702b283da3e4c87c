# `make run`: set up .venv and start the app.  `make test`: set up .venv and run every test.
# `make test-fast`: everything but the browser, load, Ray and training-smoke tests (a quick loop while coding).
VENV ?= .venv
PY := $(VENV)/bin/python
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_DISABLE_TELEMETRY := 1

.PHONY: run test test-fast bench clean

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt requirements-scale.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	$(PY) app.py $(ARGS)

test: $(VENV)/.dev-installed
	$(PY) -m pytest

test-fast: $(VENV)/.dev-installed
	$(PY) -m pytest -m "not (browser or load or ray or training)"

bench: $(VENV)/.installed
	$(PY) -m bench.bench_speed

clean:
	rm -rf $(VENV) outputs .pytest_cache
