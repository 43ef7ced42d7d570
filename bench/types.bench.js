// Serialization round trips (serialize + deserialize one record) of Nexmark
// Person, Auction and Bid records: weir's generated serializers beside avsc
// (Avro, code-generated), msgpackr (with record structures), JSON with
// TextEncoder/TextDecoder and, in Node, v8.serialize. Then bytes per record
// against the JS heap one record object takes.
import v8 from 'node:v8';
import avro from 'avsc';
import { Packr } from 'msgpackr';
import { DataInputDeserializer, DataOutputSerializer } from 'weir';
import { runSuite } from './harness.js';
import { Auction, Bid, Person, auction, avroSchemas, bid, person } from './nexmarkRecords.js';

const N = 1024;
const kinds = [
  { name: 'Bid', type: Bid, make: bid, schema: avroSchemas.Bid },
  { name: 'Person', type: Person, make: person, schema: avroSchemas.Person },
  { name: 'Auction', type: Auction, make: auction, schema: avroSchemas.Auction },
];
const encoder = new TextEncoder();

/**
 * The design weir did not take, measured beside the one it did: a serializer
 * composed of one closure per field (with the same checks), looped over,
 * instead of generated code.
 */
function closureSerializer(type) {
  const fields = type.fieldNames.map((name, i) =>
    type.fieldTypes[i].kind === 'LONG'
      ? {
          name,
          write: (v, out) => {
            const f = v[name];
            if (!Number.isSafeInteger(f)) throw new TypeError(`${name}: not a LONG`);
            out.writeInt64(f);
          },
          read: (input) => input.readInt64(),
        }
      : {
          name,
          write: (v, out) => {
            const f = v[name];
            if (typeof f !== 'string') throw new TypeError(`${name}: not a STRING`);
            out.writeString(f);
          },
          read: (input) => input.readString(),
        },
  );
  return {
    serialize(v, out) {
      for (let i = 0; i < fields.length; i++) fields[i].write(v, out);
    },
    deserialize(input) {
      const o = {};
      for (let i = 0; i < fields.length; i++) o[fields[i].name] = fields[i].read(input);
      return o;
    },
  };
}
const decoder = new TextDecoder();
let sink = 0;

export async function run() {
  const sizes = [];
  for (const kind of kinds) {
    const records = Array.from({ length: N }, (_, i) => kind.make(i));
    const serializer = kind.type.createSerializer();
    const out = new DataOutputSerializer(4096);
    const input = new DataInputDeserializer();
    const avroType = avro.Type.forSchema(kind.schema);
    const avroBuf = Buffer.alloc(64 * 1024);
    const packr = new Packr({ structures: [] });
    const closures = closureSerializer(kind.type);
    const jsonBuf = new Uint8Array(64 * 1024);
    let i = 0;
    const next = () => records[i++ & (N - 1)];

    // Every codec must give back what it was given, before it is timed.
    for (const r of records.slice(0, 16)) {
      out.clear();
      serializer.serialize(r, out);
      input.setBuffer(out.bytes, out.base, out.position);
      for (const [codec, back] of [
        ['weir', serializer.deserialize(input)],
        ['avsc', avroType.decode(avroBuf, 0).value ?? avroType.fromBuffer(avroType.toBuffer(r))],
        ['msgpackr', packr.unpack(packr.pack(r))],
      ]) {
        if (codec !== 'avsc' && JSON.stringify(back) !== JSON.stringify(r)) throw new Error(`${codec} did not round-trip a ${kind.name}`);
      }
      if (JSON.stringify(avroType.fromBuffer(avroType.toBuffer(r))) !== JSON.stringify(r)) throw new Error(`avsc did not round-trip a ${kind.name}`);
    }

    await runSuite(`Round trip of a Nexmark ${kind.name} (${N} distinct records)`, 'serialize + deserialize one record', [
      // Each case has its own function on purpose: one shared helper would make its call sites polymorphic.
      {
        name: 'weir (generated serializer)',
        weir: true,
        fn() {
          out.clear();
          serializer.serialize(next(), out);
          input.setBuffer(out.bytes, out.base, out.position);
          sink += serializer.deserialize(input).dateTime;
        },
      },
      {
        name: 'weir fields as closures (not used: measured)',
        fn() {
          out.clear();
          closures.serialize(next(), out);
          input.setBuffer(out.bytes, out.base, out.position);
          sink += closures.deserialize(input).dateTime;
        },
      },
      {
        name: 'avsc (Avro, encode/decode)',
        fn() {
          const end = avroType.encode(next(), avroBuf, 0);
          sink += avroType.decode(avroBuf.subarray(0, end), 0).value.dateTime;
        },
      },
      {
        name: 'msgpackr (record structures)',
        fn() {
          sink += packr.unpack(packr.pack(next())).dateTime;
        },
      },
      {
        name: 'JSON + TextEncoder/TextDecoder',
        fn() {
          const { written } = encoder.encodeInto(JSON.stringify(next()), jsonBuf);
          sink += JSON.parse(decoder.decode(jsonBuf.subarray(0, written))).dateTime;
        },
      },
      {
        name: 'v8.serialize/deserialize',
        fn() {
          sink += v8.deserialize(v8.serialize(next())).dateTime;
        },
      },
    ]);

    const avg = (f) => records.reduce((s, r) => s + f(r), 0) / N;
    sizes.push({
      kind: kind.name,
      weir: avg((r) => (out.clear(), serializer.serialize(r, out), out.position)),
      avsc: avg((r) => avroType.toBuffer(r).length),
      msgpackr: avg((r) => packr.pack(r).length),
      json: avg((r) => encoder.encode(JSON.stringify(r)).length),
      v8: avg((r) => v8.serialize(r).length),
      heap: heapPerObject(kind.make),
    });
  }

  console.log('\nBytes per record (average of 1024) and the JS heap one record object takes');
  console.log('  record    weir    avsc  msgpackr    JSON      v8   JS heap   weir / heap');
  for (const s of sizes) {
    const f = (x) => x.toFixed(0).padStart(7);
    const heap = Number.isFinite(s.heap) ? s.heap : NaN;
    console.log(
      `  ${s.kind.padEnd(7)} ${f(s.weir)} ${f(s.avsc)} ${f(s.msgpackr).padStart(9)} ${f(s.json)} ${f(s.v8)} ${Number.isNaN(heap) ? '  (run with --expose-gc)' : f(heap).padStart(9)}   ${Number.isNaN(heap) ? '' : (s.weir / heap).toFixed(2)}`,
    );
  }
  if (sink === 0.5) console.log(sink);
}

/** Heap bytes per record object: heap growth while holding 20,000 fresh records, after full GCs. */
function heapPerObject(make) {
  if (typeof globalThis.gc !== 'function') return NaN;
  const count = 20_000;
  globalThis.gc();
  globalThis.gc();
  const before = v8.getHeapStatistics().used_heap_size;
  const held = Array.from({ length: count }, (_, i) => make(100_000 + i));
  globalThis.gc();
  globalThis.gc();
  const after = v8.getHeapStatistics().used_heap_size;
  if (held.length !== count) throw new Error('unreachable');
  return (after - before - count * 8) / count; // less the array's own slots
}

export function dispose() {}
