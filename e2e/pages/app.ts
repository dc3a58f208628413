import { type Page, type TestInfo } from '@playwright/test';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LabelwrightTestApi } from '../../src-renderer/src/test-api';
import { REPO } from '../support/host';
import { StartPage } from './start';
import { ImagesPage } from './images';
import { CategoriesPage } from './categories';
import { PrelabelPage } from './prelabel';
import { EditorPage } from './editor';
import { ExportPage } from './export';
import { ReportPage } from './report';

declare global {
  interface Window {
    __labelwright?: LabelwrightTestApi;
  }
}

/** Page objects shared by the browser and Electron projects. */
export class LabelwrightApp {
  readonly start: StartPage;
  readonly images: ImagesPage;
  readonly categories: CategoriesPage;
  readonly prelabel: PrelabelPage;
  readonly editor: EditorPage;
  readonly export: ExportPage;
  readonly report: ReportPage;

  constructor(
    readonly page: Page,
    readonly dir: string,
    private testInfo: TestInfo,
  ) {
    this.start = new StartPage(page);
    this.images = new ImagesPage(page);
    this.categories = new CategoriesPage(page);
    this.prelabel = new PrelabelPage(page);
    this.editor = new EditorPage(page);
    this.export = new ExportPage(page);
    this.report = new ReportPage(page);
  }

  async tab(
    name: 'browser' | 'editor' | 'categories' | 'prelabel' | 'models' | 'export' | 'report',
  ): Promise<void> {
    await this.page.getByTestId(`tab-${name}`).click();
  }

  async waitForTestApi(): Promise<void> {
    await this.page.waitForFunction(() => !!window.__labelwright);
  }

  async waitForIdle(): Promise<void> {
    await this.page.evaluate(() => window.__labelwright!.waitForIdle());
  }

  /**
   * Saves a screenshot into test-results (the artifact). With `docs` set and
   * LABELWRIGHT_UPDATE_SCREENSHOTS=1 it also refreshes docs/screenshots/ for the README;
   * a plain test run never modifies tracked files.
   */
  async screenshot(name: string, docs = false): Promise<void> {
    const file = this.testInfo.outputPath(`${name}.png`);
    await this.page.screenshot({ path: file });
    await this.testInfo.attach(name, { path: file, contentType: 'image/png' });
    if (docs && this.testInfo.project.name === 'browser' && process.env.LABELWRIGHT_UPDATE_SCREENSHOTS === '1') {
      const dir = join(REPO, 'docs', 'screenshots');
      mkdirSync(dir, { recursive: true });
      copyFileSync(file, join(dir, `${name}.png`));
    }
  }
}
