/**
 * Plane geometry on WGS84 / JGD2011 coordinates, enough for a city: point in polygon, the nearest point on
 * a boundary, distances, bounding boxes and Web Mercator tile numbers. No PostGIS: PGlite has none, and a
 * city's areas are a few hundred polygons that fit in memory.
 */

export type LatLng = { lat: number; lng: number };

/** GeoJSON order: [longitude, latitude]. */
export type Position = [number, number];
/** Outer ring first, then holes; rings are closed or not, either is accepted. */
export type PolygonRings = Position[][];
/** A GeoJSON Polygon or MultiPolygon geometry. */
export type AreaGeometry =
  | { type: "Polygon"; coordinates: PolygonRings }
  | { type: "MultiPolygon"; coordinates: PolygonRings[] };

export type BBox = { minLat: number; minLng: number; maxLat: number; maxLng: number };

const EARTH_RADIUS_M = 6_371_008.8;
const rad = (degrees: number) => (degrees * Math.PI) / 180;

export function isLatLng(value: LatLng): boolean {
  return (
    Number.isFinite(value.lat) &&
    Number.isFinite(value.lng) &&
    Math.abs(value.lat) <= 85.05 &&
    Math.abs(value.lng) <= 180
  );
}

/** Great-circle distance in metres (haversine). */
export function distanceMeters(a: LatLng, b: LatLng): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The box `meters` around a point: a cheap index filter before an exact distance check. */
export function boxAround(point: LatLng, meters: number): BBox {
  const dLat = (meters / EARTH_RADIUS_M) * (180 / Math.PI);
  const dLng = dLat / Math.max(0.01, Math.cos(rad(point.lat)));
  return {
    minLat: point.lat - dLat,
    maxLat: point.lat + dLat,
    minLng: point.lng - dLng,
    maxLng: point.lng + dLng,
  };
}

function polygonsOf(geometry: AreaGeometry): PolygonRings[] {
  return geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
}

export function bboxOf(geometry: AreaGeometry): BBox {
  const box = { minLat: Infinity, minLng: Infinity, maxLat: -Infinity, maxLng: -Infinity };
  for (const polygon of polygonsOf(geometry)) {
    for (const [lng, lat] of polygon[0] ?? []) {
      box.minLat = Math.min(box.minLat, lat);
      box.maxLat = Math.max(box.maxLat, lat);
      box.minLng = Math.min(box.minLng, lng);
      box.maxLng = Math.max(box.maxLng, lng);
    }
  }
  return box;
}

export function inBBox(point: LatLng, box: BBox): boolean {
  return (
    point.lat >= box.minLat && point.lat <= box.maxLat && point.lng >= box.minLng && point.lng <= box.maxLng
  );
}

function inRing(point: LatLng, ring: Position[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > point.lat !== yj > point.lat && point.lng < ((xj - xi) * (point.lat - yi)) / (yj - yi) + xi) {
      inside = !inside;
    }
  }
  return inside;
}

/** Inside the outer ring of one of the polygons and in none of its holes. */
export function containsPoint(geometry: AreaGeometry, point: LatLng): boolean {
  return polygonsOf(geometry).some(
    ([outer, ...holes]) =>
      outer !== undefined && inRing(point, outer) && !holes.some((hole) => inRing(point, hole)),
  );
}

/** Area in square metres (equirectangular projection about the centre: right to well under 1% for a city). */
export function areaSquareMeters(geometry: AreaGeometry): number {
  const box = bboxOf(geometry);
  const k = Math.cos(rad((box.minLat + box.maxLat) / 2));
  const ringArea = (ring: Position[]) => {
    let sum = 0;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]!;
      const [xj, yj] = ring[j]!;
      sum += rad(xj) * k * rad(yi) - rad(xi) * k * rad(yj);
    }
    return Math.abs(sum / 2) * EARTH_RADIUS_M ** 2;
  };
  return polygonsOf(geometry).reduce(
    (total, [outer, ...holes]) =>
      total + (outer ? ringArea(outer) : 0) - holes.reduce((h, hole) => h + ringArea(hole), 0),
    0,
  );
}

