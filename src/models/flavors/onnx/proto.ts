/**
 * A minimal reader of ONNX's protobuf `ModelProto`: just what onnxruntime-node does not tell
 * (producer, opsets, `metadata_props`, the graph's nodes and their label attributes), and one
 * rewrite: removing `ZipMap` nodes so a classifier's probabilities come back as a tensor
 * (onnxruntime-node cannot return sequences of maps). Pure functions on bytes; initializers and
 * other large fields are skipped by length, never copied.
 */

/** Thrown for bytes that are not a well-formed protobuf message. */
export class ProtoError extends Error {}

interface Field {
  no: number;
  wire: number;
  /** Varint fields: the value (as a JS number; ONNX's varints here are small). */
  value: number;
  /** Length-delimited fields: the payload's byte range. */
  start: number;
  end: number;
  /** The whole field's byte range, tag included. */
  from: number;
}

function readVarint(buf: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw new ProtoError('truncated varint');
    const b = buf[pos++]!;
    value += (b & 0x7f) * mul;
    if (b < 0x80) return [value, pos];
    mul *= 128;
  }
  throw new ProtoError('varint longer than 10 bytes');
}

/** The fields of the message in `buf[start, end)`, in order. */
function* fields(buf: Uint8Array, start = 0, end = buf.length): Generator<Field> {
  let pos = start;
  while (pos < end) {
    const from = pos;
    const [tag, p] = readVarint(buf, pos);
    pos = p;
    const no = Math.floor(tag / 8);
    const wire = tag & 7;
    if (no === 0) throw new ProtoError(`field number 0 at byte ${from}`);
    let value = 0;
    let s = pos;
    if (wire === 0) [value, pos] = readVarint(buf, pos);
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const [len, q] = readVarint(buf, pos);
      s = q;
      pos = q + len;
    } else throw new ProtoError(`unsupported wire type ${wire} at byte ${from}`);
    if (pos > end) throw new ProtoError(`field ${no} at byte ${from} runs past the end of its message`);
    yield { no, wire, value, start: s, end: pos, from };
  }
}

const decoder = new TextDecoder();
const text = (buf: Uint8Array, f: Field): string => decoder.decode(buf.subarray(f.start, f.end));

/** The attributes of a node Lathe reads: integers, strings and string lists (floats are skipped). */
export interface OnnxAttribute {
  ints: number[];
  strings: string[];
  i?: number;
  s?: string;
}

/** One graph node. */
export interface OnnxNode {
  opType: string;
  domain: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes: Map<string, OnnxAttribute>;
}

/** A graph input or output as declared in the file. */
export interface OnnxValueInfo {
  name: string;
}

/** What Lathe reads from a `ModelProto`. */
export interface OnnxModelInfo {
  irVersion: number;
  producerName: string;
  producerVersion: string;
  /** Operator sets by domain (`''` is the default ONNX domain). */
  opsets: { domain: string; version: number }[];
  /** `metadata_props`, key → value. */
  metadata: Record<string, string>;
  docString: string;
  graphName: string;
  nodes: OnnxNode[];
  /** The graph's output names, in order. */
  outputs: string[];
}

/** An int64 read as an unsigned varint, back to its sign (exact for |v| < 2^53). */
const signed = (v: number): number => (v >= 2 ** 63 ? v - 2 ** 64 : v);

function readAttribute(buf: Uint8Array, start: number, end: number): [string, OnnxAttribute] {
  let name = '';
  const a: OnnxAttribute = { ints: [], strings: [] };
  for (const f of fields(buf, start, end)) {
    if (f.no === 1 && f.wire === 2) name = text(buf, f);
    else if (f.no === 3 && f.wire === 0) a.i = f.value;
    else if (f.no === 4 && f.wire === 2) a.s = text(buf, f);
    else if (f.no === 9 && f.wire === 2) a.strings.push(text(buf, f));
    else if (f.no === 8 && f.wire === 0) a.ints.push(signed(f.value));
    else if (f.no === 8 && f.wire === 2) {
      // Packed int64s.
      let p = f.start;
      while (p < f.end) {
        const [v, q] = readVarint(buf, p);
        a.ints.push(signed(v));
        p = q;
      }
    }
  }
  return [name, a];
}

function readNode(buf: Uint8Array, start: number, end: number): OnnxNode {
  const node: OnnxNode = { opType: '', domain: '', name: '', inputs: [], outputs: [], attributes: new Map() };
  for (const f of fields(buf, start, end)) {
    if (f.wire !== 2) continue;
    if (f.no === 1) node.inputs.push(text(buf, f));
    else if (f.no === 2) node.outputs.push(text(buf, f));
    else if (f.no === 3) node.name = text(buf, f);
    else if (f.no === 4) node.opType = text(buf, f);
    else if (f.no === 7) node.domain = text(buf, f);
    else if (f.no === 5) {
      const [k, v] = readAttribute(buf, f.start, f.end);
      node.attributes.set(k, v);
    }
  }
  return node;
}

