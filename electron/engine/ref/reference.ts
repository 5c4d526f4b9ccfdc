// Image references: parsing with Docker Hub normalisation, and the few ways the rest of Ferry
// needs to print one. Parsing follows distribution/reference (see grammar.ts); every failure is
// an InvalidReferenceError whose one-line message names the input and what is wrong with it.
import { isIPv6 } from 'node:net';
import { InvalidReferenceError } from '../errors.ts';
import {
  digestProblem,
  domainProblem,
  lengthProblem,
  pathProblem,
  splitDomain,
  splitTag,
  tagProblem,
  tagRegExp,
} from './grammar.ts';

export interface Reference {
  /** Registry host with optional port, normalised: 'docker.io', 'localhost:5000', '[::1]:5000'. */
  registry: string;
  /** Repository path inside the registry, e.g. 'library/alpine'. */
  repository: string;
  tag?: string;
  digest?: string;
}

export interface ParseReferenceOptions {
  /** Tag to use when the input has neither tag nor digest; false leaves both unset. Default 'latest'. */
  defaultTag?: string | false;
}

export const dockerHubRegistry = 'docker.io';
const dockerHubLegacyRegistry = 'index.docker.io';
const dockerHubEndpoint = 'registry-1.docker.io';
const officialImagePrefix = 'library/';

function invalid(input: string, problem: string): InvalidReferenceError {
  return new InvalidReferenceError(`invalid image reference '${input}': ${problem}`, { details: { input } });
}

/** Catches pasted URLs and stray whitespace before the grammar gives a vaguer answer. */
function inputProblem(input: string): string | undefined {
  if (input === '') return 'it is empty';
  if (/\s/.test(input)) return 'it contains whitespace';
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(input);
  if (scheme) return `remove the '${scheme[0]}' prefix; a reference has no URL scheme`;
  return undefined;
}

function normaliseRegistry(domain: string | undefined): string {
  if (domain === undefined || domain === dockerHubLegacyRegistry) return dockerHubRegistry;
  return domain;
}

/** Docker Hub's official images live under 'library/': 'alpine' is 'docker.io/library/alpine'. */
function normaliseRepository(registry: string, path: string): string {
  return registry === dockerHubRegistry && !path.includes('/') ? officialImagePrefix + path : path;
}

/**
 * Parses 'alpine', 'registry.example.com:5000/team/app:1.2@sha256:…', '[::1]:5000/x' and the like.
 * Without a registry the image is on Docker Hub (docker.io, 'library/' for one-component names).
 * Without tag and digest the tag is options.defaultTag ('latest' unless set; false for none).
 */
export function parseReference(input: string, options: ParseReferenceOptions = {}): Reference {
  const early = inputProblem(input);
  if (early) throw invalid(input, early);
  if (/^[a-f0-9]{64}$/.test(input)) {
    throw invalid(input, 'a bare 64-character hex string is an image ID, not a name; use name@sha256:<hex>');
  }

  const at = input.indexOf('@');
  const nameAndTag = at < 0 ? input : input.slice(0, at);
  const digest = at < 0 ? undefined : input.slice(at + 1);
  if (digest !== undefined) {
    if (digest.includes('@')) throw invalid(input, "it has more than one '@'");
    const problem = digestProblem(digest);
    if (problem) throw invalid(input, `bad digest '${digest}': ${problem}`);
  }

  const { name, tag } = splitTag(nameAndTag);
  if (tag !== undefined) {
    const problem = tagProblem(tag);
    if (problem) throw invalid(input, `bad tag '${tag}': ${problem}`);
  }
  if (name === '') throw invalid(input, 'the repository name is missing');

  const { domain, path } = splitDomain(name);
  if (domain === undefined && name.startsWith('[')) {
    throw invalid(input, `'${name}' names only a registry; add a repository, e.g. ${nameAndTag}/myimage`);
  }
  if (domain !== undefined) {
    const problem = domainProblem(domain, isIPv6);
    if (problem) throw invalid(input, problem);
  }
  if (path === '') throw invalid(input, `the repository name is missing after registry '${domain ?? ''}'`);
  const pathIssue = pathProblem(path);
  if (pathIssue) throw invalid(input, pathIssue);
  const registry = normaliseRegistry(domain);
  const repository = normaliseRepository(registry, path);
  const lengthIssue = lengthProblem(repository);
  if (lengthIssue) throw invalid(input, lengthIssue);

  const ref: Reference = { registry, repository };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  if (tag === undefined && digest === undefined) {
    const fallback = options.defaultTag ?? 'latest';
    if (fallback !== false) {
      const tagIssue = tagProblem(fallback);
      if (tagIssue) throw invalid(input, `bad default tag '${fallback}': ${tagIssue}`);
      ref.tag = fallback;
    }
  }
  return ref;
}

