import { describe, expect, it } from "vitest";
import { createPolicy, type StaffAccess } from "./policy.ts";

const policy = createPolicy([
  {
    verb: "x.item.read",
    roles: ["department_manager", "staff", "read_only", "operator"],
    scope: "department",
    description: { ja: "", en: "" },
  },
  {
    verb: "x.item.publish",
    roles: ["department_manager"],
    scope: "department",
    description: { ja: "", en: "" },
  },
  { verb: "x.report.read", roles: ["staff", "operator"], description: { ja: "", en: "" } },
]);

const member = (
  role: StaffAccess["role"],
  departmentIds: string[] = [],
  serviceIds: string[] = [],
): StaffAccess => ({
  role,
  departmentIds: new Set(departmentIds),
  serviceIds: new Set(serviceIds),
});

describe("policy", () => {
  const inA = { departmentId: "a" };
  const inB = { departmentId: "b" };

  it("scopes department rules to the member's subtree, and lets administrators reach everything", () => {
    const staff = member("staff", ["a", "a-child"]);
    expect(policy.authorize(staff, "x.item.read")).toBe(true);
    expect(policy.authorize(staff, "x.item.read", inA)).toBe(true);
    expect(policy.authorize(staff, "x.item.read", { departmentId: "a-child" })).toBe(true);
    expect(policy.authorize(staff, "x.item.read", inB)).toBe(false);
    expect(policy.authorize(staff, "x.item.read", { departmentId: null })).toBe(false);
    expect(policy.authorize(staff, "x.item.publish", inA)).toBe(false);
    const admin = member("system_admin");
    expect(policy.authorize(admin, "x.item.publish", inB)).toBe(true);
    expect(policy.authorize(admin, "x.item.publish", { departmentId: null })).toBe(true);
  });

  it("lets tenant rules reach any department, but never takes an operator beyond its granted services", () => {
    expect(policy.authorize(member("staff", ["a"]), "x.report.read", inB)).toBe(true);
    const operator = member("operator", [], ["s1"]);
    expect(policy.authorize(operator, "x.report.read", { departmentId: "b", serviceId: "s1" })).toBe(true);
    expect(policy.authorize(operator, "x.report.read", { departmentId: "b", serviceId: "s2" })).toBe(false);
    expect(policy.authorize(operator, "x.item.read", inA)).toBe(false);
  });

  it("gives list queries the matching scope", () => {
    expect(policy.scope(member("system_admin"), "x.item.read")).toEqual({ all: true });
    expect(policy.scope(member("staff", ["a"]), "x.report.read")).toEqual({ all: true });
    expect(policy.scope(member("staff", ["a"]), "x.item.read")).toEqual({
      all: false,
      departmentIds: ["a"],
      serviceIds: [],
    });
    expect(policy.scope(member("operator", ["a"], ["s1"]), "x.report.read")).toEqual({
      all: false,
      departmentIds: [],
      serviceIds: ["s1"],
    });
  });

  it("refuses unknown verbs and duplicate declarations", () => {
    expect(() => policy.authorize(member("system_admin"), "x.nope")).toThrow(/Unknown permission verb/);
    const twice = { verb: "x.a", roles: [], description: { ja: "", en: "" } };
    expect(() => createPolicy([twice, twice])).toThrow(/declared twice/);
  });
});
