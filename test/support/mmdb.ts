/**
 * Writes a small IPv4 MaxMind DB (format 2.0, 24-bit records) for tests: a binary
 * search tree over the given networks, a data section with one record per network, and
 * the metadata map. Only what the tests need: strings, doubles, unsigned ints, maps,
 * arrays. (No MaxMind database is shipped or downloaded for tests.)
 */
type Value = string | { double: number } | { uint: number; bits: 16 | 32 | 64 } | Value[] | { [key: string]: Value };

const ctrl = (type: number, size: number): Buffer => (type <= 7 ? Buffer.from([(type << 5) | size]) : Buffer.from([size, type - 7]));

function uintBytes(n: number): Buffer {
  const out: number[] = [];
  for (let v = BigInt(n); v > 0n; v >>= 8n) out.unshift(Number(v & 0xffn));
  return Buffer.from(out);
}

function encode(v: Value): Buffer {
  if (typeof v === 'string') { const b = Buffer.from(v, 'utf8'); return Buffer.concat([ctrl(2, b.length), b]); }
  if (Array.isArray(v)) return Buffer.concat([ctrl(11, v.length), ...v.map(encode)]);
  if ('double' in v && typeof v.double === 'number') { const b = Buffer.alloc(8); b.writeDoubleBE(v.double); return Buffer.concat([ctrl(3, 8), b]); }
  if ('uint' in v && typeof v.uint === 'number') { const b = uintBytes(v.uint); return Buffer.concat([ctrl(({ 16: 5, 32: 6, 64: 9 } as const)[v.bits as 16 | 32 | 64], b.length), b]); }
  const entries = Object.entries(v as Record<string, Value>);
  return Buffer.concat([ctrl(7, entries.length), ...entries.flatMap(([k, x]) => [encode(k), encode(x)])]);
}

export interface CityRecord { network: string; country: string; lat: number; lon: number }

/** The bytes of a GeoIP2-City-shaped database holding `records` (IPv4 CIDRs). */
export function writeCityDb(records: CityRecord[]): Buffer {
  const data: Buffer[] = [];
  const offsets: number[] = [];
  let size = 0;
  for (const r of records) {
    offsets.push(size);
    const b = encode({ country: { iso_code: r.country }, location: { latitude: { double: r.lat }, longitude: { double: r.lon } } });
    data.push(b);
    size += b.length;
  }
  type Rec = number | { data: number } | undefined; // node index, data offset, or empty
  const nodes: [Rec, Rec][] = [[undefined, undefined]];
  records.forEach((r, i) => {
    const [ip, bits] = r.network.split('/');
    const addr = ip.split('.').reduce((a, o) => (a << 8) + Number(o), 0) >>> 0;
    let node = 0;
    for (let depth = 0; depth < Number(bits); depth++) {
      const bit = (addr >>> (31 - depth)) & 1;
      if (depth === Number(bits) - 1) { nodes[node][bit] = { data: offsets[i] }; break; }
      const next = nodes[node][bit];
      if (typeof next === 'number') { node = next; continue; }
      nodes.push([undefined, undefined]);
      nodes[node][bit] = nodes.length - 1;
      node = nodes.length - 1;
    }
  });
  const count = nodes.length;
  const value = (r: Rec) => (r === undefined ? count : typeof r === 'number' ? r : count + 16 + r.data);
  const tree = Buffer.alloc(count * 6);
  nodes.forEach(([l, r], i) => { tree.writeUIntBE(value(l), i * 6, 3); tree.writeUIntBE(value(r), i * 6 + 3, 3); });
  const metadata = encode({
    node_count: { uint: count, bits: 32 }, record_size: { uint: 24, bits: 16 }, ip_version: { uint: 4, bits: 16 },
    database_type: 'Portcullis-Test-City', languages: ['en'], binary_format_major_version: { uint: 2, bits: 16 },
    binary_format_minor_version: { uint: 0, bits: 16 }, build_epoch: { uint: 1_700_000_000, bits: 64 }, description: { en: 'test data' },
  });
  return Buffer.concat([tree, Buffer.alloc(16), ...data, Buffer.from([0xab, 0xcd, 0xef]), Buffer.from('MaxMind.com'), metadata]);
}
