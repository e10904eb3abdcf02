// What every run of a workflow instantiates for itself (worker/workflowBundle.ts, workflows/traces.ts):
// the current workflows' modules and the domain are loaded once and shared by every run; the
// workflows are compiled for ES2022, so no module carries its own copy of the object-spread and
// class-field helpers; OpenTelemetry's API is not among the modules of a worker that does not trace.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowBundleOptions, workflowWebpackConfig } from '../../worker/workflowBundle';
import { currentTrace, inTrace } from '../../workflows/traces';

const quiet = { info() {}, warn() {}, error() {}, debug() {}, trace() {}, log() {} };

/** The code of the bundle's modules that are ours (not node_modules), by module path. */
function ownModules(code: string): Map<string, string> {
  const modules = new Map<string, string>();
  const parts = code.split(/^\/\*\*\*\/ "([^"]+)"$/m);
  for (let i = 1; i < parts.length; i += 2) {
    if (!parts[i]!.includes('node_modules')) modules.set(parts[i]!, parts[i + 1]!);
  }
  return modules;
}

describe('the workflow bundle', () => {
  it('compiles the workflows for ES2022: no module carries spread or class-field helpers', async () => {
    const { code } = await bundleWorkflowCode({ ...workflowBundleOptions, logger: quiet as never });
    const own = ownModules(code);
    assert.ok(
      [...own.keys()].some((name) => name.includes('workflows/conversation')),
      'the conversation is bundled',
    );
    const withHelpers = [...own].filter(([, body]) => /function _(object_spread|define_property)\(/.test(body));
    assert.deepEqual(
      withHelpers.map(([name]) => name),
      [],
    );
    assert.ok(
      ![...code.matchAll(/^\/\*\*\*\/ "([^"]+)"$/gm)].some(([, name]) => name!.includes('@opentelemetry/api')),
      'OpenTelemetry is bundled only with the tracing interceptors',
    );
  });

  it('loads the current workflows and the domain once, for every run to share; the first versions per run', async () => {
    const { code } = await bundleWorkflowCode({ ...workflowBundleOptions, logger: quiet as never });
    const preload = /preloadModules = function preloadModules\(\) \{([^}]*)\}/.exec(code);
    assert.ok(preload, 'the bundle has the preload function');
    const shared = new Set([...preload[1]!.matchAll(/__webpack_require__\([^)]*"([^"]+)"\)/g)].map((m) => m[1]!));
    for (const module of [
      './workflows/conversation/index.ts',
      './workflows/dispatcher.ts',
      './workflows/kfInbox.ts',
      './workflows/slotReaper.ts',
      './domain/lifecycle.ts',
    ])
      assert.ok(shared.has(module), `${module} is shared`);
    assert.deepEqual(
      [...shared].filter((module) => module.includes('legacy') || module === './workflows/index.ts'),
      [],
    );
  });

  it('fails loudly when the SDK stops compiling TypeScript with swc-loader', () => {
    assert.throws(() => workflowWebpackConfig({ module: { rules: [] } }), /swc-loader/);
    const config = workflowWebpackConfig({
      module: {
        rules: [{ test: /\.ts$/, use: { loader: '/x/swc-loader/index.js', options: { jsc: { target: 'es2017' } } } }],
      },
    });
    const rule = config.module!.rules![0] as { use: { options: { jsc: { target: string } } } };
    assert.equal(rule.use.options.jsc.target, 'es2022');
  });
});

describe('workflow traces', () => {
  const key = Symbol.for('opentelemetry.js.api.1');
  const registry = globalThis as Record<symbol, unknown>;

  it('without tracing there is no trace and work runs as it is', async () => {
    const before = registry[key];
    delete registry[key];
    try {
      assert.equal(currentTrace(), undefined);
      assert.equal(await inTrace(undefined, async () => 'ran'), 'ran');
    } finally {
      if (before !== undefined) registry[key] = before;
    }
  });

  it('with tracing, work runs in the trace noted by the handler', async () => {
    const before = registry[key];
    let active: unknown = 'root';
    registry[key] = {
      context: {
        active: () => active,
        with: <T>(trace: unknown, fn: () => T) => {
          const outer = active;
          active = trace;
          try {
            return fn();
          } finally {
            active = outer;
          }
        },
      },
    };
    try {
      assert.equal(currentTrace(), 'root');
      const seen = await inTrace('message trace' as never, async () => currentTrace());
      assert.equal(seen, 'message trace');
    } finally {
      if (before === undefined) delete registry[key];
      else registry[key] = before;
    }
  });
});
