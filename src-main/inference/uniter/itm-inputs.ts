/**
 * The ITM graph's text side (MODELS.md § UNITER "Text"): `[CLS] word pieces [SEP]`, position
 * ids 0 … T − 1, and an all-ones attention mask over the T text tokens and B regions. The
 * word pieces are cut so that T + B stays within UNITER's 512 positions.
 */
import { LwError } from '../../shared/errors';

export const MAX_POSITIONS = 512;

export interface ItmText {
  /** [CLS] pieces [SEP]. */
  inputIds: BigInt64Array;
  positionIds: BigInt64Array;
  /** All ones, T + B long. */
  attentionMask: BigInt64Array;
  /** Word pieces dropped to fit (0 when none). */
  truncated: number;
}

export function itmText(pieceIds: readonly number[], clsId: number, sepId: number, regions: number, limit = MAX_POSITIONS): ItmText {
  const room = limit - regions - 2;
  if (room < 1)
    throw new LwError('INVALID_ARGUMENT', `${regions} regions leave no room for text within UNITER's ${limit} positions`, 'The regions graph returned too many regions; selection keeps at most 100.');
  const kept = pieceIds.slice(0, room);
  const T = kept.length + 2;
  const inputIds = new BigInt64Array(T);
  inputIds[0] = BigInt(clsId);
  kept.forEach((id, i) => (inputIds[i + 1] = BigInt(id)));
  inputIds[T - 1] = BigInt(sepId);
  const positionIds = new BigInt64Array(T);
  for (let i = 0; i < T; i++) positionIds[i] = BigInt(i);
  return { inputIds, positionIds, attentionMask: new BigInt64Array(T + regions).fill(1n), truncated: pieceIds.length - kept.length };
}
