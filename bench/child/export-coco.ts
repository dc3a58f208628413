// Runs one COCO export in a fresh process so its peak RSS is the export's alone.
import { ProjectService } from '../../src-main/services/project-service';
import { exportCoco } from '../../src-main/coco/export';

const [project, out, segmentation] = process.argv.slice(2);
const svc = ProjectService.open(project, { readonly: true });
const t0 = process.hrtime.bigint();
const s = await exportCoco(svc, out, { segmentation: (segmentation as 'rle' | 'polygon') ?? 'rle' });
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
svc.close();
process.stdout.write(JSON.stringify({ ms, maxRssKb: process.resourceUsage().maxRSS, annotations: s.annotations, images: s.images, bytes: s.bytes }));
