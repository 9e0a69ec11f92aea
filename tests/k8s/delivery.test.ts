import { existsSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { RELEASE, byKind, chartDir, find, helmTemplate, kubeconform, operatorsDir, parseDocs, renderedDocs, repoRoot, run } from './lib/render';

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');
const SERVICES = ['api-gateway', 'order-management', 'customer-service', 'inventory-service'];
const python = () => join(process.env.XDG_CACHE_HOME ?? join(process.env.HOME ?? '', '.cache'), 'order-platform/venv/bin/python');
const skaffoldSchema = join(operatorsDir(), 'schemas/skaffold/v4beta13.json');

/** Stages of the Dockerfile: name, base, and the instructions that matter to the runtime. */
function dockerStages(text: string) {
  const stages: { name: string; from: string; cmd?: string[]; user?: string }[] = [];
  for (const line of text.split('\n')) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stages.push({ from: from[1], name: from[2] ?? '' });
    const cmd = /^CMD\s+(\[.*\])/.exec(line);
    if (cmd) stages[stages.length - 1].cmd = JSON.parse(cmd[1]);
    const user = /^USER\s+(\S+)/.exec(line);
    if (user) stages[stages.length - 1].user = user[1];
  }
  return stages;
}

describe('Dockerfile', () => {
  const text = read('Dockerfile');
  const stages = dockerStages(text);

  it.each(SERVICES)('when built with --target %s, then the image runs that service, tracing preloaded, as a numeric non-root user', (svc) => {
    const stage = stages.find((s) => s.name === svc)!;
    expect(stage.cmd).toEqual(['node', '--require', '@shop/platform/preload', `services/${svc}/dist/main.js`]);
    const runtime = stages.find((s) => s.name === stage.from)!;
    expect(runtime.user).toMatch(/^[1-9][0-9]*(:[1-9][0-9]*)?$/);
    expect(text).toMatch(new RegExp(`COPY --from=dist --chown=\\S+ /app/services/${svc}/dist services/${svc}/dist`));
  });

  it('when built, then only production dependencies reach the runtime image and the base image is pinned', () => {
    expect(text).toMatch(/npm ci --omit=dev/);
    expect(text).toMatch(/COPY --from=prod-deps \/out\/ \.\//);
    expect(text).not.toMatch(/COPY --from=build \/app\/node_modules/);
    const base = /^ARG NODE_IMAGE=(\S+)/m.exec(text)![1];
    expect(base).toMatch(/^node:\d+(\.\d+)*-alpine[\d.]+$/);
  });

  it('when dependencies are installed, then every lib and service workspace is in the manifests and the production install', () => {
    const workspaces: string[] = JSON.parse(read('package.json')).workspaces.filter((w: string) => /^(libs|services)\//.test(w));
    expect(workspaces.length).toBeGreaterThanOrEqual(7);
    const prodInstall = /^RUN [^\n]*npm ci --omit=dev(?:[^\n]*\\\n)*[^\n]*/m.exec(text)![0];
    for (const w of workspaces) {
      expect(text).toContain(`COPY ${w}/package.json ${w}/`);
      expect(prodInstall).toContain(`--workspace=${w}`);
    }
  });

  it('when a migration or seed Job runs, then its command points at a script the image contains', () => {
    const jobs = byKind(renderedDocs('dev'), 'Job');
    expect(jobs.map((j) => j.metadata.name.replace(`${RELEASE}-`, '')).sort()).toEqual([
      'customer-service-migrate', 'customer-service-seed', 'inventory-service-migrate', 'inventory-service-seed', 'order-management-migrate',
    ]);
    for (const job of jobs) {
      const [, svc, task] = new RegExp(`^${RELEASE}-(.+)-(migrate|seed)$`).exec(job.metadata.name)!;
      expect(job.spec.template.spec.containers[0].command).toEqual(['node', `services/${svc}/dist/data-access/${task}.js`]);
      expect(existsSync(join(repoRoot, `services/${svc}/src/data-access/${task}.ts`))).toBe(true);
    }
  });

  it('when the build context is assembled, then .dockerignore keeps node_modules and build info out', () => {
    const ignore = read('.dockerignore');
    expect(ignore).toMatch(/^\*$/m);
    expect(ignore).toMatch(/^\*\*\/node_modules$/m);
    expect(ignore).toMatch(/^\*\*\/\*\.tsbuildinfo$/m);
  });
});

describe('skaffold.yaml', () => {
  const config = parse(read('skaffold.yaml'));

  it('when checked against the skaffold/v4beta13 schema, then it is valid', () => {
    const r = run(python(), [join(repoRoot, 'scripts/k8s/validate_skaffold.py'), skaffoldSchema, join(repoRoot, 'skaffold.yaml')]);
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  });

  it('when a field is misspelt, then the schema check fails', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skaffold-'));
    try {
      const bad = join(dir, 'skaffold.yaml');
      writeFileSync(bad, read('skaffold.yaml').replace('chartPath:', 'chartPth:'));
      const r = run(python(), [join(repoRoot, 'scripts/k8s/validate_skaffold.py'), skaffoldSchema, bad]);
      expect(r.status).toBe(1);
      expect(r.output).toContain('chartPth');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when deploying, then each artifact is a Dockerfile target whose image values the Helm release sets', () => {
    const release = config.deploy.helm.releases[0];
    expect(release.chartPath).toBe('charts/order-platform');
    const templates: Record<string, string> = release.setValueTemplates;
    for (const artifact of config.build.artifacts) {
      const svc = artifact.docker.target;
      expect(dockerStages(read(artifact.docker.dockerfile)).map((s) => s.name)).toContain(svc);
      const key = artifact.image.replace(/[^A-Za-z0-9]/g, '_');
      expect(templates[`services.${svc}.image.repository`]).toBe(`{{.IMAGE_REPO_${key}}}`);
      expect(templates[`services.${svc}.image.tag`]).toBe(`{{.IMAGE_TAG_${key}}}`);
    }
    expect(config.build.artifacts.map((a: any) => a.docker.target).sort()).toEqual([...SERVICES].sort());
  });

  it('when skaffold substitutes the built images, then every Deployment and migration Job runs them', () => {
    const sets = SERVICES.flatMap((svc) => [
      '--set', `services.${svc}.image.repository=built/${svc}`,
      '--set', `services.${svc}.image.tag=abc123`,
    ]);
    const docs = parseDocs(helmTemplate(['-f', join(chartDir, 'values-dev.yaml'), ...sets]));
    const images = [...byKind(docs, 'Deployment'), ...byKind(docs, 'Job')].map((w) => w.spec.template.spec.containers[0].image);
    expect(new Set(images)).toEqual(new Set(SERVICES.map((s) => `built/${s}:abc123`)));
  });

  it('when port-forwarding, then the gateway Service and Grafana are forwarded', () => {
    const docs = renderedDocs('dev');
    const gateway = find(docs, 'Service', config.portForward[0].resourceName)!;
    expect(gateway.spec.ports.map((p: any) => p.port)).toContain(config.portForward[0].port);
    expect(config.portForward.map((p: any) => p.resourceName)).toContain('kube-prometheus-stack-grafana');
  });

  it('when a profile is chosen, then it targets the cluster the k8s/ configs create', () => {
    const kind = parse(read('k8s/kind.yaml'));
    const k3d = parse(read('k8s/k3d.yaml'));
    const contexts = Object.fromEntries(config.profiles.map((p: any) => [p.name, p.patches[0].value]));
    expect(contexts).toEqual({ kind: `kind-${kind.name}`, k3d: `k3d-${k3d.metadata.name}` });
  });
});

describe('Tiltfile', () => {
  const result = run('python3', [join(repoRoot, 'tests/k8s/lib/tiltfile_dryrun.py'), join(repoRoot, 'Tiltfile')]);
  const calls: { fn: string; args: any[]; kwargs: Record<string, any> }[] = result.status === 0 ? JSON.parse(result.output) : [];
  const callsOf = (fn: string) => calls.filter((c) => c.fn === fn);

  it('when evaluated with stand-ins for the Tilt builtins, then it runs', () => {
    expect(result.status).toBe(0);
  });

  it('when building, then each service has a docker_build of its Dockerfile target with live update of compiled output', () => {
    const builds = callsOf('docker_build');
    expect(builds.map((b) => b.kwargs.target).sort()).toEqual([...SERVICES].sort());
    const stages = dockerStages(read('Dockerfile')).map((s) => s.name);
    for (const b of builds) {
      const svc = b.kwargs.target;
      expect(stages).toContain(svc);
      expect(stages).toContain(b.kwargs.build_args.DIST_STAGE);
      const syncs = b.kwargs.live_update.filter((s: any) => s.sync).map((s: any) => s.sync);
      expect(syncs).toContainEqual([`services/${svc}/dist`, `/app/services/${svc}/dist`]);
      for (const [src, dest] of syncs) {
        expect(src).toMatch(/\/dist$/);
        expect(dest).toBe(`/app/${src}`);
      }
    }
  });

  it('when deploying, then the chart renders with its values and every resource it names exists', () => {
    const [helmCall] = callsOf('helm');
    const args = [...helmCall.kwargs.values.flatMap((v: string) => ['-f', join(repoRoot, v)]), ...helmCall.kwargs.set.flatMap((s: string) => ['--set', s])];
    expect(helmCall.kwargs.name).toBe(RELEASE);
    const docs = parseDocs(helmTemplate(args));
    const images = new Set(byKind(docs, 'Deployment').map((d) => d.spec.template.spec.containers[0].image.split(':')[0]));
    for (const b of callsOf('docker_build')) expect(images).toContain(b.args[0]);

    const names = new Set<string>(['tsc', ...callsOf('local_resource').map((c) => c.args[0])]);
    for (const r of callsOf('k8s_resource')) {
      if (r.args[0]) expect(docs.some((d) => ['Deployment', 'Job'].includes(d.kind) && d.metadata.name === r.args[0])).toBe(true);
      for (const selector of r.kwargs.objects ?? []) {
        const [name, kind] = selector.split(':');
        expect(docs.some((d) => d.metadata.name === name && d.kind.toLowerCase() === kind)).toBe(true);
      }
      names.add(r.kwargs.new_name);
    }
    for (const r of [...callsOf('k8s_resource'), ...callsOf('local_resource')]) {
      for (const dep of r.kwargs.resource_deps ?? []) expect(names).toContain(dep);
    }
    expect(byKind(docs, 'Deployment').every((d) => d.spec.template.spec.containers[0].command?.[1]?.startsWith('--watch'))).toBe(true);
  });
});

describe('k8s/ cluster and bootstrap', () => {
  const bootstrap = read('k8s/bootstrap.sh');

  it('when a cluster is created, then the ingress NodePort is mapped to localhost:8080 on kind and k3d', () => {
    const traefik = parse(read('k8s/values/traefik.yaml'));
    const nodePort = traefik.ports.web.nodePort;
    const kind = parse(read('k8s/kind.yaml'));
    expect(kind.nodes[0].extraPortMappings).toContainEqual({ containerPort: nodePort, hostPort: 8080, protocol: 'TCP' });
    expect(parse(read('k8s/k3d.yaml')).ports).toContainEqual({ port: `8080:${nodePort}`, nodeFilters: ['loadbalancer'] });
    expect(kind.nodes.every((n: any) => /@sha256:[0-9a-f]{64}$/.test(n.image))).toBe(true);
  });

  it('when bootstrapping, then every Helm chart and operator manifest is installed at a pinned version', () => {
    expect(run('bash', ['-n', join(repoRoot, 'k8s/bootstrap.sh')]).status).toBe(0);
    const installs = [...bootstrap.matchAll(/^\s*install_chart (\S+) (\S+) (\S+) "\$(\w+)"/gm)];
    expect(installs.map((m) => m[1]).sort()).toEqual(['cert-manager', 'cnpg', 'keda', 'kube-prometheus-stack', 'metrics-server', 'traefik']);
    for (const [, , , , versionVar] of installs) expect(bootstrap).toMatch(new RegExp(`^${versionVar}=v?\\d+\\.\\d+\\.\\d+$`, 'm'));
    expect(bootstrap).toMatch(/cluster-operator\/releases\/download\/\$RABBITMQ_CLUSTER_OPERATOR_VERSION\//);
    expect(bootstrap).toMatch(/messaging-topology-operator\/releases\/download\/\$RABBITMQ_TOPOLOGY_OPERATOR_VERSION\//);
    expect(bootstrap).not.toMatch(/releases\/latest|--version latest/);
  });

  it('when bootstrapping, then a Jaeger takes OTLP where the dev and prod values send traces, its pods pass the NetworkPolicy, and Grafana has it as the exemplar data source', () => {
    const docs = parseDocs(read('k8s/jaeger.yaml'));
    expect(kubeconform(docs).status).toBe(0);
    expect(bootstrap).toMatch(/^kc apply -f "\$HERE\/jaeger\.yaml"$/m);
    const tracing = parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8')).tracing;
    const jaeger = find(docs, 'Deployment', 'jaeger')!;
    expect(jaeger.metadata.namespace).toBe(tracing.collector.namespace);
    expect((jaeger as any).spec.template.metadata.labels).toMatchObject(tracing.collector.podLabels);
    expect((jaeger as any).spec.template.spec.containers[0].image).toBe('jaegertracing/all-in-one:1.75.0');
    const collector = find(docs, 'Service', 'otel-collector') as any;
    for (const file of ['values-dev.yaml', 'values-prod.yaml']) {
      const endpoint = new URL(parse(readFileSync(join(chartDir, file), 'utf8')).tracing.otlpEndpoint);
      expect({ file, host: endpoint.hostname, port: Number(endpoint.port) }).toEqual({ file, host: `${collector.metadata.name}.${collector.metadata.namespace}.svc`, port: tracing.collector.port });
      expect(collector.spec.ports.map((p: any) => p.port)).toContain(tracing.collector.port);
    }
    const grafana = parse(read('k8s/values/kube-prometheus-stack.yaml')).grafana;
    const query = find(docs, 'Service', 'jaeger-query') as any;
    expect(grafana.additionalDataSources).toContainEqual(expect.objectContaining({ type: 'jaeger', uid: grafana.sidecar.datasources.exemplarTraceIdDestinations.datasourceUid, url: `http://${query.metadata.name}.${query.metadata.namespace}.svc:${query.spec.ports[0].port}` }));
  });

  it("when the chart's NetworkPolicies name other namespaces, then bootstrap installs those components there", () => {
    const values = parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8')).networkPolicy;
    const namespaces = Object.fromEntries([...bootstrap.matchAll(/^install_chart (\S+) (\S+)/gm)].map((m) => [m[1], m[2]]));
    expect(values.prometheus.namespace).toBe(namespaces['kube-prometheus-stack']);
    expect(values.ingressController.namespace).toBe(namespaces.traefik);
    expect(values.keda.namespace).toBe(namespaces.keda);
    expect(values.cnpgOperator.namespace).toBe(namespaces.cnpg);
    expect(bootstrap).toMatch(new RegExp(`-n ${values.rabbitmqOperators.namespace} rollout status deployment/messaging-topology-operator`));
    expect(parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8')).ingress.className).toBe(parse(read('k8s/values/traefik.yaml')).ingressClass.name);
  });

  it('when the application namespace is created, then it enforces the restricted Pod Security Standard', () => {
    expect(bootstrap).toMatch(/pod-security\.kubernetes\.io\/enforce=restricted/);
  });
});
