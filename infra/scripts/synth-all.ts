/**
 * npm run synth:all — `cdk synth` for every environment × target, offline.
 * Each combination gets its own output directory under cdk.out/synth/.
 * Runs two at a time (the CI machine has 2 cores); exits non-zero if any fails.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

const ENVS = ['dev', 'prod'];
const TARGETS = ['apprunner', 'ecs'];
const CONCURRENCY = 2;
const root = path.resolve(__dirname, '..');
const cdkBin = path.join(root, 'node_modules', 'aws-cdk', 'bin', 'cdk');

interface Result {
  name: string;
  code: number;
  seconds: number;
  output: string;
}

function synth(env: string, target: string): Promise<Result> {
  const name = `${env}-${target}`;
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [cdkBin, 'synth', '--quiet', '--no-version-reporting', '--no-notices', '-c', `env=${env}`, '-c', `target=${target}`, '--output', path.join('cdk.out', 'synth', name)],
      {
        cwd: root,
        env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true', CI: 'true' },
      },
    );
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => resolve({ name, code: code ?? 1, seconds: (Date.now() - started) / 1000, output }));
  });
}

const jobs = ENVS.flatMap((env) => TARGETS.map((target) => () => synth(env, target)));
const results: Result[] = [];
const started = Date.now();
async function worker(): Promise<void> {
  for (let job = jobs.shift(); job; job = jobs.shift()) {
    const r = await job();
    results.push(r);
    console.log(`${r.code === 0 ? 'ok  ' : 'FAIL'} ${r.name.padEnd(14)} ${r.seconds.toFixed(1)}s`);
    if (r.code !== 0) console.log(r.output);
  }
}
void Promise.all(Array.from({ length: CONCURRENCY }, worker)).then(() => {
  const failed = results.filter((r) => r.code !== 0);
  const total = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`synth:all: ${results.length - failed.length} synthesized, ${failed.length} failed in ${total}s`);
  process.exit(failed.length ? 1 : 0);
});
