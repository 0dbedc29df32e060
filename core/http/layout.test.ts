import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestPlatform, type TestPlatform } from "../testing/test-platform.ts";

let platform: TestPlatform;
beforeAll(async () => {
  platform = await createTestPlatform();
});
afterAll(() => platform.close());

describe("the resident page frame", () => {
  it("keeps a link's token out of the sign-in return address, but in the language switch", async () => {
    const response = await platform.request("/services?token=secret-from-a-mail&x=1");
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain(`href="/sign-in?return=${encodeURIComponent("/services?x=1")}"`);
    expect(page).toContain('href="/services?token=secret-from-a-mail&amp;x=1&amp;lang=en"');
  });
});
