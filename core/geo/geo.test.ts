import { describe, expect, it } from "vitest";
import {
  type AreaGeometry,
  areaSquareMeters,
  boxAround,
  coarsen,
  containsPoint,
  distanceMeters,
  inBBox,
  nearestInside,
  type PolygonRings,
  tileCorner,
  tileOf,
} from "./geo.ts";

// A square about 1 km a side near Kanoya, with a 200 m hole in the middle.
const squareRings: PolygonRings = [
  [
    [130.85, 31.38],
    [130.8605, 31.38],
    [130.8605, 31.389],
    [130.85, 31.389],
    [130.85, 31.38],
  ],
  [
    [130.8545, 31.3836],
    [130.8565, 31.3836],
    [130.8565, 31.3854],
    [130.8545, 31.3854],
  ],
];
const square: AreaGeometry = { type: "Polygon", coordinates: squareRings };

describe("geo", () => {
  it("measures distances on the sphere", () => {
    // One minute of latitude is one nautical mile, 1,852 m (to within the sphere's approximation).
    expect(distanceMeters({ lat: 31, lng: 130 }, { lat: 31 + 1 / 60, lng: 130 })).toBeCloseTo(1853, -1);
  });

  it("tells inside from outside and respects holes", () => {
    expect(containsPoint(square, { lat: 31.382, lng: 130.852 })).toBe(true);
    expect(containsPoint(square, { lat: 31.3845, lng: 130.8555 })).toBe(false);
    expect(containsPoint(square, { lat: 31.39, lng: 130.852 })).toBe(false);
    const multi: AreaGeometry = { type: "MultiPolygon", coordinates: [squareRings] };
    expect(containsPoint(multi, { lat: 31.382, lng: 130.852 })).toBe(true);
  });

  it("computes areas within a percent", () => {
    const outer = 0.0105 * 111_320 * Math.cos((31.3845 * Math.PI) / 180) * 0.009 * 110_900;
    const hole = 0.002 * 111_320 * Math.cos((31.3845 * Math.PI) / 180) * 0.0018 * 110_900;
    expect(areaSquareMeters(square) / (outer - hole)).toBeCloseTo(1, 2);
  });

  it("offers the nearest point inside for a point outside", () => {
    const outside = { lat: 31.384, lng: 130.87 };
    const suggestion = nearestInside(square, outside);
    expect(containsPoint(square, suggestion)).toBe(true);
    expect(suggestion.lng).toBeLessThan(130.8605);
    expect(distanceMeters(outside, suggestion)).toBeLessThan(950);
  });

  it("coarsens to the same cell centre for nearby points, and moves the point less than a cell", () => {
    const a = coarsen({ lat: 31.38401, lng: 130.85201 }, 200);
    const b = coarsen({ lat: 31.38402, lng: 130.85202 }, 200);
    expect(a).toEqual(b);
    expect(distanceMeters(a, { lat: 31.38401, lng: 130.85201 })).toBeLessThan(200);
  });

  it("numbers tiles as 地理院タイル and OpenStreetMap do", () => {
    // Tokyo Station at zoom 16 is tile 58211/25806 in the XYZ scheme.
    expect(tileOf({ lat: 35.6812, lng: 139.7671 }, 16)).toEqual({ x: 58211, y: 25806 });
    const corner = tileCorner(58211, 25806, 16);
    expect(tileOf({ lat: corner.lat - 1e-9, lng: corner.lng + 1e-9 }, 16)).toEqual({ x: 58211, y: 25806 });
  });

  it("boxes a radius so that every point within it is in the box", () => {
    const centre = { lat: 31.38, lng: 130.85 };
    const box = boxAround(centre, 100);
    expect(inBBox({ lat: centre.lat, lng: centre.lng + 0.00104 }, box)).toBe(true);
    expect(inBBox({ lat: centre.lat + 0.001, lng: centre.lng }, box)).toBe(false);
  });
});
