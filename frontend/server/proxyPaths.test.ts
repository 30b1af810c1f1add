import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { preview, type PreviewServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasDotSegment } from "./proxyPaths";

const FRONTEND = fileURLToPath(new URL("..", import.meta.url));

interface Backend {
  server: Server;
  seen: string[];
  url: string;
}

/** A stand-in for a service: records each request target and answers with it. */
async function backend(name: string): Promise<Backend> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(req.url ?? "");
    res.setHeader("content-type", "text/plain");
    res.end(`${name} ${req.url}`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, seen, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** GET with the target exactly as written (no client-side normalisation, like curl --path-as-is). */
function getAsIs(port: number, target: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: target, method: "GET" }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the web server's proxy (vite preview, as make up runs it)", () => {
  let api: Backend;
  let auth: Backend;
  let server: PreviewServer;
  let port: number;
  let dist: string;

  beforeAll(async () => {
    api = await backend("api");
    auth = await backend("auth");
    process.env.FRONTEND_API_TARGET = api.url;
    process.env.FRONTEND_AUTH_TARGET = auth.url;
    dist = mkdtempSync(join(tmpdir(), "preview-"));
    writeFileSync(join(dist, "index.html"), "<!doctype html><title>page</title>");
    port = await freePort();
    server = await preview({
      root: FRONTEND,
      configFile: join(FRONTEND, "vite.config.ts"),
      logLevel: "silent",
      build: { outDir: dist },
      preview: { port, strictPort: true, host: "127.0.0.1" },
    });
  }, 30_000);

  afterAll(async () => {
    await server?.close();
    api?.server.close();
    auth?.server.close();
    if (dist) rmSync(dist, { recursive: true, force: true });
    delete process.env.FRONTEND_API_TARGET;
    delete process.env.FRONTEND_AUTH_TARGET;
  });

  it.each([
    "/api/../metrics",
    "/.well-known/../openapi.json",
    "/auth/../openapi.json",
    "/api/%2e%2e/metrics",
    "/api/%2E%2E%2Fmetrics",
    "/api/..%5cmetrics",
    "/api/v1/./tasks",
  ])("refuses %s with 400 before it reaches any service", async (target) => {
    const answer = await getAsIs(port, target);

    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({
      type: "about:blank",
      title: "Bad Request",
      status: 400,
      detail: "The path must not contain '.' or '..' segments.",
    });
    expect([...api.seen, ...auth.seen]).toEqual([]);
  });

  it("still proxies ordinary API and auth paths", async () => {
    const tasks = await getAsIs(port, "/api/v1/tasks?cursor=a..b");
    const jwks = await getAsIs(port, "/.well-known/jwks.json");

    expect(tasks).toEqual({ status: 200, body: "api /api/v1/tasks?cursor=a..b" });
    expect(jwks).toEqual({ status: 200, body: "auth /.well-known/jwks.json" });
  });
});

describe("hasDotSegment", () => {
  it.each([
    ["/api/v1/tasks", false],
    ["/api/v1/tasks..json", false],
    ["/api/v1/tasks?after=../x", false],
    ["/api/..", true],
    ["/api/.", true],
    ["/api/%2e/x", true],
    ["/api/%zz", true],
  ])("%s -> %s", (target, expected) => {
    expect(hasDotSegment(target)).toBe(expected);
  });
});
