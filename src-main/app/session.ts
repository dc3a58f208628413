/**
 * One app session: the open project, the recent list, thumbnails, and the binding of every
 * API method (src-main/shared/api.ts) to the services. Plain Node: the Electron shell and
 * the browser host both serve it through createRpcServer.
 */
import { basename, extname, join, resolve } from 'node:path';
import type { EpInfo, PackInfo, SessionInfo } from '../shared/api';
import { LwError } from '../shared/errors';
import { ProjectService } from '../services/project-service';
import { RecentProjects } from '../services/recent-projects';
import { appUserDataDir } from '../platform/paths';
import { ThumbnailCache } from '../services/thumbnails';
import type { JobService, JobServiceFactory } from '../jobs/job-service';
// Off the event loop: this thread answers every client (read-thread.ts has the figures).
import { ReadThread } from './read-thread';
import {
  downloadPack,
  findPack,
  importPack,
  listPacks,
  removePack,
  verifyPack,
  type InstalledPack,
} from '../inference/packs';
import { checkExistingProjectPath, prepareNewProjectPath } from './project-path';
import { probeExecutionProvider } from '../inference/runtime/execution-providers';
import type { Handlers, RpcServer } from '../transports/rpc-server';
import { BoxSuggester, checkSuggestPack } from '../inference/pix2seq/box-suggester';
import { checkSamPack, SamSegmenter } from '../inference/sam/segmenter';
import { SearchSession } from './search-session';

export type PickPurpose = 'openProject' | 'createProject' | 'addFolder' | 'importModel' | 'exportCoco';

export interface SessionOptions {
  shell: 'electron' | 'browser';
  /** URL templates the renderer fills with `{id}`. */
  imageUrl: string;
  thumbnailUrl: string;
  /** `<userData>`; default LABELWRIGHT_USER_DATA, else Electron's default folder. */
  userDataDir?: string;
  /** Bulk pre-labeling; without it jobs.* answer "not available in this build". */
  jobs?: JobServiceFactory;
  /** Native file dialogs (Electron only). */
  pickPath?: (purpose: PickPurpose) => Promise<string | null>;
  /** Tell the renderer to expose its test API (LABELWRIGHT_TEST_API=1). */
  testApi?: boolean;
}

type Emit = RpcServer['emit'];

export class AppSession {
  project: ProjectService | null = null;
  readonly userDataDir: string;
  readonly recent: RecentProjects;
  readonly thumbs: ThumbnailCache;
  private jobService: JobService | null = null;
  private offJobProgress: (() => void) | null = null;
  private emit: Emit = () => undefined;
  private ep: EpInfo | null = null;
  private readonly suggester = new BoxSuggester();
  /** Readable for the click bench (bench/sam-click.bench.ts): its decoder timings and decoded-image count. */
  readonly segmenter = new SamSegmenter();
  private readonly readThread = new ReadThread();
  private readonly search = new SearchSession((p) => this.emit('search.progress', p));

  constructor(private readonly opts: SessionOptions) {
    this.userDataDir = opts.userDataDir ?? appUserDataDir();
    this.recent = new RecentProjects(this.userDataDir);
    this.thumbs = new ThumbnailCache(join(this.userDataDir, 'thumbs'));
  }

  /** Events go out through the server that serves this session. */
  bind(server: Pick<RpcServer, 'emit'>): void {
    this.emit = (e, p) => server.emit(e, p);
  }

  requireProject(): ProjectService {
    if (!this.project)
      throw new LwError('NOT_FOUND', 'No project is open', 'Create or open a project first.');
    return this.project;
  }

  async openProject(path: string, create = false): Promise<SessionInfo> {
    // A new project without an extension gets `.lw`; an existing file opens as named.
    const abs = resolve(create && !extname(path) ? `${path}.lw` : path);
    // Checked before SQLite or mkdir see the path: /proc, /sys, /dev, a path below a file,
    // a folder or FIFO get a clear error at once (project-path.ts says why this matters).
    if (create) prepareNewProjectPath(abs);
    else checkExistingProjectPath(abs);
    const next = create ? ProjectService.create(abs) : ProjectService.open(abs);
    await this.closeProject();
    // Another open may have finished while this one waited: one project stays open.
    if (this.project) await this.closeProject();
    this.project = next;
    this.recent.add(abs);
    const info = this.info();
    this.emit('session.changed', info);
    return info;
  }

