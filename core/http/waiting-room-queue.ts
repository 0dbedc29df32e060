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

  private readonly ticketsPerClient: number;
  private readonly clientCapacity: number;
  /**
   * Waiting tickets per client address, oldest-touched first (a Map keeps insertion order), so the entry
   * to evict when full is the first one.
   */
  private readonly clients = new Map<string, number[]>();

  constructor(options: {
    admitPerSecond: number;
    burst: number;
    now: () => number;
    /** A client address holding this many waiting tickets gets its latest one again instead of a new one. */
    ticketsPerClient?: number;
    /** How many addresses are remembered; the least recently seen is forgotten beyond it. */
    clientCapacity?: number;
  }) {
    this.rate = options.admitPerSecond;
    this.burst = options.burst;
    this.now = options.now;
    this.ticketsPerClient = options.ticketsPerClient ?? 3;
    this.clientCapacity = options.clientCapacity ?? 10_000;
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

  /**
   * A visitor without a ticket from this client address. A client that already holds `ticketsPerClient`
   * waiting tickets (one that drops its cookies and keeps coming back) is given its latest ticket again,
   * so it cannot push people who wait behind it further back.
   */
  arriveFrom(client: string | null): Admission {
    if (client === null) {
      return this.arrive();
    }
    this.refill();
    const served = this.servedTickets();
    const waiting = (this.clients.get(client) ?? []).filter((ticket) => ticket > served);
    this.clients.delete(client);
    if (waiting.length >= this.ticketsPerClient) {
      this.clients.set(client, waiting);
      return this.waiting(waiting[waiting.length - 1]!);
    }
    const admission = this.arrive();
    if (admission.kind === "wait") {
      waiting.push(admission.ticket);
    }
    if (waiting.length > 0) {
      this.clients.set(client, waiting);
      if (this.clients.size > this.clientCapacity) {
        this.clients.delete(this.clients.keys().next().value!);
      }
    }
    return admission;
  }

  /** How many client addresses are remembered (bounded by `clientCapacity`). */
  get rememberedClients(): number {
    return this.clients.size;
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
