/**
 * `make test`: typecheck, build dist/, then every test. When a Docker engine answers and no images were chosen,
 * the offline stand-in images are built (or reused) and selected, so end-to-end tests never pull.
 * With CI set, an engine that does not answer is a failure, not a reason to skip.
 *
 *   npx tsx scripts/test.ts [vitest arguments...]
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { $ } from 'zx';
import { offlineImages } from './offline-images.ts';

const offline = { POSTGRES_IMAGE: offlineImages.postgres, NODE_IMAGE: offlineImages.node };

async function main(args: readonly string[]): Promise<number> {
  const run = $({ stdio: 'inherit', nothrow: true, verbose: false });
  for (const project of ['tsconfig.json', 'deployment/api/tsconfig.json']) {
    const typecheck = await run`npx tsc --noEmit -p ${project}`;
    if (typecheck.exitCode !== 0) return typecheck.exitCode ?? 1;
  }

  // The integration and end-to-end tests run the CLI from dist/, as users do.
  const built = await run`npx tsx scripts/build.ts`;
  if (built.exitCode !== 0) return built.exitCode ?? 1;

  const env: NodeJS.ProcessEnv = { ...process.env };
  const engine = await $({ quiet: true, nothrow: true })`docker info --format {{.ServerVersion}}`;
  if (engine.exitCode === 0) {
    if (!env.POSTGRES_IMAGE && !env.NODE_IMAGE) {
      const built = await run`npx tsx scripts/offline-images.ts`;
      if (built.exitCode !== 0) return built.exitCode ?? 1;
      Object.assign(env, offline);
    }
    console.log(`Docker engine ${engine.stdout.trim()}; images ${env.POSTGRES_IMAGE} and ${env.NODE_IMAGE}.`);
  } else if (env.CI) {
    console.error('CI is set but the Docker engine does not answer (`docker info` failed): end-to-end tests cannot run. Start dockerd first.');
    return 1;
  } else {
    console.warn('No Docker engine answers: end-to-end tests will be skipped. Start dockerd (see README, "Tests") to run them.');
  }
  const results = path.join(await mkdtemp(path.join(tmpdir(), 'dbops-test-')), 'results.json');
  const tests = await $({
    stdio: 'inherit',
    nothrow: true,
    verbose: false,
    env,
  })`npx vitest run --reporter=default --reporter=json --outputFile.json=${results} ${args}`;
  const summary = await readSummary(results);
  if (!summary) return tests.exitCode || 1;
  // The plain closing line CI reads, whatever the runner.
  console.log(`\n${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
  if (env.CI && summary.skipped > 0) {
    console.error(`CI runs every test: ${summary.skipped} were skipped:\n${summary.skippedNames.map((name) => `  ${name}`).join('\n')}`);
    return 1;
  }
  return tests.exitCode ?? 1;
}

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: { name: string; status: string; assertionResults: { fullName: string; status: string }[] }[];
}

async function readSummary(file: string) {
  const json = JSON.parse(await readFile(file, 'utf8').catch(() => 'null')) as VitestJson | null;
  if (!json) return undefined;
  // A file whose suite was skipped as a whole registers no tests at all: count it as one skip.
  // A file that failed to load registers no tests either: count it as one failure.
  const brokenFiles = json.testResults.filter((result) => result.assertionResults.length === 0 && result.status === 'failed').length;
  const skippedNames = json.testResults.flatMap((result) => {
    const file = path.relative(process.cwd(), result.name);
    if (result.assertionResults.length === 0) return result.status === 'failed' ? [] : [`${file}: the whole file`];
    return result.assertionResults.filter((test) => test.status !== 'passed' && test.status !== 'failed').map((test) => `${file}: ${test.fullName}`);
  });
  return { passed: json.numPassedTests, failed: json.numFailedTests + brokenFiles, skipped: skippedNames.length, skippedNames };
}

process.exitCode = await main(process.argv.slice(2));
