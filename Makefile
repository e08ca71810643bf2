# Two commands for a newcomer: `make site` (check the evidence, build the site) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: site serve check test dev bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

dev: $(STAMP)

# Check the evidence in this repository and print the findings.
check: $(STAMP)
	$(BIN)/brm check .

# Check the evidence, then build the auditor site into site/. Findings are printed and
# shown on the site; they never stop the build (exit 1 is "findings", exit 2 "could not run").
site: $(STAMP)
	$(BIN)/brm check . || [ $$? -eq 1 ]
	$(BIN)/mkdocs build --strict
	@echo ""
	@echo "The auditor site is in $(CURDIR)/site/ (index.html is the dashboard)."
	@echo "View it with live reload: make serve   (runs .venv/bin/mkdocs serve; open http://127.0.0.1:8000/)"

# Preview the site while editing evidence: rebuilt on every change to registers/, reviews/, surveys/, procedures/.
serve: $(STAMP)
	$(BIN)/mkdocs serve

# The official SARIF 2.1.0 schema, which the tests validate our SARIF against; it is
# published on the npm registry inside Microsoft's SARIF test matchers.
SARIF_SCHEMA := tests/.cache/sarif-schema-2.1.0.json
SARIF_PACKAGE := @microsoft/jest-sarif@1.0.0-beta.0

$(SARIF_SCHEMA):
	mkdir -p tests/.cache/npm
	cd tests/.cache/npm && npm pack --silent $(SARIF_PACKAGE) >/dev/null
	tar -xzf tests/.cache/npm/microsoft-jest-sarif-1.0.0-beta.0.tgz -C tests/.cache/npm package/lib/schemas/sarif-2.1.0-rtm.5.json
	cp tests/.cache/npm/package/lib/schemas/sarif-2.1.0-rtm.5.json $@

# axe-core, the accessibility engine the browser tests inject into the built site; also
# from the npm registry, fetched once.
AXE := tests/.cache/axe.min.js
AXE_VERSION := 4.10.3

$(AXE):
	mkdir -p tests/.cache/npm
	cd tests/.cache/npm && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null
	tar -xzf tests/.cache/npm/axe-core-$(AXE_VERSION).tgz -C tests/.cache/npm package/axe.min.js
	cp tests/.cache/npm/package/axe.min.js $@

test: $(STAMP) $(SARIF_SCHEMA) $(AXE)
	$(BIN)/python -m pytest -n 2 --dist loadfile

bench: $(STAMP)
	$(BIN)/python -m tests.perf.bench

clean:
	rm -rf $(VENV) site .pytest_cache
