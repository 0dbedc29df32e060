import { newReferenceNumber } from "../../core/reference/reference-number.ts";

/** An appointment's 予約番号 such as "R7XM-4RPA". The leading R tells it from an application's 受付番号. */
export const newAppointmentReference = () => newReferenceNumber("R");
