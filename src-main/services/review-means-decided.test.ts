/**
 * Issue 9, defect 3, at the service: an image becomes `reviewed` only with every
 * prediction decided, and an export of an old project (reviewed images that still hold
 * pending predictions) says what it does with them and does it. Through the API over the
 * in-memory RPC transport.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useServedImage, type ServedImage } from '../testing/served-project';
import { useTmp } from '../testing/tmp';

const serve = useServedImage();
const tmp = useTmp();

/** The image's row in the grid: status and pending count as the browser shows them. */
async function summary(s: ServedImage) {
  const page = await s.srv.client.call('images.query', {});
  return page.items.find((i) => i.id === s.imageId)!;
}

describe('review means decided', () => {
  it('refuses `reviewed` while predictions are pending and no policy is named, changing nothing', async () => {
    const s = await serve([0.9, 0.6]);
    const err = await s.srv.client.call('images.setStatus', { id: s.imageId, status: 'reviewed' }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/still has 2 pending predictions/),
      hint: expect.stringMatching(/'accept'.*'reject'/),
      details: { pending: 2 },
    });
    expect(await summary(s)).toMatchObject({ status: 'prelabeled', pending: 2 });
    expect((await s.rows()).map((a) => a.state)).toEqual(['pending', 'pending']);
  });

  it("with 'accept', accepts every pending prediction and sets the status in one call", async () => {
    const s = await serve([0.9, 0.6]);
    const rejected = s.predict([0.3])[0];
    await s.srv.client.call('annotations.apply', { imageId: s.imageId, changes: [{ op: 'update', id: rejected, patch: { state: 'rejected' } }] });
    const r = await s.srv.client.call('images.setStatus', { id: s.imageId, status: 'reviewed', pending: 'accept' });
    expect(r).toEqual({ status: 'reviewed', accepted: 2, rejected: 0 });
    expect(await summary(s)).toMatchObject({ status: 'reviewed', pending: 0, annotations: 2 });
    const rows = await s.rows();
    // Accepting is a decision, not an edit: the source stays `model`; the earlier rejection stands.
    expect(rows.map((a) => [a.id, a.state, a.source])).toEqual([
      [s.preds[0], 'accepted', 'model'],
      [s.preds[1], 'accepted', 'model'],
      [rejected, 'rejected', 'model'],
    ]);
  });

  it("with 'reject', rejects every pending prediction and keeps the accepted ones", async () => {
    const s = await serve([0.9, 0.6, 0.4]);
    await s.srv.client.call('annotations.apply', { imageId: s.imageId, changes: [{ op: 'update', id: s.preds[0], patch: { state: 'accepted' } }] });
    const r = await s.srv.client.call('images.setStatus', { id: s.imageId, status: 'reviewed', pending: 'reject' });
    expect(r).toEqual({ status: 'reviewed', accepted: 0, rejected: 2 });
    expect(await summary(s)).toMatchObject({ status: 'reviewed', pending: 0, annotations: 1 });
    expect((await s.rows()).map((a) => a.state)).toEqual(['accepted', 'rejected', 'rejected']);
  });

  it('needs no policy without pending predictions, and other statuses need none', async () => {
    const s = await serve([0.9]);
    expect(await s.srv.client.call('images.setStatus', { id: s.imageId, status: 'in_progress' })).toEqual({ status: 'in_progress', accepted: 0, rejected: 0 });
    await s.srv.client.call('annotations.apply', { imageId: s.imageId, changes: [{ op: 'update', id: s.preds[0], patch: { state: 'accepted' } }] });
    expect(await s.srv.client.call('images.setStatus', { id: s.imageId, status: 'reviewed' })).toEqual({ status: 'reviewed', accepted: 0, rejected: 0 });
  });

  it('an edit that brings a pending prediction back (undo of an accept) moves a reviewed image back to in progress', async () => {
    const s = await serve([0.9]);
    await s.srv.client.call('images.setStatus', { id: s.imageId, status: 'reviewed', pending: 'accept' });
    const r = await s.srv.client.call('annotations.apply', {
      imageId: s.imageId,
      changes: [{ op: 'update', id: s.preds[0], patch: { state: 'pending' } }],
    });
    expect(r.status).toBe('in_progress');
    expect(await summary(s)).toMatchObject({ status: 'in_progress', pending: 1 });
  });

  it('an unknown image is NOT_FOUND, with or without a policy', async () => {
    const s = await serve([]);
    await expect(s.srv.client.call('images.setStatus', { id: 999, status: 'reviewed', pending: 'accept' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('an export of an old project with reviewed images that hold pending predictions', () => {
  /**
   * An old project: the image was marked reviewed before review meant decided, with one
   * accepted and two pending annotations (set up in the database directly, as an old
   * version left it). The second image is reviewed and fully decided.
   */
  async function oldProject() {
    const s = await serve([0.9, 0.6, 0.4]);
    await s.srv.client.call('annotations.apply', { imageId: s.imageId, changes: [{ op: 'update', id: s.preds[0], patch: { state: 'accepted' } }] });
    s.srv.project.pdb.db.prepare(`UPDATE images SET status = 'reviewed' WHERE id = ?`).run(s.imageId);
    const other = s.imageId + 1;
    await s.srv.client.call('annotations.apply', { imageId: other, changes: [{ op: 'create', categoryId: s.categoryId, bbox: [1, 2, 3, 4] }] });
    await s.srv.client.call('images.setStatus', { id: other, status: 'reviewed' });
    return s;
  }

  it('the preview counts them and says that a reviewed-only export leaves their pending predictions out; the export does so', async () => {
    const s = await oldProject();
    const preview = await s.srv.client.call('export.preview', { reviewedOnly: true });
    expect(preview).toMatchObject({ images: 2, annotations: 2, reviewedWithPending: 1 });
    expect(preview.reviewedWithPendingNote).toBe(
      '1 image is marked reviewed but still holds 2 pending predictions: this export writes only the accepted annotations of those images and leaves the pending predictions out.',
    );

    const path = join(tmp(), 'reviewed.json');
    const written = await s.srv.client.call('export.coco', { path, reviewedOnly: true });
    expect(written).toMatchObject({ images: 2, annotations: 2, reviewedWithPending: 1, reviewedWithPendingNote: preview.reviewedWithPendingNote });
    const coco = JSON.parse(readFileSync(path, 'utf8'));
    expect(coco.images.map((i: { id: number }) => i.id)).toEqual([s.imageId, s.imageId + 1]);
    // The old image is in the file with its one accepted annotation; its two pending ones are not.
    expect(coco.annotations.filter((a: { image_id: number }) => a.image_id === s.imageId)).toHaveLength(1);
  });

  it('with pending output asked for, the note says they are written, and they are', async () => {
    const s = await oldProject();
    const preview = await s.srv.client.call('export.preview', { reviewedOnly: true, include: 'pending' });
    expect(preview).toMatchObject({ annotations: 4, reviewedWithPending: 1 });
    expect(preview.reviewedWithPendingNote).toMatch(/: this export writes them as annotations, with the accepted ones\.$/);
    const path = join(tmp(), 'pending.json');
    const written = await s.srv.client.call('export.coco', { path, reviewedOnly: true, include: 'pending' });
    expect(written).toMatchObject({ annotations: 4, reviewedWithPending: 1, reviewedWithPendingNote: preview.reviewedWithPendingNote });
    expect(JSON.parse(readFileSync(path, 'utf8')).annotations.filter((a: { image_id: number }) => a.image_id === s.imageId)).toHaveLength(3);
  });

  it('a project without such images reports 0 and no note', async () => {
    const s = await serve([0.9]);
    expect(await s.srv.client.call('export.preview', { reviewedOnly: true })).toMatchObject({ reviewedWithPending: 0, reviewedWithPendingNote: null });
  });
});
