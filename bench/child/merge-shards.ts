// Runs `merge` of a bundle's results twice in a fresh process, so its peak RSS is the merge's alone.
import { ProjectService } from '../../src-main/services/project-service';
import { mergeShards } from '../../src-main/jobs/merge-shards';

const [project, bundle] = process.argv.slice(2);
const svc = ProjectService.open(project);
const timed = () => {
  const t0 = process.hrtime.bigint();
  const r = mergeShards(svc, bundle);
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, imported: r.shards.reduce((n, s) => n + s.imported, 0), done: r.counts.done };
};
const first = timed();
const again = timed();
svc.close();
process.stdout.write(JSON.stringify({ first, again, maxRssKb: process.resourceUsage().maxRSS }));
