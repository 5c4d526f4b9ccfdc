// The image reference grammar of distribution/reference (the one Docker, containerd and every
// registry agree on), as anchored regular expressions. This is the ONLY place in Ferry that knows
// how a name breaks into registry, path components, tag and digest; everything else calls
// parseReference() / parseRepositoryPath() / parseDigest().
//
//   reference        := name [ ":" tag ] [ "@" digest ]
//   name             := [ domain "/" ] path
//   domain           := host [ ":" port ]
//   host             := domain-name | "[" IPv6address "]"
//   domain-name      := domain-component [ "." domain-component ]*
//   domain-component := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
//   path             := path-component [ "/" path-component ]*
//   path-component   := alpha-numeric [ separator alpha-numeric ]*
//   alpha-numeric    := /[a-z0-9]+/
//   separator        := /[._]|__|[-]+/
//   tag              := /[\w][\w.-]{0,127}/
//   digest           := algorithm ":" hex

const alphaNumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alphaNumeric}(?:${separator}${alphaNumeric})*`;
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainName = `${domainComponent}(?:\\.${domainComponent})*`;
const ipv6Host = '\\[[a-fA-F0-9:]+\\]';
const tag = '[\\w][\\w.-]{0,127}';
const digestAlgorithm = '[a-z0-9]+(?:[.+_-][a-z0-9]+)*';

const anchored = (pattern: string): RegExp => new RegExp(`^(?:${pattern})$`);

export const pathComponentRegExp = anchored(pathComponent);
export const tagRegExp = anchored(tag);
/** host [":" port], capturing host and port. */
export const domainRegExp = new RegExp(`^(${domainName}|${ipv6Host})(?::([0-9]+))?$`);
export const digestAlgorithmRegExp = anchored(digestAlgorithm);

/** distribution/reference's NameTotalLengthMax, applied to the repository path. */
export const maxRepositoryLength = 255;

/** Digest algorithms Ferry can verify, with the length of their lowercase hex encoding. */
export const digestHexLength: Readonly<Record<string, number>> = { sha256: 64, sha512: 128 };

export type DigestAlgorithm = 'sha256' | 'sha512';

export function isSupportedAlgorithm(algorithm: string): algorithm is DigestAlgorithm {
  return Object.hasOwn(digestHexLength, algorithm);
}

/** What is wrong with a digest string, or undefined when it is a well-formed supported digest. */
export function digestProblem(digest: string): string | undefined {
  const colon = digest.indexOf(':');
  if (colon < 0) return "it has no ':' between algorithm and hex (expected e.g. sha256:<64 hex>)";
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  if (!digestAlgorithmRegExp.test(algorithm)) return `'${algorithm}' is not a valid digest algorithm`;
  if (!isSupportedAlgorithm(algorithm)) {
    return `digest algorithm '${algorithm}' is not supported (use sha256 or sha512)`;
  }
  const length = digestHexLength[algorithm];
  if (!/^[0-9a-f]*$/.test(hex)) return `the ${algorithm} hex may contain only 0-9 and a-f (lowercase)`;
  if (hex.length !== length) {
    return `a ${algorithm} digest has ${length} hex characters, this one has ${hex.length}`;
  }
  return undefined;
}

/** What is wrong with a tag, or undefined when it is valid. */
export function tagProblem(value: string): string | undefined {
  if (tagRegExp.test(value)) return undefined;
  if (value === '') return 'the tag is empty';
  if (value.length > 128) return `the tag is ${value.length} characters long (at most 128)`;
  if (/^[.-]/.test(value)) return "a tag may not start with '.' or '-'";
  return "a tag may contain only letters, digits, '_', '.' and '-'";
}

/** What is wrong with a registry host[:port], or undefined when it is valid. */
export function domainProblem(domain: string, isIPv6: (address: string) => boolean): string | undefined {
  const match = domainRegExp.exec(domain);
  if (!match) {
    return domain.startsWith('[')
      ? `registry '${domain}' is not a bracketed IPv6 address with an optional port, e.g. [::1]:5000`
      : `registry '${domain}' is not a valid host name with an optional port`;
  }
  const host = match[1] ?? '';
  const port = match[2];
  if (host.startsWith('[') && !isIPv6(host.slice(1, -1))) {
    return `registry '${domain}': '${host}' is not a valid IPv6 address`;
  }
  if (port !== undefined) {
    const n = Number(port);
    if (!Number.isInteger(n) || n < 1 || n > 65535)
      return `registry '${domain}': port ${port} is out of range`;
  }
  return undefined;
}

/** Length limit of a repository path; checked again after Docker Hub adds 'library/'. */
export function lengthProblem(path: string): string | undefined {
  return path.length > maxRepositoryLength
    ? `the repository name is ${path.length} characters long (at most ${maxRepositoryLength})`
    : undefined;
}

/** What is wrong with a repository path, or undefined when it is valid. */
export function pathProblem(path: string): string | undefined {
  if (path === '') return 'the repository name is empty';
  const tooLong = lengthProblem(path);
  if (tooLong) return tooLong;
  if (path !== path.toLowerCase() && pathProblem(path.toLowerCase()) === undefined) {
    return `repository '${path}' must be lowercase`;
  }
  const components = path.split('/');
  if (components.some((c) => c === '')) {
    return `repository '${path}' has an empty path component (a leading, trailing or double '/')`;
  }
  for (const component of components) {
    if (!pathComponentRegExp.test(component)) {
      return (
        `path component '${component}' is invalid: use lowercase letters and digits, ` +
        "joined by '.', '_', '__' or '-' (not at the start or end)"
      );
    }
  }
  return undefined;
}

/** distribution's rule: the first component names a registry only if it looks like a host. */
export function looksLikeDomain(component: string): boolean {
  return (
    component.includes('.') ||
    component.includes(':') ||
    component === 'localhost' ||
    component.startsWith('[')
  );
}

/**
 * Splits `name` (no tag, no digest) at its first '/' into a registry candidate and the rest.
 * Returns undefined for the registry when the first component is a path component instead.
 */
export function splitDomain(name: string): { domain: string | undefined; path: string } {
  const slash = name.indexOf('/');
  if (slash < 0) return { domain: undefined, path: name };
  const first = name.slice(0, slash);
  if (!looksLikeDomain(first)) return { domain: undefined, path: name };
  return { domain: first, path: name.slice(slash + 1) };
}

/**
 * Splits `name[:tag]` at the tag separator. A ':' is a tag separator only when no '/' follows it
 * (a ':' before a '/' is the registry port) and it is not inside IPv6 brackets.
 */
export function splitTag(nameAndTag: string): { name: string; tag: string | undefined } {
  const colon = nameAndTag.lastIndexOf(':');
  if (colon < 0) return { name: nameAndTag, tag: undefined };
  const after = nameAndTag.slice(colon + 1);
  if (after.includes('/') || after.includes(']')) return { name: nameAndTag, tag: undefined };
  return { name: nameAndTag.slice(0, colon), tag: after };
}
