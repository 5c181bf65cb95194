#!/usr/bin/env bash
# Follows docs/tutorial.md: runs its ```sh blocks in order, in an empty folder, with bash -e.
# ```sh tutorial-setup blocks (build, PATH, folder) are replaced by this script's own setup:
# the packetflow binary is $PACKETFLOW, else the debug build's. Bounded: 5 minutes.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
binary="${PACKETFLOW:-$(cd "$root" && swift build --show-bin-path)/packetflow}"
work="$(mktemp -d)"

{
    echo 'set -euo pipefail'
    echo "export PATH=\"$(dirname "$binary"):\$PATH\""
    echo "cd \"$work\""
    awk '
        /^```sh *$/ { running = 1; next }
        /^```/ { running = 0; next }
        running { print }
    ' "$root/docs/tutorial.md"
} > "$work/tutorial.sh"

echo "running $(grep -c . "$work/tutorial.sh") lines of docs/tutorial.md in $work"
if ! timeout 300 bash "$work/tutorial.sh"; then
    echo "the tutorial failed; its folder is kept: $work" >&2
    exit 1
fi
rm -rf "$work"
echo "tutorial ok"
