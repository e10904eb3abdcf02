// What the worker bundles for its workflow sandbox, and which of it every run shares.
//
// With reuseV8Context the sandbox evaluates the modules a run requires once per run: each cached
// conversation would hold its own instance of every module it imports (about 60 KB of module
// records, export getters and closure scopes for the 34 modules of a conversation's run). The
// modules that keep no state of their own are instead loaded once when the sandbox starts and
// shared by every run (the SDK's `preloadModules`, which also freezes what they export): the pure
// domain (decisions, texts and tables; docs/PERFORMANCE.md, run 6) and the current workflows with
// everything they import, the SDK's workflow API included (run 10). A run's state lives in the
// objects its workflow function creates; the lint forbids state at module level in workflows/ and
// domain/ (eslint.config.mjs). A domain module that imports a package (zod in
// domain/customerProfile.ts) is left out: it is not in the workflows' reach. The first versions
// (workflows/legacy) stay per run, as they were written.
//
// The language level the workflows are compiled to: the SDK compiles them for ES2017, which turns
// every object spread, rest and class field into helper functions that each module carries a copy
// of, instantiated again for every run. Node runs ES2022 as it is (docs/PERFORMANCE.md, run 8).
// (Concatenating the workflows' modules into one, webpack's scope hoisting, was measured too and
// saved nothing.)
import fs from 'node:fs';
import path from 'node:path';
import type { BundleOptions } from '@temporalio/worker';

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

const workflowsDir = path.join(__dirname, '..', 'workflows');

/** The current workflows, with everything they import (the legacy versions stay per run). */
const currentWorkflows = ['conversation/index.ts', 'dispatcher.ts', 'kfInbox.ts', 'slotReaper.ts'];

/** Absolute paths of the modules every workflow run shares. */
export const sharedWorkflowModules: string[] = [
  ...fs
    .readdirSync(domainDir)
    .filter(isPureDomainModule)
    .sort()
    .map((file) => path.join(domainDir, file)),
  ...currentWorkflows.map((file) => path.join(workflowsDir, file)),
];

const WORKFLOW_LANGUAGE_LEVEL = 'es2022';

type WebpackConfiguration = Parameters<NonNullable<BundleOptions['webpackConfigHook']>>[0];

/** The SDK's webpack configuration, with its TypeScript rule (swc-loader) compiling for WORKFLOW_LANGUAGE_LEVEL. */
export function workflowWebpackConfig(config: WebpackConfiguration): WebpackConfiguration {
  let found = false;
  for (const rule of config.module?.rules ?? []) {
    const use = rule && typeof rule === 'object' ? rule.use : undefined;
    if (!use || typeof use !== 'object' || Array.isArray(use) || !String(use.loader).includes('swc-loader')) continue;
    const options = use.options as { jsc?: { target?: string } } | undefined;
    if (options?.jsc) {
      options.jsc.target = WORKFLOW_LANGUAGE_LEVEL;
      found = true;
    }
  }
  if (!found)
    throw new Error(
      'workflow bundle: the SDK no longer compiles TypeScript with swc-loader; see worker/workflowBundle.ts',
    );
  return config;
}

/** The bundler's options, for the worker and for bundles built ahead (tests, replay). */
export const workflowBundlerOptions = {
  preloadModules: sharedWorkflowModules,
  webpackConfigHook: workflowWebpackConfig,
};
export const workflowBundleOptions = { workflowsPath, ...workflowBundlerOptions };
