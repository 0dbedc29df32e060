import { z } from "zod";

/**
 * The profile attributes a resident can hold, and the only ones: collect what services need, nothing more.
 * Each is stored as its own row with its source and consents.
 */
export const profileAttributeNames = [
  "name",
  "name_kana",
  "birth_date",
  "gender",
  "postal_code",
  "address",
  "town",
  "phone",
  "household",
  "preferred_channels",
  "interests",
] as const;
export type ProfileAttributeName = (typeof profileAttributeNames)[number];

/** What a resident may type; gender only ever comes from the card. */
export const typedAttributeNames = profileAttributeNames.filter(
  (name) => name !== "gender" && name !== "town",
);

/** Which attributes a consent for targeting (sending relevant information) can cover, grouped as shown. */
export const targetingGroups = {
  area: ["address", "town"],
  lifeStage: ["birth_date"],
  household: ["household"],
  interests: ["interests"],
} as const satisfies Record<string, readonly ProfileAttributeName[]>;
export type TargetingGroup = keyof typeof targetingGroups;

export const channelOptions = ["email", "line", "inbox"] as const;
export const interestOptions = [
  "childcare",
  "elderly_care",
  "health",
  "disaster",
  "garbage",
  "tax",
  "events",
] as const;
export const householdRelations = ["child", "spouse", "parent", "other"] as const;

export type HouseholdMember = { relation: (typeof householdRelations)[number]; birthYear: number };

const thisYear = () => new Date().getFullYear();

const nfkc = (value: string) => value.normalize("NFKC").replace(/\s+/g, " ").trim();

/** Hiragana is accepted and stored as katakana; anything but kana, spaces and ー is refused. */
export function toKatakana(value: string): string {
  return nfkc(value).replace(/[\u3041-\u3096]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0x60));
}

export const profileValueSchemas = {
  name: z.string().transform(nfkc).pipe(z.string().min(1).max(100)),
  name_kana: z
    .string()
    .transform(toKatakana)
    .pipe(
      z
        .string()
        .min(1)
        .max(100)
        .regex(/^[\u30a1-\u30fa\u30fc ]+$/),
    ),
  birth_date: z.iso
    .date()
    .refine((value) => value >= "1900-01-01" && value <= new Date().toISOString().slice(0, 10)),
  gender: z.string().max(20),
  postal_code: z
    .string()
    .transform((value) => nfkc(value).replace(/[-‐ー−]/g, ""))
    .pipe(z.string().regex(/^\d{7}$/)),
  address: z.string().transform(nfkc).pipe(z.string().min(1).max(200)),
  town: z.string().max(100),
  phone: z
    .string()
    .transform((value) => nfkc(value).replace(/[-‐ー−() ]/g, ""))
    .pipe(z.string().regex(/^0\d{9,10}$/)),
  household: z
    .array(
      z.object({
        relation: z.enum(householdRelations),
        birthYear: z.number().int().min(1900).max(thisYear()),
      }),
    )
    .max(10),
  preferred_channels: z.array(z.enum(channelOptions)).max(channelOptions.length),
  interests: z.array(z.enum(interestOptions)).max(interestOptions.length),
} satisfies Record<ProfileAttributeName, z.ZodType>;

/**
 * 町字 (the town part of an address, e.g. 本町 in 本町一丁目2番3号) for area targeting: the text after the
 * city's name up to the first block number.
 */
export function townOf(address: string, cityName: string): string | null {
  const normalised = nfkc(address);
  const at = normalised.indexOf(cityName);
  const rest = at >= 0 ? normalised.slice(at + cityName.length) : normalised.replace(/^.*?[都道府県]/, "");
  const match = /^(.+?)(?:[0-9一二三四五六七八九十]+(?:丁目|番|-)|[0-9]|$)/.exec(rest.trim());
  const town = match?.[1]?.trim() ?? "";
  return town.length > 0 && town.length <= 100 ? town : null;
}
