import { expect, type Locator, type Page } from '@playwright/test';

export class ImagesPage {
  constructor(private page: Page) {}

  get cells(): Locator {
    return this.page.getByTestId('grid-cell');
  }

  async show(): Promise<void> {
    await this.page.getByTestId('tab-browser').click();
    await expect(this.page.getByTestId('image-grid')).toBeVisible();
  }

  async total(): Promise<number> {
    const t = (await this.page.getByTestId('image-total').textContent()) ?? '';
    return Number(/(\d+)/.exec(t)?.[1] ?? NaN);
  }

  cell(name: string): Locator {
    return this.page.locator(`[data-testid="grid-cell"][data-name="${name}"]`);
  }

  /** The grid's mark on an image whose file is missing, unreadable or changed. */
  fileMark(name: string): Locator {
    return this.cell(name).getByTestId('file-mark');
  }

  /** Toggles a review-status filter chip. */
  async toggleStatus(status: 'unlabeled' | 'prelabeled' | 'in_progress' | 'reviewed'): Promise<void> {
    await this.page.getByTestId(`filter-${status}`).click();
  }

  async names(): Promise<(string | null)[]> {
    return this.cells.evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));
  }

  async open(name: string): Promise<void> {
    await this.cell(name).click();
    await expect(this.page.getByTestId('image-name')).toHaveText(name);
  }
}
