import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { discoveryImage } from './discovery.ts';
import { digestsIn, extraImagesIn, tagsIn } from './image-lists.ts';
import { moduleSourceFile, moduleSourcePreview } from './module-source.ts';

interface Doc {
  kind: string;
  spec: { registry: { repo: string; dockerCfg?: string; scheme: string; ca?: string } };
}

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;

describe('image lists inside Deckhouse images', () => {
  it('finds digests at any depth, tags only where they are tags, extras as name → tag', () => {
    expect(digestsIn({ common: { alpine: D2 }, cpm: { api: D1, again: D1 } })).toEqual([D1, D2]);
    expect(tagsIn({ common: { alpine: 'abc-123', bad: 'not a tag' } })).toEqual(['abc-123']);
    const skipped: string[] = [];
    const skip = (entry: string, why: string) => skipped.push(`${entry}: ${why}`);
    expect(extraImagesIn({ scanner: 'v2', 'report-db': 2024 }, 'x', skip)).toEqual([
      { name: 'report-db', tag: '2024' },
      { name: 'scanner', tag: 'v2' },
    ]);
    expect(() => extraImagesIn(['scanner'], 'x', skip)).toThrow(/not an object/);
    // As d8 (modules.go `default: continue`): an entry that is no tag is passed over, once each.
    expect(extraImagesIn({ scanner: 'v 2', db: { nested: true }, ok: 'v1' }, 'x', skip)).toEqual([
      { name: 'ok', tag: 'v1' },
    ]);
    expect(skipped).toEqual([
      '"scanner": "v 2" is not a name and a tag',
      '"db": {"nested":true} is not a name and a tag',
    ]);
  });
});

describe('discovery image', () => {
  it('is the same bytes for the same module, and says what it is', () => {
    const a = discoveryImage('console');
    expect(discoveryImage('console').manifest.digest).toBe(a.manifest.digest);
    expect(discoveryImage('stronghold').manifest.digest).not.toBe(a.manifest.digest);
    const config = JSON.parse(a.blobs[0]!.bytes.toString()) as { config: { Labels: Record<string, string> } };
    expect(config.config.Labels).toEqual({
      'io.deckhouse.module': 'console',
      'io.ferry.role': 'module-discovery',
    });
  });
});

describe('ModuleSource', () => {
  const login = { host: 'reg.example.com:5000', username: 'admin', password: 's3cret' };

  it('writes repo, dockerCfg, scheme and ca, then the pull Secret', () => {
    const docs = parseAllDocuments(
      moduleSourceFile({
        repo: 'reg.example.com:5000/d8/ee/modules',
        host: login.host,
        login,
        insecure: true,
        ca: 'PEM',
      }),
    ).map((d) => d.toJS() as Doc);
    expect(docs.map((d) => d.kind)).toEqual(['ModuleSource', 'Secret']);
    const reg = docs[0]!.spec.registry;
    expect(reg).toMatchObject({ repo: 'reg.example.com:5000/d8/ee/modules', scheme: 'HTTP', ca: 'PEM' });
    const cfg = JSON.parse(Buffer.from(reg.dockerCfg!, 'base64').toString()) as {
      auths: Record<string, { auth: string }>;
    };
    expect(Buffer.from(cfg.auths[login.host]!.auth, 'base64').toString()).toBe('admin:s3cret');
  });

  it('an anonymous registry still gets a dockerCfg; the preview never shows credentials', () => {
    const anon = parseAllDocuments(moduleSourceFile({ repo: 'r/m', host: 'r' })).map((d) => d.toJS() as Doc);
    expect(anon).toHaveLength(1);
    expect(JSON.parse(Buffer.from(anon[0]!.spec.registry.dockerCfg!, 'base64').toString())).toEqual({
      auths: { r: {} },
    });
    const preview = moduleSourcePreview({ repo: 'r/m', host: login.host, login }, 'ms.yaml');
    expect(preview).not.toContain('dockerCfg:');
    expect(preview).not.toContain(Buffer.from('admin:s3cret').toString('base64'));
    expect(preview).toContain('ms.yaml has the complete resource');
  });
});
