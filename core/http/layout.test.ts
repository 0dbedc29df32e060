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

  it("leads back to the start from a page whose path carries a secret, such as a resume or unsubscribe link", async () => {
    for (const path of [
      "/forms/resume/00000000-0000-4000-8000-000000000000.secret-key-of-twenty-chars",
      "/reports/unsubscribe/secret-from-a-mail",
    ]) {
      const page = await (await platform.request(path)).text();
      expect(page, path).toContain('href="/sign-in?return=%2F"');
      expect(page, path).not.toMatch(/sign-in\?return=[^"]*secret/);
    }
  });
});
