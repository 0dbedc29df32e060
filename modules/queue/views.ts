import { html, raw } from "hono/html";
import type { Html } from "../../core/http/layout.ts";

/**
 * Styles of the queue's own pages: big numbers, big buttons, and the board's high-contrast screen. Served as
 * a file (/assets/queue.css) because the site's CSP allows styles from our own origin only, not inline.
 */
export const queueCss = `.queue-number{font-size:3rem;font-weight:700;line-height:1.1;margin:.25rem 0}
.queue-called{border:4px solid #0031d8;padding:1rem;margin:1rem 0;font-size:1.5rem;font-weight:700}
.queue-kiosk{display:grid;gap:1rem;padding:0;list-style:none}
.queue-kiosk button{width:100%;min-height:5rem;font-size:1.75rem}
.queue-qr{width:12rem;height:12rem;max-width:100%}
.queue-waits td,.queue-waits th{padding:.25rem .5rem;text-align:left}
.queue-board{background:#000;color:#fff;padding:1rem}
.queue-board h2{color:#fff}
.queue-board table{width:100%;border-collapse:collapse;font-size:2rem}
.queue-board th,.queue-board td{border-bottom:2px solid #fff;padding:.5rem;text-align:left;color:#fff}
.queue-board .queue-board-number{color:#ffea00;font-size:3rem;font-weight:700}
.queue-board ul{font-size:1.75rem;display:flex;flex-wrap:wrap;gap:1.5rem;list-style:none;padding:0}
.queue-staff-counter{border:1px solid #767676;padding:.75rem;margin:1rem 0}
.queue-staff-counter form{display:inline-block;margin:.25rem .25rem .25rem 0}
`;

/**
 * Fetches the page again every data-live-seconds and swaps the live region, which screen readers announce
 * (aria-live). Served as /assets/queue-live.js: the CSP runs scripts from our own origin only.
 */
export const queueLiveScript = `(() => {
  const live = document.querySelector("[data-live]");
  const seconds = Number(live?.getAttribute("data-live-seconds"));
  if (!live || !(seconds > 0)) return;
  setInterval(async () => {
    try {
      const response = await fetch(location.href, { headers: { accept: "text/html" } });
      if (!response.ok) return;
      const next = new DOMParser().parseFromString(await response.text(), "text/html").querySelector("[data-live]");
      if (next && next.innerHTML !== live.innerHTML) live.innerHTML = next.innerHTML;
    } catch {}
  }, seconds * 1000);
})();
`;

export const queueStyles = html`<link rel="stylesheet" href="/assets/queue.css">`;

/**
 * A region that follows the line: without JavaScript the page reloads itself (a meta refresh inside
 * <noscript>, so script users never get it); with JavaScript /assets/queue-live.js fetches the page again
 * and swaps the region.
 */
export function liveRegion(body: Html, o: { seconds: number; auto: boolean; label: string }): Html {
  return html`${o.auto ? raw(`<noscript><meta http-equiv="refresh" content="${o.seconds}"></noscript>`) : ""}
<div data-live${o.auto ? raw(` data-live-seconds="${o.seconds}"`) : ""} aria-live="polite" aria-label="${o.label}">${body}</div>
${o.auto ? raw(`<script src="/assets/queue-live.js" defer></script>`) : ""}`;
}
