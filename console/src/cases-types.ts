// Shapes of the staff cases and payments APIs (/staff/api/cases, /staff/api/payments), as the console
// reads them. Only types: the console bundle holds nothing of the server's code.

export type Localized = { ja: string; en: string };

export type CaseStatus = "received" | "in_progress" | "returned" | "completed" | "rejected" | "withdrawn";
export type CaseChannel = "web" | "line" | "counter" | "paper" | "phone";
export type Sla = "overdue" | "due_soon" | "on_track" | "none";

export type CaseListItem = {
  id: string;
  module: string;
  subjectType: string;
  subjectId: string;
  reference: string;
  title: Localized;
  serviceKey: string;
  departmentId: string | null;
  channel: CaseChannel;
  status: CaseStatus;
  statusLabel: Localized;
  assignee: { id: string; displayName: string } | null;
  team: { id: string; name: string } | null;
  receivedAt: string;
  dueAt: string | null;
  sla: Sla;
  completedAt: string | null;
  updatedAt: string;
};

export type CaseList = {
  cases: CaseListItem[];
  total: number;
  page: number;
  limit: number;
  services: { key: string; title: Localized }[];
};

export type CaseNextAction = { kind: "correct" | "pay" | "collect"; href: string; label?: Localized };

export type CaseDetail = CaseListItem & {
  statusReason: string | null;
  /** What the resident reads for the status on their page. */
  residentStatusLabel: Localized;
  nextAction: CaseNextAction | null;
  residentId: string | null;
  rating: { score: number; comment: string | null; at: string } | null;
  allowedTransitions: CaseStatus[];
};

export type CaseEntryKind =
  | "opened"
  | "status_changed"
  | "assigned"
  | "memo"
  | "message_to_resident"
  | "message_from_resident"
  | "rated"
  | "note";

export type CaseEntry = {
  id: string;
  kind: CaseEntryKind;
  at: string;
  staff: { id: string; displayName: string } | null;
  fromStatus: CaseStatus | null;
  toStatus: CaseStatus | null;
  body: string | null;
  visibleToResident: boolean;
  /** Kind-specific facts, e.g. an assignment's { before, after } staff and team ids. */
  data: Record<string, unknown> | null;
};

export type Assignees = {
  staff: { id: string; displayName: string; departmentId: string | null }[];
  teams: { id: string; name: string }[];
};

export type BulkResult = { results: { id: string; ok: boolean; detail?: string; reason?: Localized }[] };

export type ServiceMetrics = {
  serviceKey: string;
  title: Localized;
  total: number;
  byChannel: Partial<Record<CaseChannel, number>>;
  onlineShare: number;
  processingHours: { median: number; p90: number } | null;
  returned: number;
  satisfaction: { average: number | null; count: number };
};

export type SlaSetting = { serviceKey: string; title: Localized; slaBusinessDays: number | null };

export type Payment = {
  id: string;
  state: string;
  /** The current attempt at the provider is over (paid, failed, cancelled, expired). */
  finished: boolean;
  amount: number;
  refundedAmount: number;
  refundableAmount: number;
  provider: string;
  reference: string;
  description: Localized;
  failure: { code: string; message: string } | null;
  createdAt: string;
  succeededAt: string | null;
  refunds: {
    id: string;
    amount: number;
    state: string;
    reason: string;
    automatic: boolean;
    createdAt: string;
  }[];
  transitions: { from: string; to: string; source: string; at: string }[];
};
