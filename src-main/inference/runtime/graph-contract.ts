/**
 * The graph I/O contract of MODELS.md as data, and the check run at load. Names are required
 * where MODELS.md fixes them; elsewhere (GroupViT's image input, head outputs) tensors are
 * matched by position. Ranks are checked where the model declares a shape.
 */
import type { InferenceSession } from 'onnxruntime-node';
import type { PackKind } from '../../shared/contract';
import { LwError } from '../../shared/errors';

export type DType = 'float32' | 'int64' | 'int32' | 'bool';

export interface TensorSpec {
  /** Required name; absent = matched by position. */
  name?: string;
  dtypes: DType[];
  rank: number;
  /** Several accepted ranks (SAM's encoder: [1,3,1024,1024] or [H,W,3]); `rank` is then the first. */
  ranks?: number[];
  what: string;
}

export interface GraphSpec {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /** Extra outputs after the listed ones are allowed (and ignored). */
  extraOutputs: boolean;
}

const f32 = (rank: number, what: string, name?: string): TensorSpec => ({ name, dtypes: ['float32'], rank, what });
const i64 = (rank: number, what: string, name?: string): TensorSpec => ({ name, dtypes: ['int64'], rank, what });
const times = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

export const GRAPH_CONTRACT: Record<PackKind, Record<string, GraphSpec>> = {
  glip: {
    backbone: {
      inputs: [f32(4, 'images [1,3,Hp,Wp]', 'images')],
      outputs: times(5, (i) => f32(4, `P${i + 3} [1,256,h,w]`)),
      extraOutputs: false,
    },
    text: {
      inputs: [
        i64(2, 'input_ids [1,256]', 'input_ids'),
        i64(2, 'attention_mask [1,256]', 'attention_mask'),
        i64(2, 'token_type_ids [1,256]', 'token_type_ids'),
      ],
      outputs: [f32(3, 'last hidden state [1,256,768]')],
      extraOutputs: true,
    },
    head: {
      inputs: [
        ...times(5, (i) => f32(4, `feat${i} [1,256,h,w]`, `feat${i}`)),
        f32(3, 'hidden [1,256,768]', 'hidden'),
        { name: 'masks', dtypes: ['int64', 'int32', 'float32', 'bool'], rank: 2, what: 'masks (attention mask) [1,256]' },
      ],
      outputs: [
        ...times(5, (i) => f32(4, `box_cls level ${i} [1,C,h,w]`)),
        ...times(5, (i) => f32(4, `box_regression level ${i} [1,4,h,w]`)),
        ...times(5, (i) => f32(4, `centerness level ${i} [1,1,h,w]`)),
        ...times(5, (i) => f32(3, `dot_product_logits level ${i} [1,h·w,256]`)),
      ],
      extraOutputs: false,
    },
  },
  groupvit: {
    image: {
      inputs: [f32(4, 'image [1,3,H,W]')],
      outputs: [f32(3, "attn_map [H',W',G]"), f32(2, 'grouped tokens [G,D]'), f32(2, 'image average feature [1,D]')],
      extraOutputs: true,
    },
    text: {
      inputs: [i64(3, 'token ids [N,T,77]')],
      outputs: [f32(2, 'text embeddings [N,D]')],
      extraOutputs: true,
    },
  },
  pix2seq: {
    encoder: { inputs: [f32(4, 'image [1,3,S,S]', 'image')], outputs: [f32(3, 'memory [1,N,D]')], extraOutputs: false },
    decoder: {
      inputs: [i64(2, 'tokens [1,L]', 'tokens'), f32(3, 'memory [1,N,D]', 'memory')],
      outputs: [f32(3, 'logits [1,L,V]')],
      extraOutputs: false,
    },
  },
  uniter: {
    regions: {
      inputs: [f32(4, 'image [1,3,H,W]', 'image')],
      outputs: [f32(2, 'boxes [R,4]'), f32(1, 'scores [R]'), f32(2, 'features [R,2048]')],
      extraOutputs: false,
    },
    itm: {
      inputs: [
        i64(2, 'input_ids [1,T]', 'input_ids'),
        i64(2, 'position_ids [1,T]', 'position_ids'),
        f32(3, 'img_feat [1,B,2048]', 'img_feat'),
        f32(3, 'img_pos_feat [1,B,7]', 'img_pos_feat'),
        i64(2, 'attention_mask [1,T+B]', 'attention_mask'),
      ],
      outputs: [f32(2, 'rank_logit [1,1]')],
      extraOutputs: false,
    },
  },
  sam: {
    encoder: {
      inputs: [{ dtypes: ['float32'], rank: 4, ranks: [4, 3], what: 'image [1,3,1024,1024] (normalised, padded) or [H,W,3] (raw 0–255)' }],
      outputs: [f32(4, 'image_embeddings [1,256,64,64]')],
      extraOutputs: false,
    },
    decoder: {
      inputs: [
        f32(4, 'image_embeddings [1,256,64,64]', 'image_embeddings'),
        f32(3, 'point_coords [1,N,2]', 'point_coords'),
        f32(2, 'point_labels [1,N]', 'point_labels'),
        f32(4, 'mask_input [1,1,256,256]', 'mask_input'),
        f32(1, 'has_mask_input [1]', 'has_mask_input'),
        f32(1, 'orig_im_size [2] = (H, W)', 'orig_im_size'),
      ],
      outputs: [f32(4, 'masks [1,K,H,W]'), f32(2, 'iou_predictions [1,K]'), f32(4, 'low_res_masks [1,K,256,256]')],
      extraOutputs: false,
    },
  },
};

