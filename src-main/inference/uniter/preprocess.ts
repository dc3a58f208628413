/**
 * The regions graph's input (MODELS.md § UNITER "Regions preprocessing", as BUTD's detectron2
 * port does it): scale s = min(600/short, 1000/long), each side int(x·s + 0.5) as detectron2's
 * ResizeShortestEdge rounds, bilinear; BGR with the Caffe pixel means subtracted (values stay
 * in 0–255, no std); CHW; no padding.
 */
import { decodeResized, probeForPrelabel, type ImageSource, type PreparedImage } from '../image/pipeline';

/** BGR means of the BUTD detector (detectron2 PIXEL_MEAN). */
export const BUTD_PIXEL_MEANS_BGR = [102.98, 115.946, 122.771] as const;

export function uniterSize(w: number, h: number): { width: number; height: number } {
  const s = Math.min(600 / Math.min(w, h), 1000 / Math.max(w, h));
  return { width: Math.max(1, Math.floor(w * s + 0.5)), height: Math.max(1, Math.floor(h * s + 0.5)) };
}

/** RGB HWC uint8 → BGR CHW float32 minus the means. */
export function bgrMinusMeans(rgb: Uint8Array, width: number, height: number): Float32Array {
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  const [mb, mg, mr] = BUTD_PIXEL_MEANS_BGR;
  for (let i = 0, p = 0; p < plane; p++, i += 3) {
    out[p] = rgb[i + 2] - mb;
    out[plane + p] = rgb[i + 1] - mg;
    out[2 * plane + p] = rgb[i] - mr;
  }
  return out;
}

export async function prepareForRegions(src: ImageSource): Promise<PreparedImage> {
  const probe = await probeForPrelabel(src);
  const { width, height } = uniterSize(probe.width, probe.height);
  const rgb = await decodeResized(src, width, height, probe);
  return { data: bgrMinusMeans(rgb, width, height), dims: [1, 3, height, width], origWidth: probe.width, origHeight: probe.height, ppWidth: width, ppHeight: height };
}
