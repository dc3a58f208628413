import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * DESIGN.md: "db/ owns the tables: one module per aggregate holds its SQL, and nothing
 * else writes SQL." This test reads every production file of src-main outside db/ (tests
 * and src-main/testing/ may use SQL to set up and inspect a project) and fails on:
 *
 * - an import of better-sqlite3: only db/ opens connections;
 * - SQL text in a string or template literal: SELECT … FROM, INSERT INTO, UPDATE … SET,
 *   DELETE FROM, CREATE TABLE/INDEX/TRIGGER/VIEW, PRAGMA, BEGIN/COMMIT. Keywords count in
 *   capitals only, as this project writes SQL, so prose in messages ("select an image
 *   from the list") is not flagged;
 * - `.prepare(`, `.exec(` or `.pragma(` called on a database handle (a receiver named
 *   `db`, `pdb`, `…Db` or `….db`) or with a literal as its first argument. Inference code
 *   has `engine.prepare(path)` (image preparation) and regexes have `re.exec(text)`;
 *   neither has a database receiver nor a literal argument, so they are not flagged;
 * - `.pdb` in the surfaces (cli/, app/) and in coco/: they call the service API
 *   (ProjectService) and never reach around it to the open file.
 *
 * Literals and calls are found with the TypeScript parser, so comments never count.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(root, 'src-main');

const SQL = [
  /\bSELECT\b[\s\S]*\bFROM\b/,
  /\bINSERT\s+(OR\s+\w+\s+)?INTO\b/,
  /\bUPDATE\s+\w+\s+SET\b/,
  /\bDELETE\s+FROM\b/,
  /\bCREATE\s+(TEMP\s+)?(TABLE|INDEX|UNIQUE\s+INDEX|TRIGGER|VIEW)\b/,
  /\bPRAGMA\b/,
  /^\s*(BEGIN|COMMIT|ROLLBACK)\b/,
];
const DB_CALLS = new Set(['prepare', 'exec', 'pragma']);
const DB_RECEIVER = /(^|\.)(db|pdb)$|Db$/;
const NO_PDB = ['cli', 'app', 'coco'];

export interface Finding {
  file: string;
  line: number;
  what: string;
}

function isExcluded(rel: string): boolean {
  const parts = rel.split('/');
  return rel.endsWith('.test.ts') || rel.endsWith('.d.ts') || parts[0] === 'db' || parts[0] === 'testing';
}

function productionFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...productionFiles(p));
    else if (p.endsWith('.ts') && !isExcluded(relative(SRC, p).split(sep).join('/'))) out.push(p);
  }
  return out;
}

function literalText(node: ts.Node): string | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  // A template with substitutions: its fixed parts joined, so `SELECT ${cols} FROM t` still reads as SQL.
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' x ');
  return null;
}

/** What breaks the rule in one file (`rel` is its path under src-main/, with forward slashes). */
export function scanSource(rel: string, code: string): Finding[] {
  const sf = ts.createSourceFile(rel, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: Finding[] = [];
  const add = (node: ts.Node, what: string) =>
    found.push({ file: rel, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, what });
  const surface = NO_PDB.includes(rel.split('/')[0]);

  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (node.moduleSpecifier.text === 'better-sqlite3') add(node, 'imports better-sqlite3');
      return; // a module path is not SQL
    }
    const text = literalText(node);
    if (text !== null) {
      const hit = SQL.find((re) => re.test(text));
      if (hit) add(node, `SQL in a literal: ${text.replace(/\s+/g, ' ').slice(0, 60)}`);
    }
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && DB_CALLS.has(node.expression.name.text)) {
      const receiver = node.expression.expression.getText(sf);
      const first = node.arguments[0];
      if (DB_RECEIVER.test(receiver) || (first && literalText(first) !== null))
        add(node, `${receiver}.${node.expression.name.text}(…) on a database handle`);
    }
    if (surface && ts.isPropertyAccessExpression(node) && node.name.text === 'pdb') add(node, `reaches around the service API: ${node.getText(sf)}`);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

describe('SQL lives in db/ only', () => {
  it('finds no SQL, database calls or reach-arounds in production code outside src-main/db/', () => {
    const findings = productionFiles(SRC).flatMap((f) => scanSource(relative(SRC, f).split(sep).join('/'), readFileSync(f, 'utf8')));
    expect(findings.map((f) => `src-main/${f.file}:${f.line}: ${f.what}`)).toEqual([]);
  });

  it('flags what it is meant to flag', () => {
    const whats = (rel: string, code: string) => scanSource(rel, code).map((f) => f.what);
    expect(whats('services/x.ts', 'const q = `SELECT id FROM images WHERE id = ?`;')).toHaveLength(1);
    expect(whats('services/x.ts', "const q = 'INSERT INTO runs (kind) VALUES (?)';")).toHaveLength(1);
    expect(whats('jobs/x.ts', 'const q = `UPDATE job_items SET state = ${s}`;')).toHaveLength(1);
    expect(whats('jobs/x.ts', "const q = 'DELETE FROM annotations';")).toHaveLength(1);
    expect(whats('coco/x.ts', "reader.exec('BEGIN');")).toHaveLength(2); // the literal and the call
    expect(whats('jobs/x.ts', 'pdb.db.prepare(sql).run(1);')).toEqual(['pdb.db.prepare(…) on a database handle']);
    expect(whats('app/x.ts', 'this.project.pdb.db.prepare(`SELECT path FROM images WHERE id = ?`).get(id);')).toHaveLength(3);
    expect(whats('cli/x.ts', 'new LocalJobService(svc.pdb);')).toEqual(['reaches around the service API: svc.pdb']);
    expect(whats('coco/x.ts', "import Database from 'better-sqlite3';")).toEqual(['imports better-sqlite3']);
  });

  it('leaves image preparation, regexes, prose and comments alone', () => {
    const whats = (rel: string, code: string) => scanSource(rel, code).map((f) => f.what);
    expect(whats('inference/x.ts', 'const h = await engine.prepare(path); await this.adapter.prepare(src);')).toEqual([]);
    expect(whats('inference/x.ts', "const m = /^bytes (\\d+)$/.exec(v ?? '');")).toEqual([]);
    expect(whats('cli/x.ts', "throw new Error('select an image from the list, then update the set');")).toEqual([]);
    expect(whats('services/x.ts', '// SELECT id FROM images\n/* INSERT INTO runs */\nexport const a = 1;')).toEqual([]);
    expect(whats('jobs/x.ts', 'const x = this.pdb; run(pdb);')).toEqual([]);
  });
});
