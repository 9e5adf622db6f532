#!/usr/bin/env bash
# Make sure the interpreter given as $1 exists and can create virtual environments. As root on
# Debian the missing packages are installed; otherwise say what to install and fail.
set -euo pipefail
python="${1:-python3.11}"
if command -v "$python" >/dev/null 2>&1 && "$python" -c "import ensurepip, venv" >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3.11 python3.11-venv
    exit 0
fi
echo "carbonctl needs $python with venv (Debian: apt-get install python3.11 python3.11-venv)" >&2
exit 1
