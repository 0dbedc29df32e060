import { and, eq } from "drizzle-orm";
import type { Db } from "../../../core/db/database.ts";
import { containsPoint, type LatLng, nearestInside } from "../../../core/geo/geo.ts";
import type { Services } from "../../../core/services.ts";
import type { PageInput } from "../../forms/index.ts";
import { geocodeInCity } from "../address-search.ts";
import { reportAreas } from "../schema.ts";
import { bilingual, Open311Error } from "./format.ts";
import { refuseNul } from "./params.ts";

export type Posted = Record<string, string | File | (string | File)[]>;

/** What a POST requests.{format} carries, read from a urlencoded or multipart body. */
export type PostedRequest = {
  serviceCode: string;
  point: LatLng | null;
  addressString: string;
  description: string;
  email: string;
  phone: string;
  name: string;
  deviceId: string;
  accountId: string;
  answerInput: PageInput;
  photos: { fileName: string; bytes: Uint8Array }[];
};

const strings = (value: Posted[string] | undefined): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter(
    (v): v is string => typeof v === "string",
  );
/** A posted field's first text value, trimmed; "" when absent. */
export const postedField = (body: Posted, name: string) => strings(body[name])[0]?.trim() ?? "";
const first = postedField;

/** Refuses a body any of whose field names or text values holds a NUL, before anything is looked up. */
export function refuseNulFields(body: Posted): void {
  for (const [name, value] of Object.entries(body)) {
    refuseNul("field name", name);
    for (const text of strings(value)) {
      refuseNul(name, text);
    }
  }
}

/** `attribute[code]=value` (and `attribute[code][]=a&attribute[code][]=b` for lists) → input name → values. */
function attributes(body: Posted): PageInput {
  const input: PageInput = new Map();
  for (const [name, value] of Object.entries(body)) {
    const match = /^attribute\[([^\]]+)\](?:\[\])?$/.exec(name);
    if (match) {
      input.set(match[1]!, [...(input.get(match[1]!) ?? []), ...strings(value)]);
    }
  }
  return input;
}

export async function readPostedRequest(body: Posted): Promise<PostedRequest> {
  const latText = first(body, "lat");
  const longText = first(body, "long");
  const lat = Number(latText);
  const lng = Number(longText);
  const files = (Array.isArray(body["media"]) ? body["media"] : [body["media"]]).filter(
    (v): v is File => v instanceof File && v.size > 0,
  );
  if (latText !== "" || longText !== "") {
    if (latText === "" || longText === "" || !Number.isFinite(lat) || !Number.isFinite(lng)) {
      throw new Open311Error(400, [
        bilingual({
          ja: "lat と long は10進数の緯度・経度で両方を指定してください",
          en: "lat and long must both be given as decimal degrees",
        }),
      ]);
    }
  }
  return {
    serviceCode: first(body, "service_code"),
    point: latText !== "" ? { lat, lng } : null,
    addressString: first(body, "address_string"),
    description: strings(body["description"])[0] ?? "",
    email: first(body, "email"),
    phone: first(body, "phone"),
    name: [first(body, "last_name"), first(body, "first_name")].filter(Boolean).join(" "),
    deviceId: first(body, "device_id"),
    accountId: first(body, "account_id"),
    answerInput: attributes(body),
    photos: await Promise.all(
      files.map(async (file) => ({ fileName: file.name, bytes: new Uint8Array(await file.arrayBuffer()) })),
    ),
  };
}

/**
 * A place given only as address_string: accepted when it contains the Japanese name of one of the city's 町字
 * (the longest wins) or is exactly its English name — a short English name like "Kita" would match too much
 * inside other text. Placed at the centre of the 町字's box, or the nearest point inside it when the centre
 * falls outside (an L-shaped 町字). Anything vaguer cannot be routed or mapped.
 *
 * With an abr-geocoder configured (`services`), the address is also geocoded — as this city's address when it
 * names no prefecture or city (geocodeInCity): inside the 町字 it names, its point replaces the 町字's centre;
 * an address that named a prefecture or city placed outside this one is refused, even when it shares a 町字
 * name.
 * A geocoder that cannot answer leaves the 町字 rule alone.
 */
export async function placeOfAddress(
  db: Db,
  tenantId: string,
  address: string,
  services?: Pick<Services, "config" | "database" | "logger">,
): Promise<LatLng> {
  const text = address.normalize("NFKC").toLowerCase();
  const whole = text.trim();
  const areas = await db
    .select()
    .from(reportAreas)
    .where(and(eq(reportAreas.tenantId, tenantId), eq(reportAreas.kind, "machiaza")));
  const matches = areas
    .filter(
      (area) =>
        (area.nameJa !== "" && text.includes(area.nameJa.normalize("NFKC").toLowerCase())) ||
        whole === area.nameEn.normalize("NFKC").trim().toLowerCase(),
    )
    .sort((a, b) => b.nameJa.length - a.nameJa.length);
  const area = matches[0];
  const geocoded = services ? await geocodeInCity({ services, tenantId, address }) : null;
  const outside = (label: string) =>
    new Open311Error(400, [
      bilingual({
        ja: `address_string の住所（${label}）は市の区域の外です`,
        en: `The address_string (${label}) is outside the city`,
      }),
    ]);
  if (area) {
    if (geocoded?.kind === "address" && containsPoint(area.geometry, geocoded.point)) {
      return geocoded.point;
    }
    // A precise address in another city that happens to share a 町字 name is not this city's.
    if (geocoded?.kind === "outside") {
      throw outside(geocoded.label);
    }
    const centre = { lat: (area.minLat + area.maxLat) / 2, lng: (area.minLng + area.maxLng) / 2 };
    return containsPoint(area.geometry, centre) ? centre : nearestInside(area.geometry, centre);
  }
  if (geocoded?.kind === "address") {
    return geocoded.point;
  }
  if (geocoded?.kind === "outside") {
    throw outside(geocoded.label);
  }
  if (geocoded?.kind === "unavailable") {
    throw new Open311Error(400, [
      bilingual({
        ja: "住所検索を今は利用できません。lat と long を指定するか、address_string に町字名を含めてください",
        en: "Address search is not available right now: give lat and long, or an address_string naming a town district (町字)",
      }),
    ]);
  }
  throw new Open311Error(400, [
    geocoded
      ? bilingual({
          ja: "address_string の住所が見つかりません。lat と long を指定するか、番地までの住所か町字名を含めてください",
          en: "The address_string was not found: give lat and long, or a full address or town district (町字) name",
        })
      : bilingual({
          ja: "場所が必要です。lat と long を指定するか、address_string に町字名を含めてください",
          en: "A location is required: give lat and long, or an address_string naming a town district (町字)",
        }),
  ]);
}
