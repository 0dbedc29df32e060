/**
 * A Content-Disposition any browser keeps (RFC 6266): an ASCII fallback name plus the UTF-8 name, so Japanese
 * file names survive. "inline" shows the file in the page; "attachment" downloads it.
 */
export function contentDisposition(fileName: string, kind: "attachment" | "inline" = "attachment"): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
