#!/usr/bin/env bash
# Install the Debian packages the test suite needs when they are missing (as root), or say which
# are missing and fail: in CI nothing may be skipped for a missing dependency.
#   chromium    - browser tests (Playwright drives /usr/bin/chromium; it cannot download one)
#   postgresql  - the database tests also run on a private PostgreSQL server
#   fonts-wqy-microhei, poppler-utils - PDF reports draw Chinese, and tests read the text back
#   openjdk-17-jre-headless - Spark (PySpark), the meter pipeline's cluster engine, runs on Java 17
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy" || missing+=(fonts-wqy-microhei)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${missing[*]} (Debian packages)" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    exit 0
fi
echo "missing Debian packages: ${missing[*]} (apt-get install ${missing[*]})" >&2
exit 1
