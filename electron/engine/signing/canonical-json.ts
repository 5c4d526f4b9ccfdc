// Canonical JSON: object keys sorted by code unit, no whitespace, undefined members dropped. The same
// value always gives the same bytes, so a hash over it is a hash over the content, not its layout.
// (The shape of RFC 8785 for the values Ferry records: strings, safe integers, booleans, null.)

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new TypeError(`canonical JSON cannot hold ${value}`);
    }
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const members: string[] = [];
  for (const key of Object.keys(obj).sort()) {
    const v = obj[key];
    if (v === undefined || typeof v === 'function') continue;
    members.push(`${JSON.stringify(key)}:${canonicalJson(v)}`);
  }
  return `{${members.join(',')}}`;
}
