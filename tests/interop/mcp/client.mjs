// Independent interoperability check of NerfEngine's MCP endpoint with npm's official SDK:
// Client + StreamableHTTPClientTransport list the tools and call several; every structuredContent is
// checked against the tool's outputSchema twice — by the SDK itself (it validates tool results against
// the outputSchema it listed) and by a strict ajv compile of the published schema.
// Usage: MCP_URL=http://127.0.0.1:PORT/mcp MCP_TOKEN=... node client.mjs   (exit 0: every check passed)
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import Ajv from "ajv";
import addFormats from "ajv-formats";

const url = new URL(process.env.MCP_URL ?? "http://127.0.0.1:8558/mcp");
const token = process.env.MCP_TOKEN ?? "";
const failures = [];
const report = { url: url.href, tools_listed: 0, calls: [] };

function fail(message) {
  failures.push(message);
}

const transport = new StreamableHTTPClientTransport(url, {
  requestInit: { headers: { Authorization: `Bearer ${token}` } },
});
const client = new Client({ name: "nerf-interop", version: "1.0.0" });
await client.connect(transport);

const { tools } = await client.listTools();
report.tools_listed = tools.length;
const byName = new Map(tools.map((t) => [t.name, t]));

// Strict mode: the published schemas must be clean JSON Schema, not NJsonSchema dialect.
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
const validators = new Map();
for (const tool of tools) {
  if (!tool.annotations) fail(`${tool.name}: no annotations`);
  for (const hint of ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"]) {
    if (typeof tool.annotations?.[hint] !== "boolean") fail(`${tool.name}: annotation ${hint} missing`);
  }
  if (!tool.outputSchema) { fail(`${tool.name}: no outputSchema`); continue; }
  try {
    validators.set(tool.name, ajv.compile(tool.outputSchema));
    ajv.compile(tool.inputSchema);
  } catch (e) {
    fail(`${tool.name}: schema does not compile under strict ajv: ${e.message}`);
  }
}

async function call(name, args = {}) {
  if (!byName.has(name)) { fail(`${name}: not listed for this agent`); return undefined; }
  let result;
  try {
    result = await client.callTool({ name, arguments: args }); // the SDK validates structuredContent itself
  } catch (e) {
    fail(`${name}: ${e.message}`);
    return undefined;
  }
  if (result.isError) { fail(`${name}: tool error ${result.content?.[0]?.text}`); return undefined; }
  const validate = validators.get(name);
  if (validate && !validate(result.structuredContent)) {
    fail(`${name}: structuredContent fails outputSchema: ${ajv.errorsText(validate.errors)}`);
  }
  const text = result.content?.find((c) => c.type === "text")?.text;
  if (JSON.stringify(JSON.parse(text ?? "null")) !== JSON.stringify(result.structuredContent)) {
    fail(`${name}: text content is not a copy of structuredContent`);
  }
  report.calls.push(name);
  return result.structuredContent;
}

await call("list_tools_schema");
await call("get_tool_metrics");
const snapshot = await call("export_graph_snapshot", { limit: 5 });
const hot = await call("query_hot_entities", { n: 3, rank: "weight" });
await call("query_recent_edges", { min_weight: 0, limit: 5 });
await call("query_scope_stats");
if (hot?.entities?.length) await call("get_entity_neighbors", { entity: hot.entities[0].node_id, limit: 5 });
if (snapshot?.edges?.length) await call("get_edge_by_id", { edge_id: snapshot.edges[0].edge_id });
await call("subscribe_scope", { scope: "interop", kind: "protocol", protocol: 6 });
await call("list_active_scopes");
await call("get_engine_metrics");
await call("get_decay_config");
await call("get_socket_metrics");
await call("graphops_autopilot_status");
await call("graphops_suggestion_queue", { limit: 5 });
await call("graphops_observation_log", { limit: 5 });
await call("unsubscribe_scope", { scope: "interop" });
if (byName.has("set_decay_lambda")) await call("set_decay_lambda", { lambda: 0.01 });
if (byName.has("prune_below_weight")) await call("prune_below_weight", { min_weight: 0 });

// Errors the model must be able to act on: a tool error with every problem listed.
const invalid = await client.callTool({ name: "query_hot_entities", arguments: { n: "three", colour: "red" } });
const invalidError = invalid.isError ? JSON.parse(invalid.content[0].text).error : undefined;
if (invalidError?.code !== "INVALID_ARGUMENTS" || invalidError.details?.length !== 2) {
  fail(`invalid arguments: expected INVALID_ARGUMENTS with 2 details, got ${JSON.stringify(invalid)}`);
}
// And protocol errors as JSON-RPC errors.
try {
  await client.callTool({ name: "no_such_tool", arguments: {} });
  fail("unknown tool: no error");
} catch (e) {
  if (!(e instanceof McpError) || e.code !== -32602) fail(`unknown tool: expected McpError -32602, got ${e}`);
}

await client.close();
report.ok = failures.length === 0;
report.failures = failures;
console.log(JSON.stringify(report));
process.exit(report.ok ? 0 : 1);
