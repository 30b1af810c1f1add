import react from "@vitejs/plugin-react";
import type { ProxyOptions } from "vite";
import { defineConfig } from "vitest/config";
import { dotSegmentGuard } from "./server/proxyPaths";

const apiTarget = process.env.FRONTEND_API_TARGET ?? "http://127.0.0.1:8000";
const authTarget = process.env.FRONTEND_AUTH_TARGET ?? "http://127.0.0.1:8001";

/**
 * Proxy entry that never buffers: Server-Sent Events must reach the page as they are written.
 * X-Forwarded-For is overwritten with the peer's address, never appended to what the caller sent.
 */
function streamingProxy(target: string): ProxyOptions {
  return {
    target,
    configure(proxy) {
      proxy.on("proxyReq", (proxyReq, req) => {
        proxyReq.setHeader("x-forwarded-for", req.socket.remoteAddress ?? "");
      });
      proxy.on("proxyRes", (proxyRes) => {
        const type = proxyRes.headers["content-type"] ?? "";
        if (type.startsWith("text/event-stream")) {
          proxyRes.headers["cache-control"] = "no-cache, no-transform";
          proxyRes.headers["x-accel-buffering"] = "no";
        }
      });
    },
  };
}

const proxy: Record<string, ProxyOptions> = {
  "/api": streamingProxy(apiTarget),
  "/auth": streamingProxy(authTarget),
  "/.well-known": streamingProxy(authTarget),
};

export default defineConfig({
  // The guard runs before the proxy: `/api/../metrics` must not reach an internal endpoint.
  plugins: [react(), dotSegmentGuard()],
  server: { port: 5173, host: "127.0.0.1", proxy },
  preview: { port: 8080, strictPort: true, host: "127.0.0.1", proxy },
  build: { sourcemap: false, chunkSizeWarningLimit: 600 },
  test: {
    include: ["src/**/*.test.ts", "src/**/*.test.tsx", "server/**/*.test.ts"],
    environment: "node",
  },
});