  async closeProject(): Promise<void> {
    this.search.cancelRunning();
    this.offJobProgress?.();
    this.offJobProgress = null;
    const jobs = this.jobService;
    const project = this.project;
    // Let go of both before waiting for the jobs to stop: a call arriving meanwhile gets
    // "No project is open", not a new job service bound to the project closed below.
    this.jobService = null;
    this.project = null;
    // A jobs.start still loading its models launches its job afterwards: wait for it, so
    // that close() below pauses that job too instead of leaving it running on a closed file.
    await Promise.allSettled([...this.jobCalls]);
    if (jobs) await jobs.close().catch(() => undefined);
    project?.close();
  }

  executionProvider(): EpInfo {
    if (!this.ep) {
      const p = probeExecutionProvider();
      this.ep = { provider: p.provider, reason: p.reason };
    }
    return this.ep;
  }

  info(): SessionInfo {
    return {
      project: this.project ? { path: this.project.path, name: basename(this.project.path).replace(/\.lw$/, '') } : null,
      imageUrl: this.opts.imageUrl,
      thumbnailUrl: this.opts.thumbnailUrl,
      executionProvider: this.executionProvider(),
      recent: this.recent.list(),
      shell: this.opts.shell,
      testApi: this.opts.testApi ?? false,
    };
  }

  /** The file behind an image id of the open project, or null: the only files the image routes serve. */
  imageFile(id: number): { path: string; hash: string } | null {
    return this.project?.imageFile(id) ?? null;
  }

  /** Job-service calls in flight; closing the project waits for them. */
  private readonly jobCalls = new Set<Promise<unknown>>();

  private jobCall<T>(fn: (jobs: JobService) => T | Promise<T>): Promise<T> {
    const call = Promise.resolve().then(() => fn(this.jobs()));
    const done = () => void this.jobCalls.delete(call);
    this.jobCalls.add(call);
    call.then(done, done);
    return call;
  }

  private jobs(): JobService {
    const project = this.requireProject();
    if (!this.opts.jobs)
      throw new LwError('INTERNAL', 'bulk jobs are not available in this build', 'Pre-label from the command line with `labelwright predict`.');
    if (!this.jobService) {
      this.jobService = this.opts.jobs(project);
      this.offJobProgress = this.jobService.onProgress((p) => this.emit('jobs.progress', p));
    }
    return this.jobService;
  }

