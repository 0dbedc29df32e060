import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { tenants } from "../tenancy/schema.ts";
import { createTestPlatform, type TestPlatform } from "../testing/test-platform.ts";
import { guards, PASS_COOKIE, TICKET_COOKIE } from "./waiting-room.ts";

const settings = {
  paths: ["/sign-in", "/api/openapi.json"],
  admitPerSecond: 1,
  burst: 2,
  passMinutes: 10,
};

describe("guards", () => {
  const at = Date.parse("2026-12-01T09:00:00+09:00");
  it("matches whole path segments under a prefix, only inside the rush window", () => {
    expect(guards(settings, "/sign-in", at)).toBe(true);
    expect(guards(settings, "/sign-in/email", at)).toBe(true);
    expect(guards(settings, "/sign-inx", at)).toBe(false);
    expect(guards(settings, "/my", at)).toBe(false);
    expect(guards({ ...settings, paths: ["/facilities/"] }, "/facilities", at)).toBe(true);
    const window = { from: "2026-12-01T09:00:00+09:00", until: "2026-12-01T10:00:00+09:00" };
    expect(guards({ ...settings, ...window }, "/sign-in", at - 1)).toBe(false);
    expect(guards({ ...settings, ...window }, "/sign-in", at)).toBe(true);
    expect(guards({ ...settings, ...window }, "/sign-in", at + 3_600_000)).toBe(false);
    expect(guards({ ...settings, admitPerSecond: 0 }, "/sign-in", at)).toBe(false);
  });
});

describe("the waiting room through the app", () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    // The core alone: the room is generic and must not depend on any module.
    platform = await createTestPlatform({ modules: [] });
    // Before the first request, so the cached tenant list already holds the room.
    await platform.services.database.db.update(tenants).set({ settings: { waitingRoom: settings } });
  });
  afterAll(() => platform.close());
  afterEach(() => vi.useRealTimers());

  /** The cookie header a browser would send next: the response's cookies over the ones it had. */
  function nextCookies(previous: string, response: Response): string {
    const jar = new Map(
      previous
        .split("; ")
        .filter(Boolean)
        .map((pair) => [pair.split("=")[0]!, pair] as const),
    );
    for (const set of response.headers.getSetCookie()) {
      const pair = set.split(";")[0]!;
      const name = pair.split("=")[0]!;
      if (/max-age=0/i.test(set) || pair === `${name}=`) {
        jar.delete(name);
      } else {
        jar.set(name, pair);
      }
    }
    return [...jar.values()].join("; ");
  }

  const visit = async (cookie = "", path = "/sign-in") => {
    const response = await platform.request(path, { headers: { accept: "text/html", cookie } });
    return { response, body: await response.text(), cookie: nextCookies(cookie, response) };
  };
  const waiting = (visited: { response: Response }) => visited.response.headers.has("retry-after");

  it("lets the burst in, queues the rest in order, and admits them in ticket order as time passes", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.parse("2026-12-01T09:00:00+09:00"));

    const first = await visit();
    const second = await visit();
    for (const admitted of [first, second]) {
      expect(admitted.response.status).toBe(200);
      expect(waiting(admitted)).toBe(false);
      expect(admitted.cookie).toContain(`${PASS_COOKIE}=`);
    }

    const queued = [await visit(), await visit(), await visit()];
    for (const [index, visitor] of queued.entries()) {
      expect(visitor.response.status).toBe(200);
      expect(visitor.response.headers.get("cache-control")).toBe("no-store");
      expect(visitor.response.headers.get("retry-after")).toMatch(/^\d+$/);
      expect(visitor.response.headers.get("refresh")).toMatch(/^\d+; url=\/sign-in$/);
      expect(visitor.body).toContain("ただいま大変混み合っています");
      expect(visitor.body).toContain(`${index + 1}番目`);
      expect(visitor.cookie).toContain(`${TICKET_COOKIE}=`);
    }

    // A visitor holding a pass goes in while others wait.
    expect(waiting(await visit(first.cookie))).toBe(false);
    // Coming back early keeps the same number.
    const early = await visit(queued[1]!.cookie);
    expect(early.body).toContain("2番目");

    vi.advanceTimersByTime(1000);
    const thirdTooEarly = await visit(queued[2]!.cookie);
    expect(thirdTooEarly.body).toContain("2番目");
    const secondTooEarly = await visit(queued[1]!.cookie);
    expect(secondTooEarly.body).toContain("1番目");
    const firstIn = await visit(queued[0]!.cookie);
    expect(waiting(firstIn)).toBe(false);
    expect(firstIn.cookie).toContain(`${PASS_COOKIE}=`);
    expect(firstIn.cookie).not.toContain(`${TICKET_COOKIE}=`);

    vi.advanceTimersByTime(2000);
    expect(waiting(await visit(queued[2]!.cookie))).toBe(false);
    expect(waiting(await visit(queued[1]!.cookie))).toBe(false);
  });

  it("treats forged or tampered cookies as a new arrival", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.parse("2026-12-01T10:00:00+09:00"));
    // Use up the bucket so every newcomer queues.
    let visitor = await visit();
    while (!waiting(visitor)) {
      visitor = await visit();
    }
    const ticket = visitor.cookie.match(new RegExp(`${TICKET_COOKIE}=([^;]+)`))![1]!;
    const [tenantId, epoch, number, signature] = ticket.split(".");
    expect(Number(number)).toBeGreaterThan(0);
    const moved = `${TICKET_COOKIE}=${tenantId}.${epoch}.1.${signature}`;
    const forgedTicket = await visit(moved);
    expect(waiting(forgedTicket)).toBe(true);
    expect(forgedTicket.cookie).not.toBe(moved);
    const nextNumber = forgedTicket.cookie.match(new RegExp(`${TICKET_COOKIE}=[^.]+\\.[^.]+\\.(\\d+)`))![1];
    expect(Number(nextNumber)).toBe(Number(number) + 1);

    const farFuture = Date.now() + 86_400_000;
    const forgedPass = await visit(`${PASS_COOKIE}=${tenantId}.${farFuture}.${"A".repeat(43)}`);
    expect(waiting(forgedPass)).toBe(true);
  });

  it("never queues paths outside the configured prefixes, and answers API clients with a bilingual 429", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.parse("2026-12-01T11:00:00+09:00"));
    let visitor = await visit();
    while (!waiting(visitor)) {
      visitor = await visit();
    }
    for (const path of ["/", "/my", "/sign-inx", "/assets/site.css", "/healthz", "/api/openapi.jsonx"]) {
      const response = await platform.request(path, { headers: { accept: "text/html" } });
      expect(response.headers.has("retry-after"), path).toBe(false);
    }

    const api = await platform.request("/api/openapi.json", { headers: { accept: "application/json" } });
    expect(api.status).toBe(429);
    expect(api.headers.get("content-type")).toContain("application/problem+json");
    expect(api.headers.get("retry-after")).toMatch(/^\d+$/);
    const problem = (await api.json()) as Record<string, unknown>;
    expect(problem).toMatchObject({
      status: 429,
      title: "We are very busy right now",
      title_ja: "ただいま大変混み合っています",
    });
    expect(problem["position"]).toBeGreaterThan(1);
    expect(problem["detail_ja"]).toContain("順番待ち");

    const english = await visit("", "/sign-in?lang=en");
    expect(english.body).toContain("Your place in line");
    expect(english.response.headers.get("refresh")).toMatch(/url=\/sign-in\?lang=en$/);
  });
});