function valueInfoName(buf: Uint8Array, start: number, end: number): string {
  for (const f of fields(buf, start, end)) if (f.no === 1 && f.wire === 2) return text(buf, f);
  return '';
}

/**
 * Reads a serialized `ModelProto`.
 * @throws ProtoError when the bytes are not a well-formed message or hold no graph.
 */
export function readOnnxModel(buf: Uint8Array): OnnxModelInfo {
  const info: OnnxModelInfo = {
    irVersion: 0,
    producerName: '',
    producerVersion: '',
    opsets: [],
    metadata: {},
    docString: '',
    graphName: '',
    nodes: [],
    outputs: [],
  };
  let graph: Field | undefined;
  for (const f of fields(buf)) {
    if (f.no === 1 && f.wire === 0) info.irVersion = f.value;
    else if (f.wire !== 2) continue;
    else if (f.no === 2) info.producerName = text(buf, f);
    else if (f.no === 3) info.producerVersion = text(buf, f);
    else if (f.no === 6) info.docString = text(buf, f);
    else if (f.no === 7) graph = f;
    else if (f.no === 8) {
      const opset = { domain: '', version: 0 };
      for (const g of fields(buf, f.start, f.end)) {
        if (g.no === 1 && g.wire === 2) opset.domain = text(buf, g);
        else if (g.no === 2 && g.wire === 0) opset.version = g.value;
      }
      info.opsets.push(opset);
    } else if (f.no === 14) {
      let key = '';
      let value = '';
      for (const g of fields(buf, f.start, f.end)) {
        if (g.no === 1 && g.wire === 2) key = text(buf, g);
        else if (g.no === 2 && g.wire === 2) value = text(buf, g);
      }
      info.metadata[key] = value;
    }
  }
  if (!graph) throw new ProtoError('the model holds no graph (ModelProto field 7)');
  for (const f of fields(buf, graph.start, graph.end)) {
    if (f.wire !== 2) continue;
    if (f.no === 1) info.nodes.push(readNode(buf, f.start, f.end));
    else if (f.no === 2) info.graphName = text(buf, f);
    else if (f.no === 12) info.outputs.push(valueInfoName(buf, f.start, f.end));
  }
  return info;
}

/**
 * True when `buf` starts like a serialized `ModelProto`: `ir_version` (field 1, a small varint)
 * followed by another ModelProto field. Cheap; never throws.
 */
export function looksLikeOnnx(buf: Uint8Array): boolean {
  if (buf.length < 4 || buf[0] !== 0x08 || buf[1]! < 1 || buf[1]! > 30) return false;
  // producer_name, producer_version, domain, model_version, doc_string, graph, opset_import.
  return [0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42, 0x72].includes(buf[2]!);
}

// ---- writing ------------------------------------------------------------------------------------

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

