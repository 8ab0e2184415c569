#!/usr/bin/env node
/**
 * Fails when the TypeScript modules of engine/, server/, cli/ and bench/ import each other in a
 * circle. Only imports that run count: `import type`, `export type` and imports whose every name
 * is a type are left out (they vanish when compiled), and so are dynamic `import()` calls (they
 * run after loading). Relative specifiers only (`./x.ts`, `../y/index.ts`, `./z.js` for z.ts).
 * Reads the files with the TypeScript compiler's parser (no type checking, about a second).
 *
 * @example
 * node scripts/check-cycles.mjs            # exit 0, "no import cycles among 312 modules"
 * node scripts/check-cycles.mjs engine cli # only these folders
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const FOLDERS = process.argv.slice(2).length ? process.argv.slice(2) : ['engine', 'server', 'cli', 'bench'];

/** Every .ts file below `dir` (declaration files and node_modules left out). */
function tsFiles(dir) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...tsFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** The file a relative specifier names, or null when it is a package or not a TypeScript file here. */
function resolveSpecifier(from, specifier) {
  if (!specifier.startsWith('.')) return null;
  const base = resolve(dirname(from), specifier);
  const candidates = [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')];
  return candidates.find((c) => c.endsWith('.ts') && existsSync(c) && statSync(c).isFile()) ?? null;
}

/** Whether an import or export declaration only brings types. */
function typeOnly(node) {
  if (ts.isImportDeclaration(node)) {
    const clause = node.importClause;
    if (!clause) return false; // `import './x.ts'` runs x
    if (clause.isTypeOnly) return true;
    if (clause.name) return false;
    const bindings = clause.namedBindings;
    if (!bindings) return false;
    if (ts.isNamespaceImport(bindings)) return false;
    return bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
  }
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  return (
    !!clause &&
    ts.isNamedExports(clause) &&
    clause.elements.length > 0 &&
    clause.elements.every((e) => e.isTypeOnly)
  );
}

/** The files `file` imports at load time. */
function importsOf(file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, false);
  const out = new Set();
  for (const node of source.statements) {
    if (!(ts.isImportDeclaration(node) || ts.isExportDeclaration(node))) continue;
    if (!node.moduleSpecifier || !ts.isStringLiteral(node.moduleSpecifier) || typeOnly(node)) continue;
    const target = resolveSpecifier(file, node.moduleSpecifier.text);
    if (target) out.add(target);
  }
  return out;
}

/** Strongly connected components of more than one module, or of one that imports itself (Tarjan). */
function cycles(graph) {
  let counter = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  function visit(v) {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) === index.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v).has(v)) found.push(component);
    }
  }
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** One circle through a component, as a path that ends where it starts. */
function circleIn(component, graph) {
  const members = new Set(component);
  const start = [...component].sort()[0];
  const previous = new Map([[start, null]]);
  const queue = [start];
  while (queue.length) {
    const v = queue.shift();
    for (const w of graph.get(v)) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let x = v; x !== start; x = previous.get(x)) path.splice(1, 0, x);
        return [...path, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

const files = FOLDERS.flatMap((f) => tsFiles(join(ROOT, f)));
const graph = new Map(files.map((f) => [f, importsOf(f)]));
const found = cycles(graph);
const rel = (f) => relative(ROOT, f);
if (found.length === 0) {
  console.log(`no import cycles among ${files.length} modules (${FOLDERS.join(', ')})`);
} else {
  console.error(`${found.length} import cycle${found.length > 1 ? 's' : ''}:`);
  for (const component of found) {
    console.error(`  ${circleIn(component, graph).map(rel).join(' → ')}`);
    if (component.length > 2)
      console.error(`    (${component.length} modules: ${component.map(rel).sort().join(', ')})`);
  }
  process.exitCode = 1;
}
