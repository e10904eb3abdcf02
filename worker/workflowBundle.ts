// What the worker bundles for its workflow sandbox, and which of it every run shares.
//
// With reuseV8Context the sandbox evaluates the modules a run requires once per run: each cached
// conversation holds its own instance of every module it imports. The pure domain (decisions,
// texts and tables, no state of their own) is instead loaded once when the sandbox starts and
// shared by every run (the SDK's `preloadModules`, which also freezes what they export). Measured
// on the bench's worker (docs/PERFORMANCE.md, run 6). A domain module that imports a package
// (zod in domain/customerProfile.ts) is left out: it is not in the workflows' reach.
import fs from 'node:fs';
import path from 'node:path';

export const workflowsPath = require.resolve('../workflows');

const domainDir = path.join(__dirname, '..', 'domain');

/** A domain module is shared when it imports nothing but other domain modules. */
function isPureDomainModule(file: string): boolean {
  if (file.endsWith('.json')) return true;
  if (!file.endsWith('.ts') || file.endsWith('.d.ts')) return false;
  const source = fs.readFileSync(path.join(domainDir, file), 'utf8');
  const imports = [...source.matchAll(/^import\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]!);
  return imports.every((specifier) => specifier.startsWith('./'));
}

/** Absolute paths of the modules every workflow run shares. */
export const sharedWorkflowModules: string[] = fs
  .readdirSync(domainDir)
  .filter(isPureDomainModule)
  .sort()
  .map((file) => path.join(domainDir, file));

/** The bundler's options, for the worker and for bundles built ahead (tests, replay). */
export const workflowBundleOptions = { workflowsPath, preloadModules: sharedWorkflowModules };
