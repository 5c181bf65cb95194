#!/usr/bin/env bash
# Writes the module graph of docs/architecture.md (between its GENERATED markers) from
# Package.swift, through `swift package dump-package`: the project's library modules, the
# connectors and the packetflow executable, an arrow from each to what it imports directly
# (arrows implied by longer paths left out, so the picture stays readable).
# With --check, writes nothing and fails when the graph in the file is out of date.
set -euo pipefail
cd "$(dirname "$0")/.."
document=docs/architecture.md

graph() {
    # A scratch folder of its own: the build's folder is locked while `swift test` runs.
    local scratch
    scratch=$(mktemp -d)
    swift package --scratch-path "$scratch" dump-package | python3 -c '
import json, sys
package = json.load(sys.stdin)
shown = {t["name"]: t for t in package["targets"]
         if t["type"] in ("regular", "system") and t["name"] not in ("PacketFlowTestSupport", "KEDAFormula")
         or t["name"] == "packetflow"}
def local(dependency):
    kind, value = next(iter(dependency.items()))
    return value[0] if kind in ("byName", "target") and value[0] in shown else None
edges = {name: sorted({d for d in map(local, t["dependencies"]) if d}) for name, t in shown.items()}
def reaches(start, goal, skip):
    seen, stack = set(), [d for d in edges[start] if d != skip]
    while stack:
        node = stack.pop()
        if node == goal: return True
        if node not in seen:
            seen.add(node)
            stack.extend(edges[node])
    return False
print("```mermaid")
print("graph TD")
for name in sorted(shown):
    path = shown[name].get("path") or ("Sources/" + name)
    label = name + ("<br/><small>" + path + "</small>" if path.startswith("connectors") else "")
    print(f"    {name}[\"{label}\"]")
for name in sorted(edges):
    for dependency in edges[name]:
        if not reaches(name, dependency, dependency):
            print(f"    {name} --> {dependency}")
print("```")
'
    rm -rf "$scratch"
}

render() {
    awk -v graph="$1" '
        /<!-- BEGIN GENERATED: scripts\/gen-architecture.sh -->/ { print; print graph; skipping = 1; next }
        /<!-- END GENERATED -->/ { skipping = 0 }
        !skipping { print }
    ' "$document"
}

generated=$(graph)
if [ "${1:-}" = "--check" ]; then
    if ! diff -u "$document" <(render "$generated"); then
        echo "$document is out of date: run scripts/gen-architecture.sh" >&2
        exit 1
    fi
else
    render "$generated" > "$document.tmp" && mv "$document.tmp" "$document"
fi
