# Set-up is part of every target: a fresh machine needs only `make run` or `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test test-fast eval bench lint index clean reader

$(STAMP): pyproject.toml
	@echo "Setting up $(VENV) (first run only; log in $(VENV)/install.log)..." >&2
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@# torch first and pinned: pip takes the CPU build; see README for machines without the local wheel.
	@$(BIN)/python -m pip install torch==2.13.0 > $(VENV)/install.log 2>&1 \
		|| { tail -20 $(VENV)/install.log >&2; exit 1; }
	@$(BIN)/python -m pip install -e '.[dev]' >> $(VENV)/install.log 2>&1 \
		|| { tail -20 $(VENV)/install.log >&2; exit 1; }
	@touch $(STAMP)

# The model's ONNX export, for serving without torch: made here (about 10 s), then only checked
# (a second) unless the model's files or PRACTICE_BOT_MODEL change; its export.json is the stamp.
install: $(STAMP)
	@$(BIN)/python -m bot.retrieval.onnx_export >> $(VENV)/install.log

run: install  ## the main job: terminal chat (questions on stdin); builds the index if missing
	@$(BIN)/practice-bot run

test: install  ## unit tests, the Bolt scenario tests and the few real-model integration tests
	$(BIN)/python -m pytest -q

test-fast: install  ## unit and scenario tests (fake embedder): everything but tests/integration
	$(BIN)/python -m pytest -q -m "not integration"

index: install
	$(BIN)/practice-bot index build

eval: install
	$(BIN)/practice-bot eval

bench: install
	$(BIN)/practice-bot bench

# The reader (models/reader): design (a), the full cross-encoder, trained from the bundled
# MiniLM weights on the labelled pairs in training/ (seeded, CPU only, about 30 minutes on 2
# cores), exported to int8 ONNX with its hashes (dynamic int8 first, int8 weights when that
# moves the scores too far), then its thresholds calibrated on the evaluation sets' tuning
# parts only (printed; they are the Settings defaults). The other designs and how the data
# was made: docs/RETRIEVAL.md and models/reader/MODEL_CARD.md.
reader: install
	$(BIN)/python -m bot.devtools.reader.train --design cross --epochs 2 --max-tokens 192
	$(BIN)/python -m bot.devtools.reader.export --run cross-1
	$(BIN)/python -m bot.devtools.reader.calibrate

lint: install
	$(BIN)/ruff check bot tests
	$(BIN)/mypy bot

clean:
	rm -rf $(VENV) index/CURRENT index/versions
