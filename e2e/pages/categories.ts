import { expect, type Page } from '@playwright/test';

export class CategoriesPage {
  constructor(private page: Page) {}

  async show(): Promise<void> {
    await this.page.getByTestId('tab-categories').click();
    await expect(this.page.getByTestId('categories-table')).toBeVisible();
  }

  async add(name: string, prompt?: string): Promise<void> {
    await this.page.getByTestId('category-name').fill(name);
    if (prompt) await this.page.getByTestId('category-prompt').fill(prompt);
    await this.page.getByTestId('add-category').click();
    await expect(this.page.locator(`[data-testid="category-row"][data-name="${name}"]`)).toBeVisible();
  }

  async setColor(name: string, hex: string): Promise<void> {
    const input = this.page
      .locator(`[data-testid="category-row"][data-name="${name}"]`)
      .getByLabel(`Colour of ${name}`);
    await input.fill(hex);
    await expect(
      this.page.locator(`[data-testid="category-row"][data-name="${name}"]`).getByLabel(`Colour of ${name}`),
    ).toHaveValue(hex);
  }
}
