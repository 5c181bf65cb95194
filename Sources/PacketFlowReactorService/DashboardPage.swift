/// The reactor's web page: one self-contained HTML document with an inline script.
///
/// The script polls `GET /v1/molecules` and each molecule's status every second and draws
/// each molecule as an SVG graph from `GET /ui/molecules/{name}/graph`: packets as boxes in
/// their group's colour, one column per stage; ionic bonds as solid arrows, covalent as
/// double lines, metallic dashed, weak dotted. Under each graph a table shows each stage's
/// replicas, lag (with a bar), rates and health; below, the log of scale decisions.
///
/// For tests and scripts every number is also an attribute (`data-stage`, `data-field`),
/// and `#rendered-status` holds the JSON the page last drew, with `data-sampled-at`.
enum DashboardPage {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>PacketFlow reactor</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 16px 24px; color: #222; background: #fff; }
  h1 { font-size: 20px; margin: 0 0 4px; }
  h2 { font-size: 16px; margin: 20px 0 6px; }
  table { border-collapse: collapse; margin: 6px 0 12px; }
  th, td { text-align: left; padding: 3px 10px; border-bottom: 1px solid #ddd; font-variant-numeric: tabular-nums; }
  .bar { display: inline-block; height: 10px; background: #d62728; vertical-align: middle; margin-right: 6px; }
  .group { display: inline-block; width: 12px; height: 12px; border-radius: 2px; vertical-align: middle; margin-right: 4px; }
  .legend span { margin-right: 14px; }
  #log { font-family: ui-monospace, monospace; font-size: 12px; white-space: pre-wrap; }
  .health-OK { color: #2ca02c; } .health-WARN, .health-STALL, .health-STOP, .health-REWIND, .health-LOSS, .health-CRASHLOOP { color: #d62728; }
  #error { color: #d62728; }
</style>
</head>
<body data-ready="false">
<h1>PacketFlow reactor</h1>
<div class="legend" id="legend"></div>
<div id="error"></div>
<div id="molecules"></div>
<h2>Decisions</h2>
<div id="log">none yet</div>
<pre id="rendered-status" hidden></pre>
<script>
const colours = { CF: "#1f77b4", DF: "#2ca02c", ED: "#ff7f0e", CO: "#9467bd", MC: "#d62728", RM: "#8c564b" };
const names = { CF: "control flow", DF: "data flow", ED: "event driven", CO: "collective", MC: "meta-computational", RM: "resource management" };
const svgNS = "http://www.w3.org/2000/svg";
const graphs = {};
const seen = {};
const log = [];
document.getElementById("legend").innerHTML = Object.keys(colours).map(g =>
  `<span><i class="group" style="background:${colours[g]}"></i>${g} ${names[g]}</span>`).join("") +
  "<span>bonds: ionic → solid arrow, covalent = double line, metallic - - dashed, weak ··· dotted</span>";

function el(name, attributes, parent) {
  const node = document.createElementNS(svgNS, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (parent) parent.appendChild(node);
  return node;
}

function drawGraph(graph) {
  const stages = [];
  for (const p of graph.packets) if (!stages.includes(p.stage)) stages.push(p.stage);
  const place = {};
  const rows = {};
  for (const p of graph.packets) {
    const column = stages.indexOf(p.stage);
    rows[column] = (rows[column] || 0) + 1;
    place[p.name] = { x: 20 + column * 190, y: 30 + (rows[column] - 1) * 80 };
  }
  const height = 60 + Math.max(...Object.values(rows)) * 80;
  const svg = el("svg", { width: 40 + stages.length * 190, height: height, "data-molecule": graph.molecule });
  const defs = el("defs", {}, svg);
  const marker = el("marker", { id: "arrow-" + graph.molecule, markerWidth: 10, markerHeight: 8, refX: 9, refY: 4, orient: "auto" }, defs);
  el("path", { d: "M0,0 L10,4 L0,8 z", fill: "#333" }, marker);
  for (const bond of graph.bonds) {
    const a = place[bond.from], b = place[bond.to];
    if (!a || !b) continue;
    const x1 = a.x + 140, y1 = a.y + 22, x2 = b.x, y2 = b.y + 22;
    const sameColumn = a.x === b.x;
    const from = sameColumn ? { x: a.x + 70, y: a.y + (b.y > a.y ? 44 : 0) } : { x: x1, y: y1 };
    const to = sameColumn ? { x: b.x + 70, y: b.y + (b.y > a.y ? 0 : 44) } : { x: x2, y: y2 };
    const line = { x1: from.x, y1: from.y, x2: to.x, y2: to.y, stroke: "#333", "stroke-width": 2, "data-bond": bond.kind };
    if (bond.kind === "covalent") {
      const dx = to.x - from.x, dy = to.y - from.y, length = Math.hypot(dx, dy) || 1;
      const ox = -dy / length * 3, oy = dx / length * 3;
      el("line", { ...line, x1: from.x + ox, y1: from.y + oy, x2: to.x + ox, y2: to.y + oy }, svg);
      el("line", { ...line, x1: from.x - ox, y1: from.y - oy, x2: to.x - ox, y2: to.y - oy }, svg);
    } else if (bond.kind === "ionic") {
      el("line", { ...line, "marker-end": `url(#arrow-${graph.molecule})` }, svg);
    } else if (bond.kind === "metallic") {
      el("line", { ...line, "stroke-dasharray": "8 5" }, svg);
    } else {
      el("line", { ...line, "stroke-dasharray": "2 4" }, svg);
    }
  }
  for (const p of graph.packets) {
    const at = place[p.name];
    const box = el("g", { "data-packet": p.name, "data-group": p.group }, svg);
    el("rect", { x: at.x, y: at.y, width: 140, height: 44, rx: 6, fill: colours[p.group] || "#888" }, box);
    const label = el("text", { x: at.x + 70, y: at.y + 20, "text-anchor": "middle", fill: "#fff", "font-size": 13, "font-weight": "bold" }, box);
    label.textContent = p.name;
    const group = el("text", { x: at.x + 70, y: at.y + 36, "text-anchor": "middle", fill: "#fff", "font-size": 11 }, box);
    group.textContent = p.group;
  }
  return svg;
}

function rate(value) { return value >= 10000 ? (value / 1000).toFixed(1) + "k" : value.toFixed(1); }

function stageTable(status) {
  const maximum = Math.max(1, ...status.stages.map(s => s.lag));
  const rows = status.stages.map(s => `
    <tr data-stage="${s.stage}">
      <td><i class="group" style="background:${colours[s.group]}"></i>${s.stage}</td>
      <td data-field="group">${s.group}</td>
      <td data-field="consumerGroup">${s.consumerGroup}</td>
      <td data-field="replicas" data-running="${s.runningReplicas}" data-desired="${s.desiredReplicas}">${s.runningReplicas}/${s.desiredReplicas}</td>
      <td><span class="bar" style="width:${Math.ceil(s.lag / maximum * 120)}px"></span><span data-field="lag">${s.lag}</span></td>
      <td data-field="inputRate" data-value="${s.inputRate}">${rate(s.inputRate)}</td>
      <td data-field="processingRate" data-value="${s.processingRate}">${rate(s.processingRate)}</td>
      <td data-field="health" class="health-${s.health}">${s.health}</td>
    </tr>`).join("");
  return `<table><tr><th>stage</th><th>group</th><th>consumer group</th><th>replicas</th><th>lag</th><th>in/s</th><th>done/s</th><th>health</th></tr>${rows}</table>`;
}

async function json(path) {
  const response = await fetch(path, { cache: "no-store" });
  if (!response.ok) throw new Error(path + ": " + response.status);
  return response.json();
}

async function poll() {
  try {
    const list = await json("/v1/molecules");
    const statuses = [];
    for (const summary of list) {
      const name = summary.molecule;
      if (!graphs[name]) graphs[name] = await json(`/ui/molecules/${encodeURIComponent(name)}/graph`);
      statuses.push(await json(`/v1/molecules/${encodeURIComponent(name)}`));
    }
    render(statuses);
    document.getElementById("error").textContent = "";
  } catch (error) {
    document.getElementById("error").textContent = "cannot reach the reactor: " + error.message;
  }
  setTimeout(poll, 1000);
}

function render(statuses) {
  const root = document.getElementById("molecules");
  root.textContent = "";
  const time = new Date().toISOString().slice(11, 19);
  for (const status of statuses) {
    const section = document.createElement("section");
    section.dataset.molecule = status.molecule;
    const title = document.createElement("h2");
    title.textContent = `${status.molecule} (${status.sourceName}), dead letters ${status.deadLetters}`;
    section.appendChild(title);
    section.appendChild(drawGraph(graphs[status.molecule]));
    section.insertAdjacentHTML("beforeend", stageTable(status));
    root.appendChild(section);
    for (const s of status.stages) {
      const key = status.molecule + "/" + s.stage;
      if (s.lastAction && s.lastAction !== "hold" && s.lastDecision && seen[key] !== s.lastDecision) {
        seen[key] = s.lastDecision;
        log.unshift(`${time} ${status.molecule} ${s.lastDecision}`);
      }
    }
  }
  document.getElementById("log").textContent = log.length ? log.slice(0, 50).join("\n") : "none yet";
  const rendered = document.getElementById("rendered-status");
  rendered.textContent = JSON.stringify(statuses);
  rendered.dataset.sampledAt = new Date().toISOString();
  document.body.dataset.ready = "true";
}

poll();
</script>
</body>
</html>
"""#
}
