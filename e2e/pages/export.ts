import { expect, type Page } from '@playwright/test';

export class ExportPage {
  constructor(private page: Page) {}

  async show(): Promise<void> {
    await this.page.getByTestId('tab-export').click();
    await expect(this.page.getByTestId('export-preview')).toBeVisible();
  }

  /** The preview counts shown before writing. */
  async preview(): Promise<{ images: number; annotations: number }> {
    const el = this.page.getByTestId('export-preview');
    await expect(el).toContainText('annotations');
    const t = (await el.textContent()) ?? '';
    return {
      images: Number(/(\d+)\s*images/.exec(t)?.[1]),
      annotations: Number(/(\d+)\s*annotations/.exec(t)?.[1]),
    };
  }

  async write(path: string): Promise<void> {
    await this.page.getByTestId('export-path').fill(path);
    await this.page.getByTestId('export-write').click();
    await expect(this.page.getByTestId('export-result')).toBeVisible({ timeout: 60_000 });
  }
}
