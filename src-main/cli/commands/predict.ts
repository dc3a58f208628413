/**
 * `labelwright predict <pack> <image> --categories "red,blue" [--json] [--out overlay.png]`:
 * runs one image end to end (in the inference worker unless --in-process) and prints the
 * detections or masks and the execution provider that ran them. Pix2seq packs also take
 * `--decoding greedy|nucleus` and `--seed N`. UNITER packs take `--text "…"` (repeatable) instead of
 * categories and print each text's match score. SAM packs take `--point x,y[,label]` (repeatable)
 * and/or `--box x,y,w,h` and print the mask's box, area and score (the RLE too with --json).
 */
import type { OverlayOptions } from 'sharp';
import type { ClassMask, Detection } from '../../shared/contract';
import { LwError } from '../../shared/errors';
import { decodeRle } from '../../shared/masks';
import type { InferenceEngine } from '../../inference/engine';
import type { AdapterCategory, PredictionResult, RunOptions } from '../../inference/types';
import { colorForNewCategory } from '../../services/palette';
import type { RegisterCommand } from '../command';
import { emit, table, type GlobalOptions } from '../output';

interface PredictOptions {
  categories?: string;
  out?: string;
  threshold?: string;
  instances?: boolean;
  inProcess?: boolean;
  decoding?: string;
  seed?: string;
  text?: string[];
  point?: string[];
  box?: string;
}

export function parseCategories(list: string | undefined, threshold?: number): AdapterCategory[] {
  const names = (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!names.length) throw new LwError('INVALID_ARGUMENT', 'No categories given', 'Pass --categories "name1,name2" (or --text "…" for a uniter pack, --point x,y or --box x,y,w,h for a sam pack).');
  return names.map((name, i) => ({ id: i + 1, name, ...(threshold !== undefined ? { threshold } : {}) }));
}

/** `--decoding` and `--seed` (Pix2seq), checked. */
export function parseDecoding(decoding: string | undefined, seed: string | undefined): Pick<RunOptions, 'decoding' | 'seed'> {
  const out: Pick<RunOptions, 'decoding' | 'seed'> = {};
  if (decoding !== undefined) {
    if (decoding !== 'greedy' && decoding !== 'nucleus') throw new LwError('INVALID_ARGUMENT', `--decoding ${decoding} is not greedy or nucleus`);
    out.decoding = decoding;
  }
  if (seed !== undefined) {
    if (!/^\d+$/.test(seed) || !Number.isSafeInteger(Number(seed))) throw new LwError('INVALID_ARGUMENT', `--seed ${seed} is not a non-negative integer`);
    out.seed = Number(seed);
  }
  return out;
}

