import { and, eq } from "drizzle-orm";
import type { Db } from "../../../core/db/database.ts";
import type { LatLng } from "../../../core/geo/geo.ts";
import type { PageInput } from "../../forms/index.ts";
import { reportAreas } from "../schema.ts";
import { bilingual, Open311Error } from "./format.ts";

type Posted = Record<string, string | File | (string | File)[]>;

/** What a POST requests.{format} carries, read from a urlencoded or multipart body. */
export type PostedRequest = {
  apiKey: string;
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
const first = (body: Posted, name: string) => strings(body[name])[0]?.trim() ?? "";

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
    apiKey: first(body, "api_key"),
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
 * A place given only as address_string: accepted when it names one of the city's 町字 (the longest name it
 * contains wins), placed at the centre of that 町字's box. Anything vaguer cannot be routed or mapped.
 */
export async function placeOfAddress(db: Db, tenantId: string, address: string): Promise<LatLng> {
  const text = address.normalize("NFKC").toLowerCase();
  const areas = await db
    .select()
    .from(reportAreas)
    .where(and(eq(reportAreas.tenantId, tenantId), eq(reportAreas.kind, "machiaza")));
  const matches = areas
    .filter(
      (area) =>
        text.includes(area.nameJa.normalize("NFKC").toLowerCase()) ||
        text.includes(area.nameEn.toLowerCase()),
    )
    .sort((a, b) => b.nameJa.length - a.nameJa.length);
  const area = matches[0];
  if (!area) {
    throw new Open311Error(400, [
      bilingual({
        ja: "場所が必要です。lat と long を指定するか、address_string に町字名を含めてください",
        en: "A location is required: give lat and long, or an address_string naming a town district (町字)",
      }),
    ]);
  }
  return { lat: (area.minLat + area.maxLat) / 2, lng: (area.minLng + area.maxLng) / 2 };
}