/**
 * The point of the geometry's boundary nearest to `point`, nudged `insetMeters` towards the inside so that
 * it is itself inside: what a resident who dropped a pin just outside the city is offered instead.
 */
export function nearestInside(geometry: AreaGeometry, point: LatLng, insetMeters = 20): LatLng {
  const k = Math.cos(rad(point.lat));
  let best: { lat: number; lng: number; d: number } | null = null;
  for (const polygon of polygonsOf(geometry)) {
    for (const ring of polygon) {
      for (let i = 0; i < ring.length; i++) {
        const [ax, ay] = ring[i]!;
        const [bx, by] = ring[(i + 1) % ring.length]!;
        // Project in a local plane where a degree of longitude is shortened by cos(latitude).
        const dx = (bx - ax) * k;
        const dy = by - ay;
        const px = (point.lng - ax) * k;
        const py = point.lat - ay;
        const length2 = dx * dx + dy * dy;
        const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, (px * dx + py * dy) / length2));
        const x = dx * t - px;
        const y = dy * t - py;
        const d = x * x + y * y;
        if (!best || d < best.d) {
          best = { lng: ax + (bx - ax) * t, lat: ay + dy * t, d };
        }
      }
    }
  }
  if (!best) {
    throw new RangeError("The geometry has no points");
  }
  const edge = { lat: best.lat, lng: best.lng };
  // Step inwards along the line from the pin through the edge point until inside (at most a few tries).
  const away = distanceMeters(point, edge) || 1;
  for (const step of [insetMeters, insetMeters * 2, insetMeters * 5]) {
    const f = (away + step) / away;
    const candidate = {
      lat: point.lat + (edge.lat - point.lat) * f,
      lng: point.lng + (edge.lng - point.lng) * f,
    };
    if (containsPoint(geometry, candidate)) {
      return round6(candidate);
    }
  }
  return round6(edge);
}

/** Six decimals is about 10 cm: finer digits only pretend to a precision no phone has. */
export function round6(point: LatLng): LatLng {
  return { lat: Math.round(point.lat * 1e6) / 1e6, lng: Math.round(point.lng * 1e6) / 1e6 };
}

/**
 * Snaps a point to the centre of a grid cell about `meters` wide, so that a public map shows the
 * neighbourhood of a sensitive report and not the house. The same point always snaps to the same place
 * (no random jitter that repeated looks could average away).
 */
export function coarsen(point: LatLng, meters: number): LatLng {
  const stepLat = (meters / EARTH_RADIUS_M) * (180 / Math.PI);
  const stepLng = stepLat / Math.max(0.01, Math.cos(rad(Math.round(point.lat))));
  return round6({
    lat: (Math.floor(point.lat / stepLat) + 0.5) * stepLat,
    lng: (Math.floor(point.lng / stepLng) + 0.5) * stepLng,
  });
}

/** Web Mercator tile numbers (the XYZ scheme of 地理院タイル and OpenStreetMap). */
export function tileOf(point: LatLng, zoom: number): { x: number; y: number } {
  const n = 2 ** zoom;
  const x = Math.floor(((point.lng + 180) / 360) * n);
  const latRad = rad(point.lat);
  const y = Math.floor(((1 - Math.log(Math.tan(latRad) + 1 / Math.cos(latRad)) / Math.PI) / 2) * n);
  return { x: Math.min(n - 1, Math.max(0, x)), y: Math.min(n - 1, Math.max(0, y)) };
}

/** The north-west corner of a tile; fractional tile numbers give points inside it. */
export function tileCorner(x: number, y: number, zoom: number): LatLng {
  const n = 2 ** zoom;
  const lng = (x / n) * 360 - 180;
  const lat = (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / n))) * 180) / Math.PI;
  return { lat, lng };
}
