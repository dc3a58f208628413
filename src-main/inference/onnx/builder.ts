/**
 * A tiny ONNX graph builder over our protobuf subset. Used by the fixture generator, so the
 * output must be deterministic: names come from a counter, initializers are little-endian
 * raw_data, and nothing depends on time or the machine.
 */
import { DataType, modelProtoType, type DataTypeCode } from './proto';

export type Dim = number | string;
type AttrValue =
  | { kind: 'int'; v: number }
  | { kind: 'float'; v: number }
  | { kind: 'ints'; v: number[] }
  | { kind: 'floats'; v: number[] }
  | { kind: 'string'; v: string };

export const attr = {
  int: (v: number): AttrValue => ({ kind: 'int', v }),
  float: (v: number): AttrValue => ({ kind: 'float', v }),
  ints: (v: number[]): AttrValue => ({ kind: 'ints', v }),
  floats: (v: number[]): AttrValue => ({ kind: 'floats', v }),
  string: (v: string): AttrValue => ({ kind: 'string', v }),
};

function valueInfo(name: string, elemType: DataTypeCode, dims: Dim[]) {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
      },
    },
  };
}

function encodeAttr(name: string, a: AttrValue) {
  switch (a.kind) {
    case 'int':
      return { name, type: 2, i: a.v };
    case 'float':
      return { name, type: 1, f: a.v };
    case 'ints':
      return { name, type: 7, ints: a.v };
    case 'floats':
      return { name, type: 6, floats: a.v };
    case 'string':
      return { name, type: 3, s: Buffer.from(a.v, 'utf8') };
  }
}

export class GraphBuilder {
  private readonly nodes: object[] = [];
  private readonly inits: object[] = [];
  private readonly inputs: object[] = [];
  private readonly outputs: object[] = [];
  private counter = 0;

  constructor(private readonly name: string) {}

  private fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  input(name: string, elemType: DataTypeCode, dims: Dim[]): string {
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  /** Declares a graph output produced by `Identity(value)`. */
  output(name: string, value: string, elemType: DataTypeCode, dims: Dim[]): void {
    this.nodes.push({ op_type: 'Identity', input: [value], output: [name], name: `out_${name}` });
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  constF(values: ArrayLike<number>, dims: number[]): string {
    const name = this.fresh('cf');
    const f = Float32Array.from(values);
    this.inits.push({ name, data_type: DataType.FLOAT, dims, raw_data: Buffer.from(f.buffer, f.byteOffset, f.byteLength) });
    return name;
  }

  /** Scalar float constant (rank 0). */
  scalarF(v: number): string {
    return this.constF([v], []);
  }

  constI64(values: number[], dims: number[] = [values.length]): string {
    const name = this.fresh('ci');
    const b = Buffer.alloc(values.length * 8);
    values.forEach((v, i) => b.writeBigInt64LE(BigInt(v), i * 8));
    this.inits.push({ name, data_type: DataType.INT64, dims, raw_data: b });
    return name;
  }

  op(type: string, inputs: string[], attrs: Record<string, AttrValue> = {}): string {
    return this.opN(type, inputs, 1, attrs)[0];
  }

  opN(type: string, inputs: string[], nOut: number, attrs: Record<string, AttrValue> = {}): string[] {
    const outs = Array.from({ length: nOut }, () => this.fresh(type.toLowerCase()));
    this.nodes.push({
      op_type: type,
      input: inputs,
      output: outs,
      name: this.fresh(`n_${type}`),
      attribute: Object.entries(attrs).map(([k, v]) => encodeAttr(k, v)),
    });
    return outs;
  }

  toBytes(opset = 17): Uint8Array {
    const T = modelProtoType();
    const msg = T.fromObject({
      ir_version: 8,
      producer_name: 'labelwright-fixtures',
      producer_version: '1',
      opset_import: [{ domain: '', version: opset }],
      graph: { name: this.name, node: this.nodes, initializer: this.inits, input: this.inputs, output: this.outputs },
    });
    return T.encode(msg).finish();
  }

  // ---- small conveniences ----
  add(a: string, b: string) {
    return this.op('Add', [a, b]);
  }
  sub(a: string, b: string) {
    return this.op('Sub', [a, b]);
  }
  mul(a: string, b: string) {
    return this.op('Mul', [a, b]);
  }
  div(a: string, b: string) {
    return this.op('Div', [a, b]);
  }
  /** a * k + c with scalar constants. */
  affine(a: string, k: number, c = 0): string {
    let r = k === 1 ? a : this.mul(a, this.scalarF(k));
    if (c !== 0) r = this.add(r, this.scalarF(c));
    return r;
  }
  slice(x: string, start: number, end: number, axis: number): string {
    return this.op('Slice', [x, this.constI64([start]), this.constI64([end]), this.constI64([axis])]);
  }
}
