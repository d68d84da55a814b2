// The VQL view's helpers: JSON with the line of every path, snippets to copy.
import { apiUrl } from "./api.js";

// Pretty JSON (2-space indent, as JSON.stringify) and the line each JSON path starts on.
export function layout(value) {
  const lines = [];
  const paths = new Map();
  const walk = (node, path, prefix, indent, comma) => {
    paths.set(path, lines.length);
    const pad = "  ".repeat(indent);
    const end = comma ? "," : "";
    const entries = Array.isArray(node) ? node.map((v, i) => [i, v])
      : node && typeof node === "object" ? Object.entries(node) : null;
    if (!entries || !entries.length) {
      const text = entries ? (Array.isArray(node) ? "[]" : "{}") : JSON.stringify(node);
      lines.push(`${pad}${prefix}${text}${end}`);
      return;
    }
    const [open, close] = Array.isArray(node) ? ["[", "]"] : ["{", "}"];
    lines.push(`${pad}${prefix}${open}`);
    entries.forEach(([key, child], i) => {
      const childPath = typeof key === "number" ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      const childPrefix = typeof key === "number" ? "" : `${JSON.stringify(key)}: `;
      walk(child, childPath, childPrefix, indent + 1, i < entries.length - 1);
    });
    lines.push(`${pad}${close}${end}`);
  };
  walk(value, "", "", 0, false);
  return { lines, paths };
}

// The line of the longest prefix of `path` present in the document (-1 when none).
export function lineOf(paths, path) {
  let probe = path.replace(/^\$\.?/, "");
  while (probe) {
    if (paths.has(probe)) return paths.get(probe);
    const cut = Math.max(probe.lastIndexOf("."), probe.lastIndexOf("["));
    probe = cut > 0 ? probe.slice(0, cut) : "";
  }
  return -1;
}

const shellQuote = (text) => `'${text.replace(/'/g, "'\\''")}'`;

export function curlSnippet(path, vql) {
  return [
    `curl -s ${apiUrl(path)} \\`,
    '  -H "X-API-Key: $CONNECTRA_API_KEY" -H "Content-Type: application/json" \\',
    `  -d ${shellQuote(JSON.stringify(vql))}`,
  ].join("\n");
}

// A Python literal of a JSON value.
function python(value, indent = 0) {
  const pad = "    ".repeat(indent + 1);
  const close = "    ".repeat(indent);
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (Array.isArray(value)) {
    if (!value.length) return "[]";
    return `[\n${value.map((v) => pad + python(v, indent + 1)).join(",\n")},\n${close}]`;
  }
  if (typeof value === "object") {
    const entries = Object.entries(value);
    if (!entries.length) return "{}";
    const body = entries.map(([k, v]) => `${pad}${JSON.stringify(k)}: ${python(v, indent + 1)}`);
    return `{\n${body.join(",\n")},\n${close}}`;
  }
  return JSON.stringify(value);
}

export function pythonSnippet(plural, vql) {
  return [
    "from connectra.client import ConnectraClient",
    "",
    `vql = ${python(vql)}`,
    "",
    "# The API key comes from the CONNECTRA_API_KEY environment variable.",
    `with ConnectraClient(base_url=${JSON.stringify(location.origin)}) as client:`,
    `    print(client.count_${plural}(vql), "matches")`,
    `    for record in client.search_${plural}(vql).data:`,
    "        print(record)",
    "",
  ].join("\n");
}