  handlers(): Handlers {
    const p = () => this.requireProject();
    const changed = (ids: number[]) => this.emit('images.changed', { ids });
    return {
      'session.info': () => this.info(),
      'dialog.pick': async ({ purpose }) => {
        if (!this.opts.pickPath)
          throw new LwError('INVALID_ARGUMENT', 'Native file dialogs exist only in the desktop app', 'Type the path instead.');
        return { path: await this.opts.pickPath(purpose) };
      },
      'project.create': ({ path }) => this.openProject(path, true),
      'project.open': ({ path }) => this.openProject(path, false),
      'project.addFolder': async ({ folder }) => {
        let last = 0;
        const result = await p().addFolder(folder, (pr) => {
          const now = Date.now();
          if (pr.done === pr.total || now - last >= 50) {
            last = now;
            this.emit('project.addProgress', pr);
          }
        });
        changed([]);
        return result;
      },
      'project.stats': () => p().stats(),
      'project.settings': () => p().settings(),
      'project.setSettings': async (patch) => {
        if (patch.suggestPack) await checkSuggestPack(patch.suggestPack);
        if (patch.samPack) await checkSamPack(patch.samPack);
        return p().updateSettings(patch);
      },

      'images.query': (q) => p().queryImages(q),
      'images.get': async ({ id, nav }) => {
        await p().checkImageFile(id);
        return p().imageDetail(id, nav);
      },
      'images.setStatus': ({ id, status, pending }) => {
        const r = p().setReviewStatus(id, status, pending);
        changed([id]);
        return r;
      },
      'images.nextUnreviewed': ({ after, nav }) => ({ id: p().nextUnreviewed(after, nav) }),

      'annotations.apply': ({ imageId, changes }) => {
        const r = p().applyAnnotationChanges(imageId, changes);
        changed([imageId]);
        return r;
      },

      'categories.list': () => p().categoriesWithCounts(),
      'categories.add': (input) => p().addCategory(input),
      'categories.update': ({ id, name, patch }) => p().editCategory(id, name, patch),
      'categories.merge': ({ from, into }) => {
        const r = p().mergeCategories(from, into);
        changed([]);
        return r;
      },
      'categories.remove': ({ id, force }) => ({ annotationsRemoved: p().removeCategory(id, { force }).annotationsRemoved }),

      'models.list': async () => ({ packs: (await listPacks()).map(packInfo), executionProvider: this.executionProvider() }),
      'models.download': async ({ id, acceptLicense }) => {
        let last = 0;
        const pack = await downloadPack(id, {
          acceptLicense,
          onProgress: (pr) => {
            const now = Date.now();
            if (pr.phase !== 'done' && now - last < 100) return;
            last = now;
            this.emit('models.downloadProgress', { id, file: pr.file, bytes: pr.fileDone, total: pr.fileTotal ?? null });
          },
        });
        return packInfo(pack);
      },
      'models.verify': async ({ id }) => {
        const pack = await findPack(id, { allowMissing: true });
        return (await verifyPack(pack)).map((r) => ({ role: r.role, ok: r.ok, ...(r.reason ? { reason: r.reason } : {}) }));
      },
      'models.import': async ({ folder }) => packInfo(await importPack(folder)),
      'models.remove': async ({ id }) => {
        await removePack(id);
        return { removed: true };
      },
      'models.suggest': ({ pack, imageId, box, categoryIds }) => {
        const file = p().imageFile(imageId);
        if (!file) throw new LwError('NOT_FOUND', `No image ${imageId} in this project`);
        return this.suggester.suggest(pack, file.path, box, p().listCategories(), categoryIds);
      },
      'sam.segment': ({ pack, imageId, ...prompt }) => {
        const file = p().imageFile(imageId);
        if (!file) throw new LwError('NOT_FOUND', `No image ${imageId} in this project`);
        // Keyed by the file's content hash: a click on an embedded image does not decode it again.
        return this.segmenter.segment(pack, file.path, prompt, file.hash);
      },
      'sam.prepare': ({ pack, imageId }) => {
        const file = p().imageFile(imageId);
        if (!file) throw new LwError('NOT_FOUND', `No image ${imageId} in this project`);
        return this.segmenter.prepare(pack, file.path, file.hash);
      },

      'search.run': (req) => this.search.run(p(), req),
      'search.cancel': ({ searchId }) => this.search.cancel(searchId),

      'jobs.start': (req) => this.jobCall((j) => j.start(req)),
      'jobs.list': () => this.jobCall((j) => j.list()),
      'jobs.pause': ({ jobId }) => this.jobCall((j) => j.pause(jobId)),
      'jobs.resume': ({ jobId }) => this.jobCall((j) => j.resume(jobId)),
      'jobs.cancel': ({ jobId }) => this.jobCall((j) => j.cancel(jobId)),
      'jobs.retry': ({ jobId }) => this.jobCall((j) => j.retry(jobId)),
      'jobs.items': ({ jobId, state }) => this.jobCall((j) => j.items(jobId, state)),

      'export.preview': (opts) => {
        const preview = p().exportPreview(opts);
        this.readThread.warm(); // the export screen asks for this first: start the thread now
        return preview;
      },
      'export.coco': async ({ path, ...opts }) => {
        const s = await this.readThread.export(p(), path, opts);
        const { images, annotations, categories, reviewedWithPending, reviewedWithPendingNote, bytes } = s;
        return { images, annotations, categories, reviewedWithPending, reviewedWithPendingNote, path: s.path, bytes };
      },

      'report.corrections': () => this.readThread.corrections(p()),
      'report.correctionsByModel': () => this.readThread.correctionsByModel(p()),
      'report.maskSources': () => this.readThread.maskSources(p()),

      'audit.report': ({ limit }) => this.readThread.auditReport(p(), { limit }),
      'audit.image': ({ imageId }) => p().imageAudit(imageId),
      'audit.setThreshold': ({ categoryId, threshold }) => {
        const row = p().setAuditThreshold(categoryId, threshold);
        changed([]); // every image's flags of the category may change
        return row;
      },
    };
  }

  async close(): Promise<void> {
    await this.suggester.close();
    await this.segmenter.close();
    await this.readThread.close();
    await this.search.close();
    await this.closeProject();
  }
}

export function packInfo(pack: InstalledPack): PackInfo {
  const m = pack.manifest;
  const sizes = Object.values(m.files).map((f) => f.bytes);
  return {
    id: m.id,
    kind: m.kind,
    displayName: m.displayName,
    license: m.license,
    licenseNotice: m.licenseNotice ?? null,
    fixture: m.fixture === true,
    installed: pack.missing.length === 0,
    missing: pack.missing,
    sizeBytes: sizes.every((b) => b !== undefined) ? sizes.reduce((a: number, b) => a + (b ?? 0), 0) : null,
    source: pack.source,
  };
}
