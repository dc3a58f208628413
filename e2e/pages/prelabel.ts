import { expect, type Locator, type Page } from '@playwright/test';

export type PrelabelTarget = 'current' | 'selection' | 'unlabeled' | 'all';

export class PrelabelPage {
  constructor(private page: Page) {}

  async show(): Promise<void> {
    await this.page.getByTestId('tab-prelabel').click();
    await expect(this.page.getByTestId('packs-table')).toBeVisible();
  }

  /** Starts a job with exactly these packs and waits until it is done. */
  async run(packs: string[], target: PrelabelTarget, timeout = 120_000): Promise<void> {
    const boxes = this.page.locator('[data-testid^="pack-"]');
    await expect(boxes.first()).toBeVisible();
    for (const el of await boxes.all()) {
      const id = ((await el.getAttribute('data-testid')) ?? '').slice(5);
      if (await el.isEnabled()) await el.setChecked(packs.includes(id));
    }
    await this.page.getByTestId(`target-${target}`).click();
    const before = await this.page.getByTestId('job').count();
    await this.page.getByTestId('start-job').click();
    await expect(this.page.getByTestId('job')).toHaveCount(before + 1);
    await expect(this.page.getByTestId('job').first()).toHaveAttribute(
      'data-state',
      /done|failed|cancelled/,
      { timeout },
    );
  }

  /** The newest job's failed images (name + reason), as listed under it. */
  failedItems(): Locator {
    return this.page.getByTestId('job').first().getByTestId('failed-item');
  }

  /** Clicks "Retry failed" on the newest job. */
  async retryFailed(): Promise<void> {
    await this.page.getByTestId('job').first().getByTestId('retry-failed').click();
  }
}
