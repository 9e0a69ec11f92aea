import { join } from 'node:path';
import { byKind, renderedDocs } from '../k8s/lib/render';
import { alertCases, coverageProblems, failedCases, promtoolBin, readTests, runPromtool, type RuleGroup } from './lib/promtool';

// helm comes from `bash scripts/k8s/tools.sh` (npm test runs it before Jest); promtool is unpacked
// on first use from Debian's prometheus package (scripts/observe/promtool.sh, a few seconds once).

const TESTS_FILE = join(__dirname, 'alerts/alerts.promtool.yaml');

describe('the chart alert rules under promtool', () => {
  let promtool: string;
  let groups: RuleGroup[];
  const tests = readTests(TESTS_FILE);
  const withExpr = (expr: string): RuleGroup[] => groups.map((g) => ({ ...g, rules: g.rules.map((r) => (r.alert ? { ...r, expr } : r)) }));

  beforeAll(() => {
    promtool = promtoolBin();
    const rules = byKind(renderedDocs('default'), 'PrometheusRule');
    expect(rules).toHaveLength(1);
    groups = rules[0].spec.groups;
  });

  it('when the rendered rules are checked and unit-tested, then promtool accepts every rule and passes every case', () => {
    const { check, test } = runPromtool(promtool, groups, TESTS_FILE);

    const count = groups.reduce((n, g) => n + g.rules.length, 0);
    expect(check.output).toContain(`SUCCESS: ${count} rules found`);
    expect(check.status).toBe(0);
    expect(test.output).toContain('SUCCESS');
    expect(test.status).toBe(0);
  });

  it('when the unit tests are compared with the rules, then every alert fires in one group and stays silent in a healthy one', () => {
    expect(coverageProblems(groups, tests)).toEqual([]);
  });

  it('when an alert has no cases, or a case names no alert, then the comparison says so', () => {
    const extra: RuleGroup = { name: 'extra', rules: [{ alert: 'OrderPlatformSomethingNew', expr: 'vector(1)' }] };
    const typo = { ...tests, tests: [...tests.tests, { name: 'typo', alert_rule_test: [{ eval_time: '1m', alertname: 'OrderPlatformQueueBaklogGrowing', exp_alerts: [] }] }] };

    expect(coverageProblems([...groups, extra], typo)).toEqual([
      'OrderPlatformSomethingNew has no case where it fires',
      'OrderPlatformSomethingNew has no healthy group where it stays silent',
      'tests name OrderPlatformQueueBaklogGrowing, which no rule defines',
    ]);
  });

  it('when no alert can ever fire, then exactly the firing cases fail', () => {
    const { test } = runPromtool(promtool, withExpr('vector(0) > 1'), TESTS_FILE);

    const firing = alertCases(tests).filter((c) => c.fires).map(({ group, alert }) => ({ group, alert }));
    expect(test.status).not.toBe(0);
    expect(failedCases(test.output)).toEqual(firing);
  });

  it('when every alert always fires, then every healthy case fails', () => {
    const { test } = runPromtool(promtool, withExpr('vector(1)'), TESTS_FILE);

    const firingGroups = new Set(alertCases(tests).filter((c) => c.fires).map((c) => c.group));
    const healthy = alertCases(tests).filter((c) => !firingGroups.has(c.group)).map(({ group, alert }) => ({ group, alert }));
    expect(test.status).not.toBe(0);
    expect(failedCases(test.output)).toEqual(expect.arrayContaining(healthy));
  });
});
