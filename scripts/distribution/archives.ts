// The distribution archives: .tar.gz for Linux and macOS (tar keeps the executable bits), .zip for
// Windows (what Explorer opens). Both hold one top folder, entries in a fixed order, owner root and
// one fixed timestamp, so the same inputs give the same bytes and anyone can rebuild and compare the
// SHA256SUMS. Written with tar-stream and node:zlib only: the build needs no tar or zip binary.
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { finished, pipeline } from 'node:stream/promises';
import { crc32, createGzip, deflateRawSync } from 'node:zlib';
import tar from 'tar-stream';

/** npm's normalised timestamp for package tarballs: recognisably "not a real date". */
export const ARCHIVE_MTIME = new Date('1985-10-26T08:15:00Z');

export interface TreeEntry {
  /** Path relative to the tree's root, with '/'. */
  path: string;
  type: 'file' | 'directory';
  mode: number;
  size: number;
}

/** Every entry below `dir`, sorted, with normalised modes (0755 for folders and executables, else 0644). */
export async function listTree(dir: string, prefix = ''): Promise<TreeEntry[]> {
  const out: TreeEntry[] = [];
  const names = (await readdir(dir)).sort();
  for (const name of names) {
    const full = join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    const st = await stat(full);
    if (st.isDirectory()) {
      out.push({ path: rel, type: 'directory', mode: 0o755, size: 0 });
      out.push(...(await listTree(full, rel)));
    } else {
      out.push({ path: rel, type: 'file', mode: st.mode & 0o111 ? 0o755 : 0o644, size: st.size });
    }
  }
  return out;
}

async function atomically(dest: string, write: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = `${dest}.tmp`;
  try {
    await write(tmp);
    await rename(tmp, dest);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** `<dest>` = gzip(tar of `dir` under the top folder `top`). */
export async function writeTarGz(dir: string, top: string, dest: string, level = 9): Promise<void> {
  const entries = await listTree(dir);
  await atomically(dest, async (tmp) => {
    const pack = tar.pack();
    const writing = pipeline(pack, createGzip({ level }), createWriteStream(tmp));
    const header = { uid: 0, gid: 0, uname: 'root', gname: 'root', mtime: ARCHIVE_MTIME };
    pack.entry({ ...header, name: `${top}/`, type: 'directory', mode: 0o755 });
    for (const e of entries) {
      const name = `${top}/${e.path}${e.type === 'directory' ? '/' : ''}`;
      if (e.type === 'directory') {
        pack.entry({ ...header, name, type: 'directory', mode: e.mode });
        continue;
      }
      await new Promise<void>((resolve, reject) => {
        const sink = pack.entry({ ...header, name, type: 'file', mode: e.mode, size: e.size }, (err) =>
          err ? reject(err) : resolve(),
        );
        pipeline(createReadStream(join(dir, e.path)), sink).catch(reject);
      });
    }
    pack.finalize();
    await writing;
  });
}

function dosDateTime(d: Date): { date: number; time: number } {
  return {
    date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
  };
}

/**
 * `<dest>` = zip of `dir` under the top folder `top`: deflate, no zip64 (every file is far below
 * 4 GiB), Unix modes in the external attributes so unzip on Linux keeps them.
 */
export async function writeZip(dir: string, top: string, dest: string, level = 9): Promise<void> {
  const entries = [
    { path: '', type: 'directory', mode: 0o755, size: 0 } as TreeEntry,
    ...(await listTree(dir)),
  ];
  const { date, time } = dosDateTime(ARCHIVE_MTIME);
  await atomically(dest, async (tmp) => {
    const out = createWriteStream(tmp);
    const failed = new Promise<never>((_resolve, reject) => out.once('error', reject));
    let offset = 0;
    const write = async (buf: Buffer): Promise<void> => {
      offset += buf.length;
      if (!out.write(buf)) await Promise.race([once(out, 'drain'), failed]);
    };
    const central: Buffer[] = [];
    for (const e of entries) {
      const isDir = e.type === 'directory';
      const name = Buffer.from(`${top}/${e.path ? `${e.path}${isDir ? '/' : ''}` : ''}`, 'utf8');
      const data = isDir ? Buffer.alloc(0) : await readFile(join(dir, e.path));
      const packed = isDir ? data : deflateRawSync(data, { level });
      const method = isDir ? 0 : 8;
      const crc = crc32(data);
      // The fields a local header and its central-directory entry share, in the same order.
      const common = (buf: Buffer, at: number): void => {
        buf.writeUInt16LE(20, at); // version needed: 2.0 (deflate)
        buf.writeUInt16LE(0x0800, at + 2); // names are UTF-8
        buf.writeUInt16LE(method, at + 4);
        buf.writeUInt16LE(time, at + 6);
        buf.writeUInt16LE(date, at + 8);
        buf.writeUInt32LE(crc, at + 10);
        buf.writeUInt32LE(packed.length, at + 14);
        buf.writeUInt32LE(data.length, at + 18);
        buf.writeUInt16LE(name.length, at + 22);
      };
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      common(local, 4); // then extra length: 0
      const at = offset;
      await write(local);
      await write(name);
      await write(packed);

      const entry = Buffer.alloc(46);
      entry.writeUInt32LE(0x02014b50, 0);
      entry.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, 2.0
      common(entry, 6); // then extra, comment, disk number, internal attributes: 0
      const unixMode = (isDir ? 0o040000 : 0o100000) | e.mode;
      entry.writeUInt32LE(((unixMode << 16) | (isDir ? 0x10 : 0)) >>> 0, 38);
      entry.writeUInt32LE(at, 42);
      central.push(entry, name);
    }
    const centralStart = offset;
    for (const b of central) await write(b);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(entries.length, 8);
    end.writeUInt16LE(entries.length, 10);
    end.writeUInt32LE(offset - centralStart, 12);
    end.writeUInt32LE(centralStart, 16);
    await write(end);
    out.end();
    await Promise.race([finished(out), failed]);
  });
}
