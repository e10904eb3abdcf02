// The Grafana dashboard and the Prometheus alert rules in deploy/ parse, Prometheus loads the
// rules, and every metric they query is one the api or the worker registers (a renamed metric
// would otherwise leave an empty panel or an alert that never fires).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { register } from 'prom-client';
import { parse } from 'yaml';
import '../../activities/metrics';
import '../../api/metrics';
import '../../api/routes/feedback';
import '../../bot/semantic/metrics';
import '../../worker/workflowCallWatch';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** Metric names an expression uses (identifiers followed by a selector, a range or a closing parenthesis). */
const metricsIn = (expr: string) =>
  [...expr.matchAll(/\b(cs_[a-z_]+)/g)].map((m) => m[1]!.replace(/_(bucket|count|sum)$/, ''));

describe('deploy/: Grafana dashboard and alert rules', () => {
  const known = new Set(register.getMetricsAsArray().map((m) => (m as unknown as { name: string }).name));

  it('alert rules parse, cover the issue’s alerts, are loaded by Prometheus, and name real metrics', () => {
    const rules = parse(read('deploy/alerts.yml')) as { groups: { rules: { alert: string; expr: string }[] }[] };
    const all = rules.groups.flatMap((g) => g.rules);
    for (const name of ['QueueGrowing', 'SlaBreaches', 'WecomErrors', 'BotUnavailable'])
      assert.ok(
        all.some((r) => r.alert === name),
        `alert ${name}`,
      );
    for (const rule of all)
      for (const metric of metricsIn(rule.expr)) assert.ok(known.has(metric), `${rule.alert}: ${metric} is registered`);
    const prometheus = parse(read('deploy/prometheus.yml')) as { rule_files: string[] };
    assert.deepEqual(prometheus.rule_files, ['/etc/prometheus/alerts.yml']);
    assert.match(read('docker-compose.yml'), /\.\/deploy\/alerts\.yml:\/etc\/prometheus\/alerts\.yml:ro/);
  });

  it('the Grafana dashboard parses and every panel queries registered metrics', () => {
    const dashboard = JSON.parse(read('deploy/grafana/dashboard.json')) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    assert.ok(dashboard.panels.length >= 10);
    for (const panel of dashboard.panels)
      for (const target of panel.targets) {
        const used = metricsIn(target.expr);
        assert.ok(used.length > 0, `${panel.title} queries a metric`);
        for (const metric of used) assert.ok(known.has(metric), `${panel.title}: ${metric} is registered`);
      }
  });
});
