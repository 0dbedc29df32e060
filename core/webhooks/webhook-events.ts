import type { ModuleManifest, WebhookEventDefinition } from "../module.ts";

/** Events of the core itself a city's systems may subscribe to; their payload is sent as published. */
export const coreWebhookEvents: readonly WebhookEventDefinition[] = [
  {
    name: "cases.case_status_changed",
    description: {
      ja: "手続きの状況が変わった（受付・処理中・差し戻し・完了・却下・取下げ）",
      en: "A case's status changed (received, in progress, returned, completed, rejected, withdrawn)",
    },
  },
];

/** Every event an endpoint may subscribe to: the core's and those the installed modules declare. */
export function collectWebhookEvents(modules: readonly ModuleManifest[]): WebhookEventDefinition[] {
  const events = [...coreWebhookEvents, ...modules.flatMap((m) => m.webhookEvents ?? [])];
  const names = new Set<string>();
  for (const event of events) {
    if (names.has(event.name)) {
      throw new Error(`Webhook event ${event.name} is declared twice`);
    }
    names.add(event.name);
  }
  return events;
}
