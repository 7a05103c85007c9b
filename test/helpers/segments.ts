// Reading a file-store segment back for comparisons in tests.
import { ContainerReader } from '../../src/index/file/container';
import { Kind, SEGMENT_MAGIC, kindName } from '../../src/index/file/format';

/** Every section of a segment: its stored length and CRC and its (inflated) payload; META without indexedAt. */
export async function segmentContent(file: string): Promise<Map<string, unknown>> {
  const c = await ContainerReader.open(file, SEGMENT_MAGIC);
  const out = new Map<string, unknown>();
  try {
    for (const s of c.header.sections) {
      const kind = s.kind & 0x7fff_ffff;
      const payload = await c.section(kind);
      if (kind === Kind.META) {
        const meta = JSON.parse(payload.toString('utf8'));
        delete meta.repo.indexedAt;
        out.set('META', meta);
      } else {
        out.set(kindName(kind), { kind: s.kind, length: s.length, crc: s.crc, payload: payload.toString('base64') });
      }
    }
  } finally {
    await c.close();
  }
  return out;
}