/** 'registry/repository[:tag][@digest]', always fully qualified (docker.io/library/alpine:latest). */
export function formatReference(ref: Reference): string {
  let out = referenceName(ref);
  if (ref.tag !== undefined) out += `:${ref.tag}`;
  if (ref.digest !== undefined) out += `@${ref.digest}`;
  return out;
}

/** 'registry/repository', without tag or digest. */
export function referenceName(ref: Reference): string {
  return `${ref.registry}/${ref.repository}`;
}

/** What goes in /v2/<repository>/manifests/<x>: the digest when pinned, else the tag. */
export function manifestReference(ref: Reference): string {
  const value = ref.digest ?? ref.tag;
  if (value === undefined) {
    throw new InvalidReferenceError(
      `image reference '${referenceName(ref)}' has neither a tag nor a digest`,
      {
        details: { input: referenceName(ref) },
      },
    );
  }
  return value;
}

/** The host to talk HTTP to: Docker Hub's API lives on registry-1.docker.io, everyone else on their name. */
export function registryEndpoint(registry: string): string {
  return registry === dockerHubRegistry || registry === dockerHubLegacyRegistry
    ? dockerHubEndpoint
    : registry;
}

/**
 * Parses a push target: a registry with an optional repository prefix, no tag and no digest,
 * e.g. '127.0.0.1:5000/mirror', 'registry.example.com', '[::1]:5000/a/b'. Unlike image references,
 * the first component is always the registry (a push target must say where it goes), so it need
 * not contain '.' or ':'. One trailing '/' is tolerated. No 'library/' is added on Docker Hub.
 */
export function parseRepositoryPath(input: string): { registry: string; path: string } {
  const fail = (problem: string) =>
    new InvalidReferenceError(`invalid registry path '${input}': ${problem}`, { details: { input } });
  const early = inputProblem(input);
  if (early) throw fail(early);
  if (input.includes('@')) throw fail('a registry path takes no digest');

  const trimmed = input.endsWith('/') ? input.slice(0, -1) : input;
  const slash = trimmed.indexOf('/');
  const domain = slash < 0 ? trimmed : trimmed.slice(0, slash);
  const path = slash < 0 ? '' : trimmed.slice(slash + 1);
  if (domain === '') throw fail('the registry is missing');
  const domainIssue = domainProblem(domain, isIPv6);
  if (domainIssue) throw fail(domainIssue);
  if (path !== '') {
    if (splitTag(path).tag !== undefined) throw fail('a registry path takes no tag');
    const pathIssue = pathProblem(path);
    if (pathIssue) throw fail(pathIssue);
  }
  return { registry: normaliseRegistry(domain), path };
}

/**
 * A destination under the push root: `repo/path[:tag]`, relative (no registry), as an images file's
 * `target` gives it. Leading and trailing '/' are tolerated; the path and tag follow the grammar.
 */
export function parseTargetPath(input: string): { repository: string; tag?: string } {
  const { name, tag } = splitTag(input.trim());
  const repository = name.replace(/^\/+|\/+$/g, '');
  const fail = (problem: string) =>
    new InvalidReferenceError(`invalid target '${input}': ${problem}`, { details: { input } });
  const pathIssue = pathProblem(repository);
  if (pathIssue) throw fail(pathIssue);
  if (tag !== undefined && !isValidTag(tag)) throw fail(`the tag '${tag}' is invalid`);
  return tag === undefined ? { repository } : { repository, tag };
}

export function isValidTag(tag: string): boolean {
  return tagRegExp.test(tag);
}

/**
 * A reference typed against a default registry (`registry[/path]`): a name without a registry host
 * comes from there, so with `127.0.0.1:5000` the name `vendor/app:1` is `127.0.0.1:5000/vendor/app:1`.
 * A first component that looks like a host keeps its own registry (distribution's rule, as in
 * parseReference). An empty default leaves the name as typed (Docker Hub).
 */
export function qualifyReference(text: string, defaultRegistry: string): string {
  const ref = text.trim();
  if (splitDomain(ref).domain !== undefined || !defaultRegistry.trim()) return ref;
  const { registry, path } = parseRepositoryPath(defaultRegistry.trim());
  return `${registry}/${path ? `${path}/` : ''}${ref}`;
}
