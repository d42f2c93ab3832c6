#!/usr/bin/env bash
# Runs every test: installs the package (release build) with its test dependencies, then
# the Rust core's tests and the Python suite.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q ".[test,dev]"
echo "== cargo test"; cargo test -q
echo "== pytest"; python -m pytest -q -p no:cacheprovider
