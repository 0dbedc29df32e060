import exifr from "exifr";
import { isLatLng, type LatLng, round6 } from "../../core/geo/geo.ts";

/**
 * The GPS position a phone camera wrote into a photo, read from the ORIGINAL upload before it is re-encoded
 * without EXIF. Used only when the resident ticked the consent box and chose no point; never stored.
 */
export async function photoLocation(bytes: Uint8Array): Promise<LatLng | null> {
  try {
    const gps = await exifr.gps(Buffer.from(bytes));
    if (!gps || typeof gps.latitude !== "number" || typeof gps.longitude !== "number") {
      return null;
    }
    const point = round6({ lat: gps.latitude, lng: gps.longitude });
    return isLatLng(point) ? point : null;
  } catch {
    // Not an image exifr understands, or no EXIF at all: the resident places the pin by hand.
    return null;
  }
}
