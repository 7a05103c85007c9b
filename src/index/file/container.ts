// Reading and writing the framed container (header, section table, checksummed sections) of format.ts.
import * as fs from 'node:fs';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { crc32 } from './crc32';
import {
  DEFLATED, type Header, type SectionEntry, decodeHeader, encodeHeader, errors, headerBytes, kindName,
} from './format';
import { fsyncDir, fsyncFd, readAt, readAtSync, writeAll } from './io';

/** zlib level for sections: 6 costs ~3x the time of 1 for a few percent on our number streams. */
export const DEFLATE_LEVEL = 1;

export const deflate = (bytes: Uint8Array): Buffer => deflateRawSync(bytes, { level: DEFLATE_LEVEL });

export function inflate(bytes: Uint8Array, file: string, what: string): Buffer {
  try {
    return inflateRawSync(bytes);
  } catch {
    throw errors.corrupted(file, `${what} does not decompress`);
  }
}

/** An open container file. `display` is the name used in messages. */
export class ContainerReader {
  private constructor(
    readonly display: string,
    readonly header: Header,
    readonly size: number,
    private readonly fh: fs.promises.FileHandle,
  ) {}

  /** Opens and checks the header. ENOENT propagates as is (callers retry on a vanished segment). */
  static async open(file: string, magic: string, display = file): Promise<ContainerReader> {
    const fh = await fs.promises.open(file, 'r');
    try {
      const { size } = await fh.stat();
      let prefix = await readAt(fh, 0, Math.min(size, headerBytes(16)));
      let h = decodeHeader(prefix, display, magic, size);
      if ('need' in h) {
        prefix = await readAt(fh, 0, h.need);
        h = decodeHeader(prefix, display, magic, size);
        if ('need' in h) throw errors.corrupted(display, 'truncated section table');
      }
      return new ContainerReader(display, h, size, fh);
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  entry(kind: number): SectionEntry | undefined {
    return this.header.sections.find((s) => (s.kind & 0x7fff_ffff) === kind);
  }

  /** The checked (and inflated) payload of a required section. */
  async section(kind: number): Promise<Buffer> {
    const s = this.entry(kind);
    if (!s) throw errors.corrupted(this.display, `section ${kindName(kind)} is missing`);
    const stored = await this.read(s.offset, s.length);
    if (crc32(stored) !== s.crc) throw errors.corrupted(this.display, `section ${kindName(kind)} checksum mismatch`);
    return s.kind & DEFLATED ? inflate(stored, this.display, `section ${kindName(kind)}`) : stored;
  }

  async read(offset: number, length: number): Promise<Buffer> {
    const b = await readAt(this.fh, offset, length);
    if (b.length !== length) throw errors.corrupted(this.display, 'truncated');
    return b;
  }

  /** The open file's descriptor (a decode helper thread reads token streams through it, decode-helper.ts). */
  get fd(): number { return this.fh.fd; }

  /** A synchronous read, for the many small reads of token streams during a lookup; into `into` when given (length at least `length`). */
  readSync(offset: number, length: number, into?: Uint8Array): Uint8Array {
    const b = readAtSync(this.fh.fd, offset, length, into);
    if (b.length !== length) throw errors.corrupted(this.display, 'truncated');
    return b;
  }

  close(): Promise<void> {
    return this.fh.close();
  }
}

/**
 * Writes a container to a temp file: space for the header is reserved first, sections are appended (a
 * section may be streamed in pieces), and the header is written last. `commit` fsyncs and renames it.
 */
export class ContainerWriter {
  private readonly fd: number;
  private pos: number;
  private readonly sections: SectionEntry[] = [];
  private stream: { kind: number; offset: number; crc: number } | undefined;
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;

  constructor(readonly tmp: string, private readonly magic: string, private readonly sectionCount: number) {
    this.fd = fs.openSync(tmp, 'wx');
    this.pos = headerBytes(sectionCount);
  }

  add(kind: number, payload: Uint8Array, compress: boolean): void {
    const stored = compress ? deflate(payload) : payload;
    this.sections.push({ kind: compress ? (kind | DEFLATED) >>> 0 : kind, offset: this.pos, length: stored.length, crc: crc32(stored) });
    writeAll(this.fd, stored, this.pos);
    this.pos += stored.length;
  }

  beginStream(kind: number): void {
    this.stream = { kind, offset: this.pos, crc: 0 };
  }

  /** Appends to the open stream section; returns the piece's offset within the section. */
  append(piece: Uint8Array): number {
    const s = this.stream!;
    const at = this.pos - s.offset + this.bufferedBytes;
    s.crc = crc32(piece, s.crc);
    this.buffered.push(Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength));
    this.bufferedBytes += piece.length;
    if (this.bufferedBytes >= 1 << 20) this.flush();
    return at;
  }

  endStream(): void {
    this.flush();
    const s = this.stream!;
    this.sections.push({ kind: s.kind, offset: s.offset, length: this.pos - s.offset, crc: s.crc });
    this.stream = undefined;
  }

  private flush(): void {
    if (this.bufferedBytes === 0) return;
    writeAll(this.fd, Buffer.concat(this.buffered, this.bufferedBytes), this.pos);
    this.pos += this.bufferedBytes;
    this.buffered = [];
    this.bufferedBytes = 0;
  }

  get bytes(): number {
    return this.pos + this.bufferedBytes;
  }

  /** Writes the header, fsyncs and closes the temp file (it is renamed by the caller, under the lock). */
  async finish(): Promise<void> {
    if (this.sections.length !== this.sectionCount) throw new Error(`container has ${this.sections.length} sections, expected ${this.sectionCount}`);
    writeAll(this.fd, encodeHeader(this.magic, this.sections), 0);
    await fsyncFd(this.fd);
    fs.closeSync(this.fd);
  }

  abort(): void {
    try { fs.closeSync(this.fd); } catch { /* already closed */ }
    fs.rmSync(this.tmp, { force: true });
  }
}

/** Renames a finished temp file into place and makes the rename durable. */
export async function publish(tmp: string, dir: string, finalPath: string): Promise<void> {
  fs.renameSync(tmp, finalPath);
  await fsyncDir(dir);
}
