/**
 * A mask head appended to the SAM decoder graph at load: the choice of mask
 * (`SamOnnxModel.select_masks`) and the threshold (`masks > 0`) run inside ONNX Runtime, and
 * the graph gains four outputs: the chosen mask as uint8 [1,1,H,W], its IoU prediction, its
 * low-res logits and its index. The app fetches only those.
 *
 * Why: onnxruntime-node copies every fetched output into a new JavaScript buffer. The official
 * decoder's `masks` is [1,4,H,W] float32, 20.7 MB for a 1280×960 image, copied on every click
 * only for one channel to be thresholded; the garbage drove a V8 collection every second or
 * third click (BENCHMARKS.md, SAM). With the head the copy is the 1.2 MB mask.
 *
 * How: a protobuf message parsed from the concatenation of two encodings is the merge of
 * both, and repeated fields (nodes, initializers, outputs) are appended. So the head is
 * encoded on its own as a ModelProto holding only a graph with the new nodes, constants and
 * outputs, and appended to the file's bytes: the decoder's own bytes are never decoded or
 * rewritten, and nothing our proto subset does not know can be lost.
 *
 * The rule, as upstream (segment_anything/utils/onnx.py): with N points fed (the padding
 * point included) score = iou + (N − 2.5)·1000 on mask 0 only; k = argmax (the first of equal
 * scores, as chooseMask); a decoder that returns one mask (K = 1) gives k = 0.
 */
import { DataType, modelProtoType } from '../runtime/onnx-proto';

/** The outputs the head adds, in the order above. */
export const HEAD_OUTPUTS = {
  mask: 'labelwright_head/mask',
  iou: 'labelwright_head/iou',
  lowRes: 'labelwright_head/low_res',
  index: 'labelwright_head/index',
} as const;

const P = 'labelwright_head/';
const INT64_MAX = '9223372036854775807';

const f32 = (name: string, values: number[], dims: number[]) => ({ name: P + name, dims, data_type: DataType.FLOAT, float_data: values });
const i64 = (name: string, values: (number | string)[], dims: number[]) => ({ name: P + name, dims, data_type: DataType.INT64, int64_data: values });

function node(op: string, inputs: string[], output: string, attrs: Record<string, number> = {}) {
  return {
    op_type: op,
    name: P + output,
    input: inputs,
    output: [output.startsWith(P) ? output : P + output],
    attribute: Object.entries(attrs).map(([name, i]) => ({ name, type: 2, i })),
  };
}

const out = (name: string, elemType: number) => ({ name, type: { tensor_type: { elem_type: elemType } } });

/** The head's bytes, to append to a SAM decoder's (names of the contract: MODELS.md § SAM). */
export function samMaskHead(): Uint8Array {
  const t = (n: string) => P + n;
  const graph = {
    initializer: [f32('two_and_a_half', [2.5], []), f32('thousand', [1000], []), f32('zero', [0], []), i64('one_i', [1], []), i64('zero_1', [0], [1]), i64('one_1', [1], [1]), i64('max_1', [INT64_MAX], [1])],
    node: [
      node('Shape', ['point_labels'], 'labels_shape'),
      node('Gather', [t('labels_shape'), t('one_i')], 'n_points', { axis: 0 }),
      node('Cast', [t('n_points')], 'n_points_f', { to: DataType.FLOAT }),
      node('Sub', [t('n_points_f'), t('two_and_a_half')], 'n_minus'),
      node('Mul', [t('n_minus'), t('thousand')], 'bias'),
      node('Slice', ['iou_predictions', t('zero_1'), t('one_1'), t('one_1')], 'iou_first'),
      node('Slice', ['iou_predictions', t('one_1'), t('max_1'), t('one_1')], 'iou_rest'),
      node('Add', [t('iou_first'), t('bias')], 'first_scored'),
      node('Concat', [t('first_scored'), t('iou_rest')], 'scores', { axis: 1 }),
      node('ArgMax', [t('scores')], HEAD_OUTPUTS.index, { axis: 1, keepdims: 0 }),
      node('Gather', ['masks', HEAD_OUTPUTS.index], 'chosen_logits', { axis: 1 }),
      node('Greater', [t('chosen_logits'), t('zero')], 'chosen_positive'),
      node('Cast', [t('chosen_positive')], HEAD_OUTPUTS.mask, { to: DataType.UINT8 }),
      node('Gather', ['iou_predictions', HEAD_OUTPUTS.index], HEAD_OUTPUTS.iou, { axis: 1 }),
      node('Gather', ['low_res_masks', HEAD_OUTPUTS.index], HEAD_OUTPUTS.lowRes, { axis: 1 }),
    ],
    output: [out(HEAD_OUTPUTS.mask, DataType.UINT8), out(HEAD_OUTPUTS.iou, DataType.FLOAT), out(HEAD_OUTPUTS.lowRes, DataType.FLOAT), out(HEAD_OUTPUTS.index, DataType.INT64)],
  };
  const type = modelProtoType();
  return type.encode(type.fromObject({ graph })).finish();
}

/** A decoder's bytes with the head appended. */
export function withSamMaskHead(decoder: Uint8Array): Uint8Array {
  const head = samMaskHead();
  const all = new Uint8Array(decoder.byteLength + head.byteLength);
  all.set(decoder, 0);
  all.set(head, decoder.byteLength);
  return all;
}
