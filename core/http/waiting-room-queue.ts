import { randomUUID } from "node:crypto";

/** What the queue tells a visitor: go in now, or wait with this ticket. */
export type Admission =
  | { kind: "admit" }
  | {
      kind: "wait";
      ticket: number;
      /** How many tickets, this one included, are still ahead of the door. */
      position: number;
      /** Estimated seconds until this ticket is served at the configured rate. */
      waitSeconds: number;
    };

/**
 * A token bucket with a numbered queue behind it, one per tenant and process, with no database access.
 * One admission budget (`admitPerSecond`) is shared: while anyone is queued, it advances "served up to"
 * through the tickets in order; only when the queue is empty does it fill the bucket (up to `burst`)
 * for new arrivals. So nobody who arrives later goes in before a ticket holder, and the total admission
 * rate never exceeds the configured one.
 */
export class AdmissionQueue {
  /** Identifies this numbering: a ticket from an earlier queue (other settings, a restart) is not honoured. */
  readonly epoch = randomUUID();
  private readonly rate: number;
  private readonly burst: number;
  private readonly now: () => number;
  private tokens: number;
  private lastRefill: number;
  private issued = 0;
  /** Fractional: it moves continuously at `rate`; ticket n is served once it reaches n. */
  private servedUpTo = 0;

  constructor(options: { admitPerSecond: number; burst: number; now: () => number }) {
    this.rate = options.admitPerSecond;
    this.burst = options.burst;
    this.now = options.now;
    this.tokens = options.burst;
    this.lastRefill = options.now();
  }

  /** The highest ticket number handed out; a ticket above it cannot be ours. */
  get issuedTickets(): number {
    return this.issued;
  }

  /** A visitor with no ticket: admitted if nobody waits and a token is free, otherwise given the next number. */
  arrive(): Admission {
    this.refill();
    if (this.servedUpTo >= this.issued && this.tokens >= 1) {
      this.tokens -= 1;
      return { kind: "admit" };
    }
    this.issued += 1;
    return this.waiting(this.issued);
  }

  /** A visitor back with their ticket: admitted once "served up to" has reached it. */
  check(ticket: number): Admission {
    this.refill();
    return ticket <= this.servedTickets() ? { kind: "admit" } : this.waiting(ticket);
  }

  private waiting(ticket: number): Admission {
    return {
      kind: "wait",
      ticket,
      position: ticket - this.servedTickets(),
      waitSeconds: (ticket - this.servedUpTo) / this.rate,
    };
  }

  /** Tickets fully served; the epsilon absorbs float residue from adding many small budgets. */
  private servedTickets(): number {
    return Math.floor(this.servedUpTo + 1e-9);
  }

  private refill(): void {
    const now = this.now();
    const budget = (Math.max(0, now - this.lastRefill) / 1000) * this.rate;
    this.lastRefill = now;
    const toQueue = Math.min(budget, this.issued - this.servedUpTo);
    // Snap float residue (2.9999999…), or ticket 3 would wait one refill longer than it should.
    this.servedUpTo =
      this.issued - this.servedUpTo - toQueue < 1e-9 ? this.issued : this.servedUpTo + toQueue;
    this.tokens = Math.min(this.burst, this.tokens + budget - toQueue);
  }
}
