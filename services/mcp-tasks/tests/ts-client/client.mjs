// Calls every mcp-tasks tool through @modelcontextprotocol/sdk's StreamableHTTPClientTransport,
// signing each HTTP request with the X-Identity-* headers. Prints one JSON object on stdout.
// Environment: MCP_URL, IDENTITY_KEY_ID, IDENTITY_SECRET, IDENTITY_USER.
import { createHash, createHmac, randomBytes } from "node:crypto";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const { MCP_URL, IDENTITY_KEY_ID, IDENTITY_SECRET, IDENTITY_USER } = process.env;

function bodyBytes(body) {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === "string") return Buffer.from(body, "utf8");
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return Buffer.from(body);
  throw new Error(`cannot sign a body of type ${typeof body}`);
}

function identityHeaders(method, target, body) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(18).toString("base64url");
  const digest = createHash("sha256").update(bodyBytes(body)).digest("hex");
  const canonical = ["v1", method.toUpperCase(), target, IDENTITY_USER, timestamp, nonce, digest].join("\n");
  const signature = createHmac("sha256", IDENTITY_SECRET).update(canonical).digest("base64url");
  return {
    "X-Identity-User": IDENTITY_USER,
    "X-Identity-Timestamp": timestamp,
    "X-Identity-Nonce": nonce,
    "X-Identity-Key": IDENTITY_KEY_ID,
    "X-Identity-Signature": signature,
  };
}

async function signedFetch(input, init = {}) {
  const url = new URL(input instanceof Request ? input.url : String(input));
  const method = init.method ?? "GET";
  const headers = new Headers(init.headers);
  for (const [name, value] of Object.entries(identityHeaders(method, url.pathname + url.search, init.body))) {
    headers.set(name, value);
  }
  return fetch(url, { ...init, headers });
}

const client = new Client({ name: "mcp-tasks-ts-test", version: "0.0.0" });
const transport = new StreamableHTTPClientTransport(new URL(MCP_URL), { fetch: signedFetch });
await client.connect(transport);

const call = async (name, args = {}) => {
  const result = await client.callTool({ name, arguments: args });
  return { isError: result.isError ?? false, structuredContent: result.structuredContent ?? null, text: result.content?.[0]?.text ?? null };
};

const listed = await client.listTools();
const added = await call("add_task", { title: "From TypeScript", tags: ["TS"], due_date: "2030-05-06" });
const id = added.structuredContent.task.id;
const second = await call("add_task", { title: "Second" });
const output = {
  protocolVersion: transport.protocolVersion ?? null,
  tools: listed.tools.map((tool) => ({ name: tool.name, annotations: tool.annotations, hasOutputSchema: Boolean(tool.outputSchema) })),
  add_task: added,
  list_tasks: await call("list_tasks", {}),
  get_task: await call("get_task", { task_id: id }),
  update_task: await call("update_task", { task_id: id, priority: "high" }),
  complete_task: await call("complete_task", { task_id: id }),
  reopen_task: await call("reopen_task", { task_id: id }),
  delete_task: await call("delete_task", { task_id: second.structuredContent.task.id }),
  restore_task: await call("restore_task", { task_id: second.structuredContent.task.id }),
  clear_completed: await (async () => {
    await call("complete_task", { task_id: id });
    return call("clear_completed", {});
  })(),
  unknown_task: await call("get_task", { task_id: "00000000-0000-0000-0000-000000000000" }),
};
await client.close();
process.stdout.write(JSON.stringify(output) + "\n");
