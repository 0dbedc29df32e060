import { describe, expect, it } from "vitest";
import { AdmissionQueue } from "./waiting-room-queue.ts";

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("AdmissionQueue", () => {
  it("admits a burst at once, then numbers the next arrivals with growing positions", () => {
    const time = clock();
    const queue = new AdmissionQueue({ admitPerSecond: 2, burst: 3, now: time.now });
    expect([queue.arrive(), queue.arrive(), queue.arrive()]).toEqual([
      { kind: "admit" },
      { kind: "admit" },
      { kind: "admit" },
    ]);
    const waits = [queue.arrive(), queue.arrive(), queue.arrive()];
    expect(waits.map((w) => (w.kind === "wait" ? [w.ticket, w.position, w.waitSeconds] : w))).toEqual([
      [1, 1, 0.5],
      [2, 2, 1],
      [3, 3, 1.5],
    ]);
  });

  it("serves tickets strictly in order at the configured rate, before any new arrival", () => {
    const time = clock();
    const queue = new AdmissionQueue({ admitPerSecond: 2, burst: 1, now: time.now });
    expect(queue.arrive().kind).toBe("admit");
    const tickets = [1, 2, 3, 4].map(() => queue.arrive());
    expect(tickets.map((t) => (t.kind === "wait" ? t.ticket : 0))).toEqual([1, 2, 3, 4]);

    time.advance(1000); // two admissions' worth: tickets 1 and 2
    expect(queue.check(3)).toMatchObject({ kind: "wait", position: 1 });
    expect(queue.check(2)).toEqual({ kind: "admit" });
    expect(queue.check(1)).toEqual({ kind: "admit" });
    // A newcomer does not jump the two still waiting, even though time passes for them.
    expect(queue.arrive()).toMatchObject({ kind: "wait", ticket: 5, position: 3 });

    time.advance(500);
    expect(queue.check(3)).toEqual({ kind: "admit" });
    expect(queue.check(4)).toMatchObject({ kind: "wait", position: 1 });
  });

  it("refills the bucket only once the queue is empty, and never beyond the burst", () => {
    const time = clock();
    const queue = new AdmissionQueue({ admitPerSecond: 1, burst: 2, now: time.now });
    queue.arrive();
    queue.arrive();
    expect(queue.arrive()).toMatchObject({ kind: "wait", ticket: 1 });
    time.advance(1000); // serves ticket 1; nothing left over for the bucket
    expect(queue.arrive()).toMatchObject({ kind: "wait", ticket: 2, position: 1 });
    time.advance(60_000); // ticket 2 served after 1 s, the rest fills the bucket up to 2 only
    expect(queue.check(2)).toEqual({ kind: "admit" });
    expect([queue.arrive().kind, queue.arrive().kind, queue.arrive().kind]).toEqual([
      "admit",
      "admit",
      "wait",
    ]);
  });

  it("keeps fractional rates exact over many small steps", () => {
    const time = clock();
    const queue = new AdmissionQueue({ admitPerSecond: 0.5, burst: 1, now: time.now });
    queue.arrive();
    expect(queue.arrive()).toMatchObject({ kind: "wait", ticket: 1, waitSeconds: 2 });
    for (let i = 0; i < 19; i++) {
      time.advance(100);
      expect(queue.check(1).kind).toBe("wait");
    }
    time.advance(100);
    expect(queue.check(1)).toEqual({ kind: "admit" });
  });
});

describe("AdmissionQueue per client address", () => {
  it("gives a client holding the limit of waiting tickets its latest one again, until they are served", () => {
    const time = clock();
    const queue = new AdmissionQueue({ admitPerSecond: 1, burst: 1, now: time.now, ticketsPerClient: 2 });
    expect(queue.arriveFrom("198.51.100.7").kind).toBe("admit");
    const tickets = [1, 2, 3, 4].map(() => queue.arriveFrom("198.51.100.7"));
    expect(tickets.map((w) => (w.kind === "wait" ? w.ticket : w.kind))).toEqual([1, 2, 2, 2]);
    // Another address is not held back, and lines up right behind the repeating client.
    const visitor = queue.arriveFrom("203.0.113.5");
    expect(visitor.kind === "wait" ? [visitor.ticket, visitor.position] : visitor).toEqual([3, 3]);
    // Once its first ticket is served it holds one waiting ticket, so it may take one new number.
    time.advance(1000);
    const next = queue.arriveFrom("198.51.100.7");
    expect(next.kind === "wait" ? next.ticket : next).toBe(4);
    const again = queue.arriveFrom("198.51.100.7");
    expect(again.kind === "wait" ? again.ticket : again).toBe(4);
    // Requests without a known address are never merged.
    const anonymous = [queue.arriveFrom(null), queue.arriveFrom(null)];
    expect(anonymous.map((w) => (w.kind === "wait" ? w.ticket : w.kind))).toEqual([5, 6]);
  });

  it("remembers a bounded number of addresses, forgetting the least recently seen", () => {
    const time = clock();
    const queue = new AdmissionQueue({
      admitPerSecond: 1,
      burst: 1,
      now: time.now,
      ticketsPerClient: 1,
      clientCapacity: 3,
    });
    queue.arrive();
    for (const client of ["a", "b", "c", "d"]) {
      queue.arriveFrom(client);
    }
    expect(queue.rememberedClients).toBe(3);
    // "a" was forgotten, so it gets a new number; "d" is remembered and gets its own again.
    const a = queue.arriveFrom("a");
    const d = queue.arriveFrom("d");
    expect([a, d].map((w) => (w.kind === "wait" ? w.ticket : w.kind))).toEqual([5, 4]);
    expect(queue.rememberedClients).toBe(3);
    // Served addresses are dropped when seen again, freeing their room.
    time.advance(60_000);
    expect(queue.arriveFrom("d").kind).toBe("admit");
    expect(queue.rememberedClients).toBe(2);
  });
});
