// The one order the engine sorts names and digests in: by UTF-16 code unit, which for the ASCII
// references, digests and file names of a bundle is byte order, as Go's sort (and so d8) uses.
// Never localeCompare: it follows the machine's locale (in Danish, "aa" sorts after "z"), so two
// stations would lay out the same pull differently, and it loads ICU's collation data on first use.
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
