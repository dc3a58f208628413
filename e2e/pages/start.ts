import { expect, type Page } from '@playwright/test';

export class StartPage {
  constructor(private page: Page) {}

  async createProject(path: string): Promise<void> {
    await this.page.getByTestId('project-path').fill(path);
    await this.page.getByTestId('create-project').click();
    await expect(this.page.getByTestId('folder-path')).toBeVisible();
  }

  async openProject(path: string): Promise<void> {
    await this.page.getByTestId('project-path').fill(path);
    await this.page.getByTestId('open-project').click();
    await expect(this.page.getByTestId('folder-path')).toBeVisible();
  }

  /** Adds a folder and waits for the result line; returns the number added. */
  async addFolder(folder: string): Promise<number> {
    await this.page.getByTestId('folder-path').fill(folder);
    await this.page.getByTestId('add-folder').click();
    const result = this.page.getByTestId('add-result');
    await expect(result).toBeVisible({ timeout: 60_000 });
    return Number(/Added (\d+)/.exec((await result.textContent()) ?? '')?.[1] ?? NaN);
  }
}
