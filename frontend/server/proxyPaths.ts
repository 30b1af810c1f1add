import type { IncomingMessage, ServerResponse } from "node:http";
import type { Plugin } from "vite";

/**
 * Whether a request target holds a "." or ".." path segment, literally or percent-encoded, with
 * "/" or "\" as separators. Such a path can start with a proxied prefix and still name something
 * outside it once a later hop resolves the dots (`/api/../metrics`), so it is refused before any
 * prefix is matched. An undecodable path is refused too.
 */
export function hasDotSegment(target: string): boolean {
  const path = target.split(/[?#]/, 1)[0] ?? "";
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return true;
  }
  return decoded.split(/[/\\]/).some((segment) => segment === "." || segment === "..");
}

function refuseDotSegments(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  if (!hasDotSegment(req.url ?? "/")) {
    next();
    return;
  }
  res.statusCode = 400;
  res.setHeader("content-type", "application/problem+json");
  res.end(
    JSON.stringify({
      type: "about:blank",
      title: "Bad Request",
      status: 400,
      detail: "The path must not contain '.' or '..' segments.",
    }),
  );
}

/** Answers 400 to dot-segment paths in the dev and preview servers, ahead of their proxy. */
export function dotSegmentGuard(): Plugin {
  return {
    name: "dot-segment-guard",
    configureServer(server) {
      server.middlewares.use(refuseDotSegments);
    },
    configurePreviewServer(server) {
      server.middlewares.use(refuseDotSegments);
    },
  };
}
