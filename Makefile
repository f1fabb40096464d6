# The two commands of the README:  make run  (the app on the seed corpus)  ·  make test
VENV   ?= .venv
PORT   ?= 8501
export HF_HUB_OFFLINE := 1
export HF_HUB_DISABLE_PROGRESS_BARS := 1

.PHONY: run test index

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --upgrade -q pip
	$(VENV)/bin/pip install -q -e ".[dev,writer,ray]"
	touch $@

# rebuilt when the reports or the index settings change (an update that changes how text is
# indexed would otherwise leave the app saying the index needs a rebuild)
index/seed/manifest.json: qa/config.py $(wildcard corpus/*) | $(VENV)/.installed
	$(VENV)/bin/qa build corpus --index index/seed

index: $(VENV)/.installed
	$(VENV)/bin/qa build corpus --index index/seed

run: $(VENV)/.installed index/seed/manifest.json
	$(VENV)/bin/streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT) \
	  --server.headless true --browser.gatherUsageStats false --client.toolbarMode minimal

test: $(VENV)/.installed
	$(VENV)/bin/pytest
