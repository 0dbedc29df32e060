import type { EventSubscriber } from "../../core/events/define-subscriber.ts";

export const reportSubscribers: readonly EventSubscriber[] = [];
