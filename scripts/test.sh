#!/usr/bin/env bash
# Set up everything the test suite needs on a fresh Linux machine, then run it.
# This is the README's test command; .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v soffice >/dev/null 2>&1; then
  # LibreOffice headless recalculates the written workbooks' formulas in the tests.
  export DEBIAN_FRONTEND=noninteractive
  (apt-get update -qq && apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui) >/dev/null \
    || echo "warning: could not install LibreOffice; formula-recalculation tests will be skipped" >&2
fi
if ! command -v chromium >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then
  # headless Chromium loads the published programme page (tests read its DOM, take screenshots);
  # poppler-utils turn LibreOffice's PDF of the result sheets into text and PNG pages
  export DEBIAN_FRONTEND=noninteractive
  (apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium poppler-utils) >/dev/null \
    || echo "warning: could not install Chromium / poppler-utils; browser and rendering tests will be skipped" >&2
fi
if [ -x /usr/bin/python3 ] && ! /usr/bin/python3 -c "import uno" >/dev/null 2>&1; then
  # LibreOffice's Python bridge: tests/excel/test_vba_compiles.py compiles our VBA modules in
  # LibreOffice's VBA compatibility mode
  export DEBIAN_FRONTEND=noninteractive
  (apt-get update -qq && apt-get install -y -qq --no-install-recommends python3-uno) >/dev/null \
    || echo "warning: could not install python3-uno; the VBA compile check will be skipped" >&2
fi
python3 -m pip install -q --disable-pip-version-check -e ".[test]"
python3 -m pytest -q "$@"
