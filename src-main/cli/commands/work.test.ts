import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { REPO_ROOT, runCli } from '../../testing/cli';
import { useTmp } from '../../testing/tmp';
import { plantedImage, RED } from '../../testing/planted-images';

const tmp = useTmp();

interface Container {
  name: string;
  command: string[];
  resources: { limits: Record<string, unknown> };
  volumeMounts: { name: string; mountPath: string }[];
}

/**
 * What can be checked of the deployment files here, where neither Docker nor a cluster
 * runs: the Job parses as YAML and is an Indexed Job with one GPU per pod, and its command
 * is one the CLI really has, with flags the CLI really takes.
 */
describe('deploy/kubernetes/prelabel-job.yaml', () => {
  const job = yaml.load(readFileSync(join(REPO_ROOT, 'deploy', 'kubernetes', 'prelabel-job.yaml'), 'utf8')) as {
    apiVersion: string;
    kind: string;
    spec: Record<string, unknown> & { template: { spec: { restartPolicy: string; containers: Container[]; volumes: { name: string }[] } } };
  };

  it('is an Indexed Job: a completion per shard, retries per index, one GPU per pod, bundle and images on volumes', () => {
    expect(job).toMatchObject({ apiVersion: 'batch/v1', kind: 'Job', spec: { completionMode: 'Indexed' } });
    expect(job.spec.completions).toBe(job.spec.parallelism);
    expect(job.spec.backoffLimitPerIndex).toBeGreaterThan(0);
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.containers).toHaveLength(1);
    const [worker] = pod.containers;
    expect(worker.resources.limits['nvidia.com/gpu']).toBe(1);
    const mounts = Object.fromEntries(worker.volumeMounts.map((m) => [m.mountPath, m.name]));
    expect(pod.volumes.map((v) => v.name).sort()).toEqual(Object.values(mounts).sort());
    expect(worker.command.slice(2)).toEqual(['/bundle', '--images-root', '/images']);
    expect(mounts['/bundle']).toBeDefined();
    expect(mounts['/images']).toBeDefined();
  });

  it('runs a command the CLI has, with options it takes, reading the shard from JOB_COMPLETION_INDEX', () => {
    const [worker] = job.spec.template.spec.containers;
    const [bin, command, ...args] = worker.command;
    expect(bin).toBe(Object.keys(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).bin)[0]);
    const help = runCli([command, '--help']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain(`Usage: labelwright ${command} [options] <bundle>`);
    for (const flag of args.filter((a) => a.startsWith('--'))) expect(help.stdout).toMatch(new RegExp(`^\\s+${flag} <`, 'm'));
    expect(help.stdout).toContain('JOB_COMPLETION_INDEX');
  });
});

describe('labelwright work', () => {
  it('needs a shard: --shard, or JOB_COMPLETION_INDEX within the bundle’s shards', async () => {
    const d = tmp();
    const noBundle = runCli(['work', d, '--shard', '0']);
    expect(noBundle.code).toBe(4);
    expect(noBundle.stderr).toContain(`error: ${d} is not a work bundle (it has no manifest.json)`);

    mkdirSync(join(d, 'img'));
    writeFileSync(join(d, 'img', 'a.png'), await plantedImage(32, 24, [{ x: 2, y: 2, w: 10, h: 10, colour: RED }]));
    const p = join(d, 'p.lw');
    for (const args of [['init', p], ['add', p, join(d, 'img')], ['categories', p, 'add', 'red']]) expect(runCli(args).code).toBe(0);
    const bundle = join(d, 'bundle');
    expect(runCli(['bundle', p, '--pack', 'glip-fixture', '--shards', '2', '--out', bundle]).code).toBe(0);

    const none = runCli(['work', bundle], { env: { JOB_COMPLETION_INDEX: '' } });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('error: No shard given: pass --shard <i>, or set JOB_COMPLETION_INDEX');
    const outside = runCli(['work', bundle], { env: { JOB_COMPLETION_INDEX: '2' } });
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain("error: Shard 2 is not one of this bundle's shards (0 to 1)");
  });
});

describe('Dockerfile', () => {
  it('builds on a CUDA 12 + cuDNN runtime base and puts `labelwright` on the PATH', () => {
    const text = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
    expect(text).toMatch(/^ARG CUDA_IMAGE=nvidia\/cuda:12\.[\d.]+-cudnn-runtime-/m);
    expect(text).toContain('ONNXRUNTIME_NODE_INSTALL=cuda12');
    expect(text).toContain('/usr/local/bin/labelwright');
  });
});
