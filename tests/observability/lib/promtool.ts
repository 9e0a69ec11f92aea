import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { repoRoot, type CommandResult } from '../../k8s/lib/render';

export interface RuleGroup {
  name: string;
  rules: { alert?: string; record?: string; expr: string; [k: string]: unknown }[];
}

/** A promtool unit-test file (rule_files, tests: groups of input series and alert_rule_test cases). */
export interface PromtoolTests {
  rule_files: string[];
  tests: {
    name: string;
    alert_rule_test?: { eval_time: string; alertname: string; exp_alerts?: { exp_labels?: Record<string, string>; exp_annotations?: Record<string, string> }[] }[];
  }[];
}

/** promtool from Debian's prometheus package, unpacked once into the cluster test's cache (scripts/observe/promtool.sh). */
export const promtoolBin = (): string => execFileSync('bash', [join(repoRoot, 'scripts/observe/promtool.sh')], { encoding: 'utf8' }).trim();

export const readTests = (file: string): PromtoolTests => parse(readFileSync(file, 'utf8')) as PromtoolTests;

/**
 * Runs `promtool check rules` and `promtool test rules` in a scratch folder: the groups become
 * the rules file the tests name, the tests file is copied beside it.
 */
export function runPromtool(promtool: string, groups: RuleGroup[], testsFile: string): { check: CommandResult; test: CommandResult } {
  const dir = mkdtempSync(join(tmpdir(), 'promtool-'));
  try {
    const [rulesFile] = readTests(testsFile).rule_files;
    writeFileSync(join(dir, rulesFile), stringify({ groups }));
    copyFileSync(testsFile, join(dir, basename(testsFile)));
    const exec = (args: string[]): CommandResult => {
      const r = spawnSync(promtool, args, { cwd: dir, encoding: 'utf8' });
      if (r.error) throw r.error;
      return { status: r.status ?? 1, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
    };
    return { check: exec(['check', 'rules', rulesFile]), test: exec(['test', 'rules', basename(testsFile)]) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface AlertCase {
  group: string;
  alert: string;
  fires: boolean;
}

export const alertCases = (tests: PromtoolTests): AlertCase[] =>
  tests.tests.flatMap((g) => (g.alert_rule_test ?? []).map((c) => ({ group: g.name, alert: c.alertname, fires: (c.exp_alerts ?? []).length > 0 })));

/**
 * What the unit tests miss: an alert without a group where it fires (with its labels and
 * annotations spelled out), or without a group of its own where it stays silent (a check before
 * `for:` has passed, in the group that fires, is no healthy series), and cases for unknown alerts.
 */
export function coverageProblems(groups: RuleGroup[], tests: PromtoolTests): string[] {
  const alerts = groups.flatMap((g) => g.rules.flatMap((r) => (r.alert ? [r.alert] : [])));
  const cases = alertCases(tests);
  const problems: string[] = [];
  for (const alert of alerts) {
    const firing = new Set(cases.filter((c) => c.alert === alert && c.fires).map((c) => c.group));
    const silent = cases.filter((c) => c.alert === alert && !c.fires && !firing.has(c.group));
    if (firing.size === 0) problems.push(`${alert} has no case where it fires`);
    if (silent.length === 0) problems.push(`${alert} has no healthy group where it stays silent`);
  }
  for (const g of tests.tests) {
    for (const c of g.alert_rule_test ?? []) {
      for (const e of c.exp_alerts ?? []) {
        if (!e.exp_labels?.severity || !e.exp_annotations?.summary) problems.push(`${g.name}: ${c.alertname} is expected without its severity or summary`);
      }
    }
  }
  for (const alert of new Set(cases.map((c) => c.alert))) if (!alerts.includes(alert)) problems.push(`tests name ${alert}, which no rule defines`);
  return problems;
}

/** The (group, alert) pairs promtool reports as failed. */
export function failedCases(output: string): { group: string; alert: string }[] {
  return [...output.matchAll(/^\s*name: (.*),\n\s*alertname: (\S+), time:/gm)].map(([, group, alert]) => ({ group, alert }));
}
