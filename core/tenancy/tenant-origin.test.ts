import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addSecondCity } from "../testing/second-city.ts";
import { createTestPlatform, type TestPlatform } from "../testing/test-platform.ts";
import { tenants } from "./schema.ts";
import { loadTenantOrigin, tenantOrigin } from "./tenant-origin.ts";

describe("tenantOrigin", () => {
  it("uses the city's first host with the base URL's scheme and port", () => {
    expect(
      tenantOrigin("https://tenohira.example.jp/", {
        hosts: ["kashima.example.jp", "www.kashima.example.jp"],
      }),
    ).toBe("https://kashima.example.jp");
    expect(tenantOrigin("http://localhost:3000/app", { hosts: ["kanoya.localhost"] })).toBe(
      "http://kanoya.localhost:3000",
    );
  });

  it("shares the base URL's origin for a city without hosts, and trusts no origin without a base URL", () => {
    expect(tenantOrigin("https://tenohira.example.jp/some/path", { hosts: [] })).toBe(
      "https://tenohira.example.jp",
    );
    expect(tenantOrigin(undefined, { hosts: ["kashima.example.jp"] })).toBeNull();
  });
});

describe("loadTenantOrigin and publicOrigin on a two-city install", () => {
  let platform: TestPlatform;
  let otherId: string;
  beforeAll(async () => {
    platform = await createTestPlatform({ config: { baseUrl: "https://tenohira.example.jp" } });
    otherId = (
      await addSecondCity(platform.services.database.db, {
        slug: "origin-other",
        municipalityCode: "462039",
        hosts: ["other-city.example.jp", "www.other-city.example.jp"],
      })
    ).id;
  });
  afterAll(() => platform.close());

  it("gives each city its own origin for links sent from jobs", async () => {
    expect(await loadTenantOrigin(platform.services, otherId)).toBe("https://other-city.example.jp");
    const [home] = await platform.services.database.db.select().from(tenants);
    expect(home!.hosts).toEqual([]);
    expect(await loadTenantOrigin(platform.services, home!.id)).toBe("https://tenohira.example.jp");
  });

  it("answers each host's requests with links on that city's origin", async () => {
    const discoveryUrl = async (host: string) => {
      const response = await platform.request(`http://${host}/open311/discovery.json`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { endpoints: { url: string }[] };
      return body.endpoints[0]!.url;
    };
    expect(await discoveryUrl("other-city.example.jp")).toBe("https://other-city.example.jp/open311/v2");
    // Reached on its second host, a city's request-time links stay there (passkeys and sign-in cookies do).
    expect(await discoveryUrl("www.other-city.example.jp")).toBe(
      "https://www.other-city.example.jp/open311/v2",
    );
    // A host the city does not list never makes it into a link.
    expect(await discoveryUrl("evil.example.com")).toBe("https://tenohira.example.jp/open311/v2");
    expect(await discoveryUrl("tenohira.example.jp")).toBe("https://tenohira.example.jp/open311/v2");
  });
});
