#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (tensorgrade {version}).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# bubblewrap: the full isolation tier, where the container allows user namespaces.
apt-get install -y -q python3 python3-pip python3-venv bubblewrap
python3 -m venv /opt/tensorgrade
/opt/tensorgrade/bin/pip install --quiet torch --index-url https://download.pytorch.org/whl/cpu
/opt/tensorgrade/bin/pip install --quiet /autograder/source