function lengthDelimited(no: number, payload: Uint8Array): Uint8Array {
  const head = [...varint(no * 8 + 2), ...varint(payload.length)];
  const out = new Uint8Array(head.length + payload.length);
  out.set(head);
  out.set(payload, head.length);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const encoder = new TextEncoder();

/** A `ValueInfoProto` of a tensor (element type 1 float, 11 double; dims fixed or named). */
function tensorInfo(name: string, elemType: number, dims: readonly (number | string)[]): Uint8Array {
  const dim = (d: number | string) =>
    lengthDelimited(
      1,
      typeof d === 'number' ? new Uint8Array([0x08, ...varint(d)]) : lengthDelimited(2, encoder.encode(d)),
    );
  const shape = lengthDelimited(2, concat(dims.map(dim)));
  const tensorType = lengthDelimited(1, concat([new Uint8Array([0x08, ...varint(elemType)]), shape]));
  return concat([lengthDelimited(1, encoder.encode(name)), lengthDelimited(2, tensorType)]);
}

/** A `ValueInfoProto` for a float tensor `[dynamic, k]`. */
const floatMatrixInfo = (name: string, k: number): Uint8Array => tensorInfo(name, 1, ['N', k]);

const textField = (no: number, s: string) => lengthDelimited(no, encoder.encode(s));

/** A `NodeProto`: Transpose with `perm = [1, 0]`. */
function transposeNode(input: string, output: string): Uint8Array {
  // AttributeProto: name "perm", ints 1 and 0 (field 8), type INTS (field 20 = 7).
  const perm = concat([textField(1, 'perm'), new Uint8Array([0x40, 1, 0x40, 0, 0xa0, 0x01, 7])]);
  return concat([
    textField(1, input),
    textField(2, output),
    textField(3, `${output}${columnsSuffix}_transpose`),
    textField(4, 'Transpose'),
    lengthDelimited(5, perm),
  ]);
}

/** A `NodeProto`: Cast to float (`to = 1`) or double (`to = 11`). */
function castNode(input: string, output: string, to: 1 | 11): Uint8Array {
  // AttributeProto: name "to", i (field 3), type INT (field 20 = 2).
  const attr = concat([textField(1, 'to'), new Uint8Array([0x18, to, 0xa0, 0x01, 2])]);
  return concat([
    textField(1, input),
    textField(2, output),
    textField(3, `${output}_cast`),
    textField(4, 'Cast'),
    lengthDelimited(5, attr),
  ]);
}

/** The suffix of the input {@link columnMajorInput} adds. */
export const columnsSuffix = '__lathe_columns';

/**
 * The model with its matrix input `input` (`[batch, width]`, float or double) fed transposed: a
 * new graph input `<input>__lathe_columns` shaped `[width, batch]` of `columnType` (float 1 or
 * double 11), cast inside the graph when it differs from `elemType`, the input's own type, and a
 * Transpose node that makes `input` from it. Lets callers holding whole columns copy each one
 * without converting or interleaving: onnxruntime converts and transposes faster than
 * JavaScript does.
 * @throws ProtoError when the bytes are not a well-formed message or have no such input.
 */
export function columnMajorInput(
  buf: Uint8Array,
  input: string,
  elemType: 1 | 11,
  width: number,
  columnType: 1 | 11 = 11,
): Uint8Array {
  const parts: Uint8Array[] = [];
  let found = false;
  const columns = input + columnsSuffix;
  const nodes = () => {
    if (elemType === columnType) return [lengthDelimited(1, transposeNode(columns, input))];
    const cast = `${columns}_cast`;
    return [
      lengthDelimited(1, castNode(columns, cast, elemType)),
      lengthDelimited(1, transposeNode(cast, input)),
    ];
  };
  for (const f of fields(buf)) {
    if (f.no !== 7 || f.wire !== 2) {
      parts.push(buf.subarray(f.from, f.end));
      continue;
    }
    const graphParts: Uint8Array[] = [];
    let placed = false;
    for (const g of fields(buf, f.start, f.end)) {
      if (g.no === 1 && !placed) {
        graphParts.push(...nodes());
        placed = true;
      }
      if (g.no === 11 && g.wire === 2 && valueInfoName(buf, g.start, g.end) === input) {
        graphParts.push(lengthDelimited(11, tensorInfo(columns, columnType, [width, 'batch'])));
        found = true;
        continue;
      }
      graphParts.push(buf.subarray(g.from, g.end));
    }
    if (!placed) graphParts.push(...nodes());
    parts.push(lengthDelimited(7, concat(graphParts)));
  }
  if (!found) throw new ProtoError(`the graph has no input ${input}`);
  return concat(parts);
}

/** One removed `ZipMap`: the graph output it made and the probability tensor it read. */
export interface ZipMapRemoval {
  /** The graph output the ZipMap node produced (a sequence of maps), now gone. */
  output: string;
  /** The `[N, k]` float tensor it read, now a graph output. */
  input: string;
  /** The class labels of its keys, in probability order. */
  classes: (string | number)[];
}

/** The `ZipMap` nodes whose outputs are graph outputs, and what removing each would do. */
export function zipMapsOf(info: OnnxModelInfo): ZipMapRemoval[] {
  const out: ZipMapRemoval[] = [];
  for (const node of info.nodes) {
    if (node.opType !== 'ZipMap' || node.domain !== 'ai.onnx.ml') continue;
    const output = node.outputs[0];
    const input = node.inputs[0];
    if (!output || !input || !info.outputs.includes(output)) continue;
    const strings = node.attributes.get('classlabels_strings')?.strings ?? [];
    const ints = node.attributes.get('classlabels_int64s')?.ints ?? [];
    out.push({ output, input, classes: strings.length ? strings : ints });
  }
  return out;
}

/**
 * The model without the given `ZipMap` nodes: each one's graph output is replaced by the float
 * tensor `[N, k]` it read (dropped when that tensor is already a graph output). Every other byte
 * is kept as it was.
 * @throws ProtoError when the bytes are not a well-formed message.
 */
export function removeZipMaps(buf: Uint8Array, removals: readonly ZipMapRemoval[]): Uint8Array {
  if (!removals.length) return buf;
  const byOutput = new Map(removals.map((r) => [r.output, r]));
  const info = readOnnxModel(buf);
  const parts: Uint8Array[] = [];
  for (const f of fields(buf)) {
    if (f.no !== 7 || f.wire !== 2) {
      parts.push(buf.subarray(f.from, f.end));
      continue;
    }
    const graphParts: Uint8Array[] = [];
    for (const g of fields(buf, f.start, f.end)) {
      if (g.no === 1 && g.wire === 2) {
        const node = readNode(buf, g.start, g.end);
        if (node.opType === 'ZipMap' && byOutput.has(node.outputs[0] ?? '')) continue;
      } else if (g.no === 12 && g.wire === 2) {
        const r = byOutput.get(valueInfoName(buf, g.start, g.end));
        if (r) {
          if (!info.outputs.includes(r.input))
            graphParts.push(lengthDelimited(12, floatMatrixInfo(r.input, r.classes.length)));
          continue;
        }
      }
      graphParts.push(buf.subarray(g.from, g.end));
    }
    parts.push(lengthDelimited(7, concat(graphParts)));
  }
  return concat(parts);
}
