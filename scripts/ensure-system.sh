#!/usr/bin/env bash
# Install the Debian packages the test suite needs when they are missing (as root), or say which
# are missing and fail: in CI nothing may be skipped for a missing dependency.
#   chromium    - browser tests (Playwright drives /usr/bin/chromium; it cannot download one)
#   postgresql  - the database tests also run on a private PostgreSQL server
#   fonts-wqy-microhei, poppler-utils - PDF reports draw Chinese, and tests read the text back
#   openjdk-17-jre-headless - Spark (PySpark), the meter pipeline's cluster engine, runs on Java 17
#   libpango-1.0-0, libpangoft2-1.0-0, libharfbuzz-subset0 - WeasyPrint draws PDFs with them
#     (without HarfBuzz-Subset it warns on every PDF, and the tests treat warnings as errors)
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy" || missing+=(fonts-wqy-microhei)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
for lib in libpango-1.0.so.0:libpango-1.0-0 libpangoft2-1.0.so.0:libpangoft2-1.0-0 \
           libharfbuzz-subset.so.0:libharfbuzz-subset0; do
    ldconfig -p 2>/dev/null | grep -q "${lib%%:*}" || missing+=("${lib##*:}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${missing[*]} (Debian packages)" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    exit 0
fi
echo "missing Debian packages: ${missing[*]} (apt-get install ${missing[*]})" >&2
exit 1
