/** A file a resident attached (or a drawn signature), stored through the core's file store. */
export type AttachmentRef = { id: string; name: string; size: number; contentType: string };

export type NameValue = { name: string; kana?: string };
export type LocationValue = { lat: number; lng: number };
export type SignatureValue = { attachment: AttachmentRef } | { typed: string };
export type ScalarAnswer = string | number | boolean | string[] | NameValue | LocationValue;
export type AnswerValue =
  | ScalarAnswer
  | AttachmentRef[]
  | SignatureValue
  | Record<string, ScalarAnswer | null>[];

/** Answers by stable field key. */
export type Answers = Record<string, AnswerValue | null>;

/**
 * Where a value came from (Open Forms' lesson): typed by the resident, prefilled from their profile or their
 * card-verified 基本4情報 (and whether they then changed it), or computed by the form.
 */
export type Provenance = {
  source: "typed" | "prefilled" | "computed";
  prefilledFrom?: "profile" | "card";
  changed?: boolean;
  /** The prefilled value, to tell later whether the resident changed it. */
  initial?: AnswerValue;
};
export type ProvenanceMap = Record<string, Provenance>;

/** A problem with one input; `input` is the form control's name (e.g. "child.0.birth_date"). */
export type FieldProblem = { input: string; message: { ja: string; en: string } };
