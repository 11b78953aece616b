/**
 * Table keys may not contain `/`, `\`, `#`, `?` or control characters; instance ids are user text, so
 * those characters (and `%`, to stay reversible) are percent-encoded.
 */
export function toTableKey(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[%/\\#?\u0000-\u001f\u007f-\u009f]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function fromTableKey(key: string): string {
  return key.replace(/%([0-9a-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** A sortable fixed-width number for row keys. */
export function padNumber(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
