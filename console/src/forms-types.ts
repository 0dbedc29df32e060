// Shapes of the staff forms API (/staff/api/forms), as the console reads them. Only types: nothing of the
// server's code (or zod) ends up in the console bundle.
import type { FormDefinition } from "../../modules/forms/definition/form-definition.ts";

export type {
  Expression,
  Field,
  FieldType,
  FormDefinition,
  GroupMemberField,
  LocalizedText,
  Page,
} from "../../modules/forms/definition/form-definition.ts";

export type FormSummary = {
  id: string;
  slug: string;
  title: { ja: string; en?: string };
  status: "draft" | "published" | "unpublished";
  departmentId: string | null;
  currentVersion: number | null;
  draftUpdatedAt: string;
  hasUnpublishedChanges: boolean;
  applicationCount: number;
};

export type VersionSummary = {
  number: number;
  publishedAt: string;
  publishedBy: string | null;
  contentHash: string;
};

export type FormDetail = FormSummary & { draft: FormDefinition; versions: VersionSummary[] };

export type TemplateSummary = { key: string; title: { ja: string; en?: string }; category: string };

export type DiffChange = {
  path: string;
  kind: "added" | "removed" | "changed";
  label: string;
  before?: unknown;
  after?: unknown;
};

export type ApplicationSummary = {
  id: string;
  referenceNumber: string;
  submittedAt: string;
  versionNumber: number;
  residentId: string | null;
  channel: string;
  locale: string;
  feeAmount: number | null;
  paymentStatus: string;
};

export type Provenance = {
  source: "typed" | "prefilled" | "computed";
  prefilledFrom?: "profile" | "card";
  changed?: boolean;
};

export type ApplicationDetail = {
  id: string;
  referenceNumber: string;
  formId: string;
  formTitle: { ja: string; en?: string } | string;
  versionNumber: number;
  submittedAt: string;
  locale: string;
  channel: string;
  feeAmount: number | null;
  paymentStatus: string;
  residentId: string | null;
  rows: { key: string; label: string; value: string; provenance: Provenance | null }[];
  attachments: { id: string; fieldKey: string; name: string; size: number; contentType: string }[];
};
