// RFC 8288 Link headers, as registries use them for pagination of tag lists and referrers:
// `</v2/app/tags/list?n=100&last=v1.9>; rel="next"`.

/** The target of the rel="next" link, or undefined. Several links may share one header or come in several. */
export function nextLink(header: string | string[] | undefined): string | undefined {
  const values = Array.isArray(header) ? header : header === undefined ? [] : [header];
  for (const value of values) {
    for (const match of value.matchAll(/<([^>]*)>\s*((?:;\s*[^;,]+)*)/g)) {
      const params = match[2] ?? '';
      if (/;\s*rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?/i.test(params)) return match[1];
    }
  }
  return undefined;
}
