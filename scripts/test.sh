#!/usr/bin/env bash
# Runs every test: installs the package (release build) with its test dependencies, then
# the Rust core's tests and the Python suite.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q ".[test,dev]"
echo "== cargo test"; cargo test -q
echo "== pytest"; python -m pytest -q -p no:cacheprovider
# The examples in doc strings, run against the installed package.
echo "== doctests"; python -m pytest -q -p no:cacheprovider --doctest-modules --pyargs subword