export const register: RegisterCommand = (program, action) => {
  program
    .command('predict')
    .description('Run a model pack on one image and print what it finds')
    .argument('<pack>', 'pack id or pack folder')
    .argument('<image>', 'image file')
    .option('-c, --categories <list>', 'comma-separated category names (ids are 1, 2, … in this order); not for uniter packs')
    .option('--text <text>', 'uniter: a text to score against the image (repeat for several)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('-o, --out <png>', 'write an overlay PNG: boxes with labels, masks tinted')
    .option('-t, --threshold <score>', 'score threshold for every category (default: the pack\'s, 0.5 for GLIP and Pix2seq)')
    .option('--instances', 'GroupViT: one mask per connected component', false)
    .option('--decoding <mode>', 'Pix2seq: nucleus (default, seeded by the image content) or greedy')
    .option('--seed <n>', 'Pix2seq: seed for nucleus sampling instead of the image content hash')
    .option('--point <x,y[,label]>', 'sam: a click (label 1 adds, the default; 0 removes); repeat for several', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--box <x,y,w,h>', 'sam: a box around the object')
    .option('--in-process', 'run on the calling thread instead of the inference worker', false)
    .action(
      action(async (opts, packRef: string, imagePath: string, cmdOpts: PredictOptions) => {
        if (cmdOpts.point?.length || cmdOpts.box !== undefined) {
          if (cmdOpts.categories || cmdOpts.text?.length) throw new LwError('INVALID_ARGUMENT', '--point/--box do not go with --categories or --text', 'A sam pack segments from points or a box; it takes no categories.');
          return predictSam(opts, packRef, imagePath, cmdOpts);
        }
        if (cmdOpts.text?.length) {
          if (cmdOpts.categories) throw new LwError('INVALID_ARGUMENT', '--text and --categories do not go together', '--text scores texts with a uniter pack; --categories asks a detector for classes.');
          return predictTexts(opts, packRef, imagePath, cmdOpts.text);
        }
        let threshold: number | undefined;
        if (cmdOpts.threshold !== undefined) {
          threshold = Number(cmdOpts.threshold);
          if (!(threshold >= 0 && threshold <= 1)) throw new LwError('INVALID_ARGUMENT', `--threshold ${cmdOpts.threshold} is not a number in [0, 1]`);
        }
        const categories = parseCategories(cmdOpts.categories, threshold);
        const decoding = parseDecoding(cmdOpts.decoding, cmdOpts.seed);
        // onnxruntime and sharp load only when an image is actually run (`predict --help` is fast).
        const engine: InferenceEngine = cmdOpts.inProcess
          ? await (await import('../../inference/engine')).createEngine({ pack: packRef })
          : await (await import('../../inference/worker/worker-engine')).createWorkerEngine({ pack: packRef });
        let result: PredictionResult;
        try {
          // A uniter pack's run scores the categories (the audit's step) and detects nothing: refuse it here.
          if (engine.info.kind === 'uniter') throw (await import('../../inference/uniter/adapter')).notADetector(engine.info.packId);
          result = await engine.predict(imagePath, categories, { instances: cmdOpts.instances === true, ...decoding });
        } finally {
          await engine.close();
        }
        if (cmdOpts.out) await writeOverlay(imagePath, cmdOpts.out, result, categories);
        const info = engine.info;
        const nameOf = (id: number) => categories.find((c) => c.id === id)?.name ?? String(id);
        emit(
          opts,
          {
            pack: info.packId,
            kind: info.kind,
            ep: info.ep,
            ...(info.cudaUnavailable ? { cudaUnavailable: info.cudaUnavailable } : {}),
            image: imagePath,
            width: result.width,
            height: result.height,
            categories,
            detections: result.detections,
            masks: result.masks,
            ...(result.unmatched ? { unmatched: result.unmatched } : {}),
            timings: result.timings,
            ...(cmdOpts.out ? { out: cmdOpts.out } : {}),
          },
          () => {
            const lines = [
              `${info.packId} (${info.kind}${info.fixture ? ', fixture' : ''}) ran on ${info.ep.toUpperCase()}${info.epForced ? ' (forced by LABELWRIGHT_EP)' : ''}`,
            ];
            if (info.cudaUnavailable && info.ep !== 'cuda') lines.push(`CUDA not used: ${info.cudaUnavailable}`);
            const fmt = (n: number) => n.toFixed(1);
            if (info.kind !== 'groupvit') {
              lines.push(`${imagePath} ${result.width}×${result.height}: ${result.detections.length} detection${result.detections.length === 1 ? '' : 's'}`);
              if (result.detections.length)
                lines.push(
                  table(
                    result.detections.map((d) => [nameOf(d.categoryId), d.score.toFixed(3), d.bbox.map(fmt).join(', ')]),
                    ['category', 'score', 'bbox x, y, w, h'],
                  ),
                );
            } else {
              lines.push(`${imagePath} ${result.width}×${result.height}: ${result.masks.length} mask${result.masks.length === 1 ? '' : 's'}`);
              if (result.masks.length)
                lines.push(
                  table(
                    result.masks.map((m) => [nameOf(m.categoryId), m.score.toFixed(3), m.area, m.bbox.map(fmt).join(', ')]),
                    ['category', 'score', 'area', 'bbox x, y, w, h'],
                  ),
                );
            }
            if (result.unmatched)
              lines.push(`found but not asked for (dropped): ${Object.entries(result.unmatched).map(([name, n]) => `${name} ×${n}`).join(', ')}`);
            lines.push(`inference ${result.timings.inferMs.toFixed(0)} ms, postprocessing ${result.timings.postMs.toFixed(0)} ms`);
            if (cmdOpts.out) lines.push(`overlay written to ${cmdOpts.out}`);
            return lines.join('\n');
          },
        );
      }),
    );
};

/** UNITER: each text's raw rank_logit and its sigmoid, and the regions the scores saw. */
async function predictTexts(opts: GlobalOptions, packRef: string, imagePath: string, texts: string[]): Promise<void> {
  const { scoreImageTexts } = await import('../../inference/uniter/score-image');
  const r = await scoreImageTexts(packRef, imagePath, texts);
  for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
  emit(opts, { pack: r.packId, kind: 'uniter', ep: r.ep, image: imagePath, width: r.width, height: r.height, texts: r.texts, regions: r.regions, warnings: r.warnings }, () =>
    [
      `${r.packId} (uniter${r.fixture ? ', fixture' : ''}) ran on ${r.ep.toUpperCase()}`,
      `${imagePath} ${r.width}×${r.height}: ${r.regions.length} region${r.regions.length === 1 ? '' : 's'}`,
      table(
        r.texts.map((t) => [t.text, t.rankLogit.toFixed(3), t.sigmoidOfRankLogit.toFixed(3)]),
        ['text', 'rank_logit (raw score)', 'sigmoid(rank_logit)'],
      ),
      ...r.texts.filter((t) => t.truncatedPieces).map((t) => `"${t.text}": ${t.truncatedPieces} word pieces cut to fit 512 positions`),
      'regions used (x1, y1, x2, y2; detector score):',
      table(r.regions.map((g, i) => [i + 1, g.box.map((v) => v.toFixed(1)).join(', '), g.score.toFixed(3)]), ['#', 'box', 'score']),
    ].join('\n'),
  );
}

/** SAM: one prompt, the chosen mask's box, area and score; the RLE in --json. */
async function predictSam(opts: GlobalOptions, packRef: string, imagePath: string, cmdOpts: PredictOptions): Promise<void> {
  const { parsePromptArgs } = await import('../../inference/sam/prompt-args');
  const prompt = parsePromptArgs(cmdOpts.point ?? [], cmdOpts.box);
  const engine: InferenceEngine = cmdOpts.inProcess
    ? await (await import('../../inference/engine')).createEngine({ pack: packRef })
    : await (await import('../../inference/worker/worker-engine')).createWorkerEngine({ pack: packRef });
  let mask;
  try {
    [mask] = await engine.segment(imagePath, [prompt]);
  } finally {
    await engine.close();
  }
  const [height, width] = mask.rle.size;
  if (cmdOpts.out) {
    const result: PredictionResult = { packId: engine.info.packId, kind: 'sam', width, height, detections: [], masks: [{ categoryId: 1, ...mask }], ep: engine.info.ep, timings: { inferMs: 0, postMs: 0 } };
    await writeOverlay(imagePath, cmdOpts.out, result, [{ id: 1, name: 'mask' }]);
  }
  const info = engine.info;
  emit(
    opts,
    { pack: info.packId, kind: info.kind, ep: info.ep, image: imagePath, width, height, prompt, rle: mask.rle, bbox: mask.bbox, area: mask.area, score: mask.score, timings: mask.timings, ...(cmdOpts.out ? { out: cmdOpts.out } : {}) },
    () =>
      [
        `${info.packId} (${info.kind}${info.fixture ? ', fixture' : ''}) ran on ${info.ep.toUpperCase()}`,
        `${imagePath} ${width}×${height}: mask of ${mask.area} pixels, score ${mask.score.toFixed(3)}`,
        `bbox x, y, w, h: ${mask.bbox.map((v) => v.toFixed(1)).join(', ')}`,
        `encoder ${mask.timings.encodeMs.toFixed(0)} ms, decoder ${mask.timings.decodeMs.toFixed(0)} ms`,
        ...(cmdOpts.out ? [`overlay written to ${cmdOpts.out}`] : []),
      ].join('\n'),
  );
}

const esc = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

function hexToRgb(hex: string): [number, number, number] {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** Overlay: masks as one raw RGBA layer (tinted, 45% opacity), boxes and labels as SVG. */
export async function writeOverlay(imagePath: string, out: string, result: PredictionResult, categories: AdapterCategory[]): Promise<void> {
  const { width: W, height: H } = result;
  // The colours the same categories get in a project: "blue" is drawn blue.
  const colour = (id: number) => colorForNewCategory(id, categories.find((c) => c.id === id)?.name ?? '');
  const name = (id: number) => categories.find((c) => c.id === id)?.name ?? String(id);
  const layers: OverlayOptions[] = [];
  if (result.masks.length) layers.push({ input: maskLayer(result.masks, W, H, colour), raw: { width: W, height: H, channels: 4 }, left: 0, top: 0 });
  if (result.detections.length) layers.push({ input: Buffer.from(boxesSvg(result.detections, W, H, colour, name)), left: 0, top: 0 });
  const { openImage } = await import('../../image/open-image');
  try {
    await (await openImage(imagePath)).autoOrient().composite(layers).png().toFile(out);
  } catch (e) {
    throw new LwError('INVALID_ARGUMENT', `Could not write the overlay ${out}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function maskLayer(masks: ClassMask[], W: number, H: number, colour: (id: number) => string): Buffer {
  const rgba = Buffer.alloc(W * H * 4);
  for (const m of masks) {
    const [r, g, b] = hexToRgb(colour(m.categoryId));
    const bin = decodeRle(m.rle);
    for (let i = 0; i < bin.data.length; i++)
      if (bin.data[i]) {
        rgba[4 * i] = r;
        rgba[4 * i + 1] = g;
        rgba[4 * i + 2] = b;
        rgba[4 * i + 3] = 115;
      }
  }
  return rgba;
}

function boxesSvg(dets: Detection[], W: number, H: number, colour: (id: number) => string, name: (id: number) => string): string {
  const stroke = Math.max(2, Math.round(Math.min(W, H) / 300));
  const font = Math.max(12, Math.round(Math.min(W, H) / 40));
  const parts = dets.map((d) => {
    const [x, y, w, h] = d.bbox;
    const c = colour(d.categoryId);
    const label = esc(`${name(d.categoryId)} ${d.score.toFixed(2)}`);
    const ty = y > font + 4 ? y - 4 : y + font + 2;
    return (
      `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="none" stroke="${c}" stroke-width="${stroke}"/>` +
      `<text x="${x + 2}" y="${ty}" font-family="sans-serif" font-size="${font}" fill="${c}" stroke="black" stroke-width="0.6">${label}</text>`
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">${parts.join('')}</svg>`;
}
