import { expect, type Locator, type Page } from '@playwright/test';

export class ReportPage {
  constructor(private page: Page) {}

  async show(): Promise<void> {
    await this.page.getByTestId('tab-report').click();
    await expect(this.page.getByTestId('report-table')).toBeVisible();
    await expect(this.page.getByTestId('report-chart')).toBeVisible();
  }

  row(name: string): Locator {
    return this.page.locator(`[data-testid="report-row"][data-name="${name}"]`);
  }
}
