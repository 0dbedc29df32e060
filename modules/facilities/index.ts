// The facilities module's public API: what other modules (lottery) may use. Nothing else is imported across.
export type { FacilitySlot, FacilityUnitSummary } from "./contract.ts";
export { facilitiesModule } from "./module.ts";
export { awardLotteryHold } from "./operations/award-lottery-hold.ts";
export { groupOfResident } from "./operations/group-of-resident.ts";
export { listFacilityUnits } from "./operations/list-facility-units.ts";
export { listUnitSlots } from "./operations/list-unit-slots.ts";
export { placeLotteryHolds } from "./operations/place-lottery-holds.ts";
export { type PenaltyStatus, readPenaltyStatus } from "./operations/read-penalty-status.ts";
export { releaseLotteryHolds } from "./operations/release-lottery-holds.ts";
export { userCategoryOfResident } from "./operations/user-category-of-resident.ts";
