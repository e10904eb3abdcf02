// Lint rules. The workflow sandbox forbids Node built-ins and I/O, so workflows/ and domain/
// (which workflows import) may not reach for them.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeOnly = [
  'fs',
  'fs/promises',
  'path',
  'os',
  'http',
  'https',
  'net',
  'child_process',
  'crypto',
  'dns',
  'tls',
  'worker_threads',
  'cluster',
  'zlib',
  'stream',
  'express',
  'mongoose',
  'openai',
  'pino',
  'prom-client',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  // Workflows use @opentelemetry/api only; the process sets up and exports (tracing/).
  '@opentelemetry/context-async-hooks',
  '@opentelemetry/exporter-trace-otlp-http',
].flatMap((name) => [name, `node:${name}`]);

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      '.tools/**',
      '.data/**',
      'coverage/**',
      'web/**/*.js',
      'wecom/sandbox/chat/**',
    ],
  },
  js.configs.recommended,
  {
    files: ['**/*.mjs'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', setInterval: 'readonly', clearInterval: 'readonly' },
    },
  },
  ...tseslint.configs.recommended,
  {
    // CommonJS preloads (`node --require`), such as worker/workflowThreads.cjs.
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', process: 'readonly', globalThis: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeOnly.map((name) => ({
            name,
            message: 'Workflows and domain/ must stay deterministic: no Node-only modules or I/O.',
          })),
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='Date'][property.name='now']",
          message: 'Use workflow time (passed in), not Date.now().',
        },
        {
          selector: "MemberExpression[object.name='Math'][property.name='random']",
          message: 'Randomness breaks replay.',
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Use workflow time (passed in), not new Date().',
        },
        // Every run shares these modules (worker/workflowBundle.ts): state kept at module level
        // would leak from one conversation into another.
        ...[
          "Program > VariableDeclaration[kind!='const']",
          "Program > ExportNamedDeclaration > VariableDeclaration[kind!='const']",
          // An empty container at module level is state to come (a table built from data is fine).
          'Program > VariableDeclaration > VariableDeclarator > NewExpression[arguments.length=0]',
          'Program > ExportNamedDeclaration > VariableDeclaration > VariableDeclarator > NewExpression[arguments.length=0]',
        ].map((selector) => ({
          selector,
          message: 'Workflow and domain modules are shared by every run: no state at module level.',
        })),
      ],
    },
  },
);
