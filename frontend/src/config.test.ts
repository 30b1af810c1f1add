import { describe, expect, it } from "vitest";
import { DEFAULT_APP, parseAppInfo } from "./config";

describe("parseAppInfo", () => {
  it("reads the app's branding, greeting and sections", () => {
    const app = parseAppInfo({
      id: "errands",
      branding: { name: "Errands", colour: "#0f766e", logo: "/errands.svg" },
      greeting: "Which errand?",
      domain_key: null,
      tasks: false,
    });
    expect(app).toEqual({ id: "errands", name: "Errands", colour: "#0f766e", logo: "/errands.svg", greeting: "Which errand?", tasks: false });
  });

  it("falls back to the default app without an answer", () => {
    expect(parseAppInfo(null)).toEqual(DEFAULT_APP);
  });

  it("ignores a colour that is not a hex colour", () => {
    expect(parseAppInfo({ id: "x", branding: { name: "X", colour: "red; background: url(x)" } }).colour).toBeNull();
  });
});
