// "What will travel": one row per distinct image (shared/counts.ts), with every tag it goes to and
// what it is, grouped under headings (a Deckhouse distribution's platform, security databases, each
// module; a plain list's registries). A real table: each group is a row group whose heading is a
// `th scope="rowgroup"`, so a screen reader announces "Platform" with every row under it.
import type { ImageRole, PreviewImage, SelectionPreview } from '../../shared/dto.ts';
import { imagesText } from '../../shared/counts.ts';
import { formatBytes, shortDigest } from '../format.ts';

/** The first rows shown: a Deckhouse edition has thousands, and the page must stay quick. */
const SHOWN = 200;

const COLUMNS = 6;

/** What each kind of image is, in the words of the people who carry it. */
const ROLE_WORDS: Record<ImageRole, string> = {
  image: 'Image',
  'release-channel': 'Release channel',
  platform: 'Deckhouse release',
  'platform-component': 'Platform component',
  install: 'Installer',
  installer: 'Installer',
  'security-database': 'Security database',
  module: 'Module release',
  'module-component': 'Module component',
  'module-release': 'Module channel',
  'module-extra': 'Module extra image',
  package: 'Package release',
  'package-release': 'Package channel',
  'package-extra': 'Package extra image',
  attestation: 'Vulnerability report',
};

/** `release-channel:v1.70.1, beta, early-access`: each repository once, then its tags. */
export function targetsText(targets: readonly string[]): string {
  const byRepository = new Map<string, string[]>();
  for (const t of targets) {
    const colon = t.lastIndexOf(':');
    const [repository, tag] = colon > t.lastIndexOf('/') ? [t.slice(0, colon), t.slice(colon + 1)] : [t, ''];
    // d8's tag for an image named by digest is the digest itself: "by digest" says it in words.
    const shown = /^[0-9a-f]{64}$/.test(tag) ? 'by digest' : tag;
    const tags = byRepository.get(repository) ?? [];
    if (shown && !tags.includes(shown)) tags.push(shown);
    byRepository.set(repository, tags);
  }
  return [...byRepository]
    .map(([repository, tags]) =>
      tags.length ? `${repository || '(edition)'}:${tags.join(', ')}` : repository,
    )
    .join('; ');
}

function groupsOf(images: readonly PreviewImage[]): Array<[string, PreviewImage[]]> {
  const groups = new Map<string, PreviewImage[]>();
  for (const image of images) {
    const list = groups.get(image.group) ?? [];
    list.push(image);
    groups.set(image.group, list);
  }
  return [...groups];
}

export function PreviewTable({ preview }: { preview: SelectionPreview }) {
  const all = groupsOf(preview.images);
  // Headings only where they tell something: one plain registry needs none.
  const headed = all.length > 1 || preview.deckhouse !== undefined;
  let left = SHOWN;
  const shown = all.flatMap(([group, images]): Array<[string, PreviewImage[], number]> => {
    if (left <= 0) return [];
    const rows = images.slice(0, left);
    left -= rows.length;
    return [[group, rows, images.length]];
  });
  const count = preview.images.length;
  return (
    <table className="preview">
      <caption>
        What will travel: {imagesText(count)}
        {count > SHOWN ? ` (the first ${SHOWN} shown)` : ''}
      </caption>
      <thead>
        <tr>
          <th scope="col">Image</th>
          <th scope="col">What it is</th>
          <th scope="col">Goes to</th>
          <th scope="col">Digest</th>
          <th scope="col">Platforms</th>
          <th scope="col" className="num">
            Size
          </th>
        </tr>
      </thead>
      {shown.map(([group, images, total]) => (
        <tbody key={group}>
          {headed && (
            <tr className="group">
              <th scope="rowgroup" colSpan={COLUMNS}>
                {group} · {imagesText(total)}
              </th>
            </tr>
          )}
          {images.map((i) => (
            <tr key={`${i.source}@${i.digest}`}>
              <td className="mono">{i.source}</td>
              <td>
                {ROLE_WORDS[i.role]}
                {i.artifacts ? `, ${i.artifacts} signature${i.artifacts === 1 ? '' : 's'}` : ''}
              </td>
              <td className="mono">{targetsText(i.targets)}</td>
              <td className="mono digest" title={i.digest}>
                {shortDigest(i.digest)}
              </td>
              <td>{i.platforms.join(', ') || '—'}</td>
              <td className="num">{formatBytes(i.bytes)}</td>
            </tr>
          ))}
        </tbody>
      ))}
      <tfoot>
        <tr>
          <th scope="row" colSpan={COLUMNS - 1}>
            Total: {imagesText(count)} (shared layers counted once)
          </th>
          <td className="num">{formatBytes(preview.totalBytes)}</td>
        </tr>
      </tfoot>
    </table>
  );
}