type Meta = InferenceSession.ValueMetadata;

function describe(m: Meta): string {
  if (!m.isTensor) return `${m.name} (not a tensor)`;
  return `${m.name} ${m.type}[${m.shape.join(',')}]`;
}

function checkTensor(file: string, side: 'input' | 'output', spec: TensorSpec, m: Meta): void {
  const where = `${file}: ${side} '${m.name}'`;
  if (!m.isTensor) throw mismatch(where, `is not a tensor; expected ${spec.what}`);
  if (!spec.dtypes.includes(m.type as DType))
    throw mismatch(where, `has dtype ${m.type}; expected ${spec.dtypes.join(' or ')} (${spec.what})`);
  const ranks = spec.ranks ?? [spec.rank];
  if (m.shape.length > 0 && !ranks.includes(m.shape.length))
    throw mismatch(where, `has rank ${m.shape.length} [${m.shape.join(',')}]; expected rank ${ranks.join(' or ')} (${spec.what})`);
}

function mismatch(where: string, what: string): LwError {
  return new LwError(
    'MODEL_LOAD_FAILED',
    `${where} ${what}`,
    'The graph does not match the model contract (MODELS.md); the pack is for a different export or is damaged.',
  );
}

/**
 * Checks a session's inputs and outputs against the spec; returns the actual input and output
 * names in contract order (so callers can feed by position where the contract allows it).
 */
export function checkGraph(file: string, spec: GraphSpec, inputs: readonly Meta[], outputs: readonly Meta[]): { inputs: string[]; outputs: string[] } {
  const inNames: string[] = [];
  const named = spec.inputs.every((s) => s.name !== undefined);
  if (named) {
    for (const s of spec.inputs) {
      const m = inputs.find((x) => x.name === s.name);
      if (!m)
        throw mismatch(
          `${file}:`,
          `has no input '${s.name}' (${s.what}); its inputs are ${inputs.map(describe).join(', ') || 'none'}`,
        );
      checkTensor(file, 'input', s, m);
      inNames.push(m.name);
    }
    const extra = inputs.filter((m) => !spec.inputs.some((s) => s.name === m.name));
    if (extra.length) throw mismatch(`${file}:`, `has unexpected inputs ${extra.map(describe).join(', ')}; expected only ${spec.inputs.map((s) => s.name).join(', ')}`);
  } else {
    if (inputs.length !== spec.inputs.length)
      throw mismatch(`${file}:`, `has ${inputs.length} inputs (${inputs.map(describe).join(', ')}); expected ${spec.inputs.length}: ${spec.inputs.map((s) => s.what).join(', ')}`);
    spec.inputs.forEach((s, i) => {
      checkTensor(file, 'input', s, inputs[i]);
      inNames.push(inputs[i].name);
    });
  }
  const n = spec.outputs.length;
  if (outputs.length < n || (!spec.extraOutputs && outputs.length !== n))
    throw mismatch(`${file}:`, `has ${outputs.length} outputs; expected ${spec.extraOutputs ? 'at least ' : ''}${n} (${spec.outputs.map((s) => s.what).join(', ')})`);
  spec.outputs.forEach((s, i) => checkTensor(file, 'output', s, outputs[i]));
  return { inputs: inNames, outputs: outputs.map((o) => o.name) };
}
