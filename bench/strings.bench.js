// How weir writes and reads strings, beside the platform's encoders: the JS
// loop weir uses for short strings, TextEncoder/TextDecoder, and Node's
// native Buffer routines that weir uses for long strings where it can.
import { DataInputDeserializer, DataOutputSerializer } from 'weir';
import { runSuite } from './harness.js';

const utf8Write = globalThis.Buffer?.prototype.utf8Write;
const utf8Slice = globalThis.Buffer?.prototype.utf8Slice;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
let sink = 0;

export async function run() {
  for (const length of [8, 24, 100, 400]) {
    const strings = Array.from({ length: 64 }, (_, k) => String.fromCharCode(97 + (k % 26)).repeat(length));
    const bytes = new Uint8Array(4096);
    const out = new DataOutputSerializer(4096);
    let i = 0;
    const cases = [
      {
        name: 'weir writeString (header + bytes)',
        weir: true,
        fn() {
          out.clear();
          out.writeString(strings[i++ & 63]);
          sink += out.position;
        },
      },
      { name: 'TextEncoder.encodeInto', fn: () => (sink += encoder.encodeInto(strings[i++ & 63], bytes).written) },
    ];
    if (utf8Write) cases.push({ name: 'Buffer utf8Write (Node)', fn: () => (sink += utf8Write.call(bytes, strings[i++ & 63], 0, 4096)) });
    await runSuite(`Encode an ASCII string of ${length} characters`, 'one string', cases);

    out.clear();
    out.writeString(strings[0]);
    const encoded = out.toUint8Array();
    const input = new DataInputDeserializer();
    const headerLength = encoded.length - length;
    const reads = [
      {
        name: 'weir readString',
        weir: true,
        fn() {
          input.setBuffer(encoded);
          sink += input.readString().length;
        },
      },
      { name: 'TextDecoder.decode', fn: () => (sink += decoder.decode(encoded.subarray(headerLength)).length) },
    ];
    if (utf8Slice) reads.push({ name: 'Buffer utf8Slice (Node)', fn: () => (sink += utf8Slice.call(encoded, headerLength, encoded.length).length) });
    await runSuite(`Decode an ASCII string of ${length} characters`, 'one string', reads);
  }
  if (sink === 0.5) console.log(sink);
}

export function dispose() {}
