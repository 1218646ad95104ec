.PHONY: help demo test test-ulmo test-verawood test-newest test-tutor21 test-tutor22 test-fast quality requirements upgrade sample clean openapi bench

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-22s %s\n", $$1, $$2}'

demo: ## run the stand-in LMS with the plugin and sample data on http://127.0.0.1:8000/
	bash scripts/demo.sh

test: ## every pass: Ulmo (py3.11) and Verawood (py3.12) pins on SQLite and MariaDB, newest versions, Tutor 21 and 22
	bash scripts/test.sh

test-ulmo: ## one pass of make test: Ulmo's pins on Python 3.11 (likewise test-verawood, test-newest, test-tutor21, test-tutor22)
	BADGES_PASSES=ulmo bash scripts/test.sh

test-verawood test-newest test-tutor21 test-tutor22:
	BADGES_PASSES=$(@:test-%=%) bash scripts/test.sh

test-fast: ## the suite once, on .venv and SQLite
	.venv/bin/python -m pytest --ignore=tests/integration --ignore=tests/tutor

quality: ## lint
	.venv/bin/python -m pip install -q -r requirements/quality.txt
	.venv/bin/ruff check openedx_plugin badge_xblock lms_standin tests

requirements: ## install the development requirements into .venv
	.venv/bin/python -m pip install -q -r requirements/dev.txt -e .

COMPILE = .venv/bin/pip-compile -q --allow-unsafe --strip-extras --no-emit-index-url
upgrade: ## recompile requirements/*.txt from requirements/*.in
	cd requirements && for f in base test mysql quality pip-tools dev tutor21 tutor22; do ../$(COMPILE) --upgrade -o $$f.txt $$f.in; done
	# held to the platform's pins (constraints-*.txt), each compiled on its release's Python
	cd requirements && ../$(COMPILE) -o test-ulmo.txt test-ulmo.in
	@echo "recompile test-verawood.txt with Python 3.12: pip-compile -q --allow-unsafe --strip-extras --no-emit-index-url -o test-verawood.txt test-verawood.in"

sample: ## write sample documents to var/sample
	.venv/bin/python manage.py migrate --noinput -v0
	.venv/bin/python manage.py badges_sample --out var/sample --base-url http://127.0.0.1:8000

clean: ## remove build and run artefacts
	rm -rf build dist *.egg-info var .pytest_cache

openapi: ## regenerate docs/openapi.yaml from the REST API
	DJANGO_SETTINGS_MODULE=lms_standin.settings.test .venv/bin/python manage.py badges_openapi

.PHONY: bench
bench: ## run the benchmarks in bench/ (signing, bulk and event-driven awards, receivers, wallet, public documents); BENCH_SCALE=1 for the full 100k runs
	@for f in bench/[!_]*.py; do echo "== $$f"; .venv/bin/python $$f || exit 1; done

.PHONY: extract_translations compile_translations check_translations
extract_translations: ## extract source strings into translations/*/en and update every translation (needs Babel)
	.venv/bin/python scripts/i18n.py extract

compile_translations: ## compile translations/ into the packages (.mo files and the block's JS catalogue)
	.venv/bin/python scripts/i18n.py compile

check_translations: ## fail if a compiled catalogue is out of date with translations/
	.venv/bin/python scripts/i18n.py check
