import { describe, expect, it } from "vitest";
import {
  decideTransition,
  isFinished,
  type PaymentState,
  paymentStates,
  type TransitionSource,
  transitionSources,
} from "./payment-state.ts";

/**
 * Every allowed move, written out by hand: from → the states each source may move it to. Anything not
 * listed must be refused. The test walks all 8 × 8 × 7 combinations against this table.
 */
const provider = {
  created: ["started", "submitted", "success", "failed", "cancelled", "expired", "error"],
  started: ["submitted", "success", "failed", "cancelled", "expired", "error"],
  submitted: ["success", "failed", "cancelled", "expired", "error"],
  success: [],
  failed: ["success"],
  cancelled: ["success"],
  expired: ["success"],
  error: ["success"],
} satisfies Record<PaymentState, PaymentState[]>;

const allowed: Record<TransitionSource, Record<PaymentState, readonly PaymentState[]>> = {
  return: provider,
  webhook: provider,
  poll: provider,
  reconcile: provider,
  start: {
    created: ["started"],
    started: [],
    submitted: [],
    success: [],
    failed: ["started"],
    cancelled: [],
    expired: ["started"],
    error: ["started"],
  },
  expiry: {
    created: ["expired"],
    started: ["expired"],
    submitted: [],
    success: [],
    failed: [],
    cancelled: [],
    expired: [],
    error: [],
  },
  staff: {
    created: ["cancelled"],
    started: [],
    submitted: [],
    success: [],
    failed: ["cancelled"],
    cancelled: [],
    expired: ["cancelled"],
    error: ["cancelled"],
  },
};

describe("payment state machine", () => {
  it("allows exactly the transitions of the table, for every state pair and source", () => {
    const mismatches: string[] = [];
    let checked = 0;
    for (const source of transitionSources) {
      for (const from of paymentStates) {
        for (const to of paymentStates) {
          const expected = allowed[source][from].includes(to);
          const decision = decideTransition(from, to, source);
          checked++;
          if (decision.ok !== expected) {
            mismatches.push(`${source}: ${from} → ${to} expected ${expected ? "allowed" : "refused"}`);
          }
          if (!decision.ok) {
            expect(decision.refusal.reason.ja.length).toBeGreaterThan(0);
            expect(decision.refusal.reason.en.length).toBeGreaterThan(0);
          }
        }
      }
    }
    expect(checked).toBe(8 * 8 * 7);
    expect(mismatches).toEqual([]);
  });

  it("never moves a successful payment, whatever reports it", () => {
    for (const source of transitionSources) {
      for (const to of paymentStates.filter((s) => s !== "success")) {
        const decision = decideTransition("success", to, source);
        expect(decision.ok).toBe(false);
        expect(!decision.ok && decision.refusal.kind).toBe("stale");
      }
    }
  });

  it("applies a late success after a failure, cancellation or expiry, but only from the provider", () => {
    for (const from of ["failed", "cancelled", "expired", "error"] as const) {
      expect(decideTransition(from, "success", "webhook").ok).toBe(true);
      expect(decideTransition(from, "success", "reconcile").ok).toBe(true);
      expect(decideTransition(from, "success", "staff").ok).toBe(false);
      expect(decideTransition(from, "success", "start").ok).toBe(false);
    }
  });

  it("treats out-of-order and repeated reports as stale or unchanged, not as errors", () => {
    const staleStarted = decideTransition("submitted", "started", "webhook");
    expect(!staleStarted.ok && staleStarted.refusal.kind).toBe("stale");
    const staleFailed = decideTransition("success", "failed", "webhook");
    expect(!staleFailed.ok && staleFailed.refusal.kind).toBe("stale");
    const repeated = decideTransition("started", "started", "webhook");
    expect(!repeated.ok && repeated.refusal.kind).toBe("unchanged");
    // success before started/submitted arrive: allowed, and the later reports are then stale
    expect(decideTransition("created", "success", "webhook").ok).toBe(true);
    expect(decideTransition("success", "started", "webhook").ok).toBe(false);
  });

  it("marks finished states", () => {
    expect(paymentStates.filter(isFinished)).toEqual(["success", "failed", "cancelled", "expired", "error"]);
  });
});
