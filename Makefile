# Two commands for a newcomer: `make site` (check the evidence, build the site) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: site check test dev bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

dev: $(STAMP)

# Check the evidence in this repository and print the findings.
check: $(STAMP)
	$(BIN)/brm check .

site: check

# The official SARIF 2.1.0 schema, which the tests validate our SARIF against; it is
# published on the npm registry inside Microsoft's SARIF test matchers.
SARIF_SCHEMA := tests/.cache/sarif-schema-2.1.0.json
SARIF_PACKAGE := @microsoft/jest-sarif@1.0.0-beta.0

$(SARIF_SCHEMA):
	mkdir -p tests/.cache/npm
	cd tests/.cache/npm && npm pack --silent $(SARIF_PACKAGE) >/dev/null
	tar -xzf tests/.cache/npm/microsoft-jest-sarif-1.0.0-beta.0.tgz -C tests/.cache/npm package/lib/schemas/sarif-2.1.0-rtm.5.json
	cp tests/.cache/npm/package/lib/schemas/sarif-2.1.0-rtm.5.json $@

test: $(STAMP) $(SARIF_SCHEMA)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m tests.perf.bench

clean:
	rm -rf $(VENV) site .pytest_cache
