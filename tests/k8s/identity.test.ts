import { join } from 'node:path';
import { loadGatewayConfig } from '../../services/api-gateway/src/config';
import { RELEASE, byKind, chartDir, find, helmBin, renderedDocs, run } from './lib/render';

// Tools come from `bash scripts/k8s/tools.sh`, which the test runner calls before Jest.

const render = (...args: string[]) => run(helmBin(), ['template', RELEASE, chartDir, ...args]);
const gatewayConfig = (set: string, extra: string[] = []) => find(renderedDocs(set, extra), 'ConfigMap', `${RELEASE}-api-gateway`)!.data;

describe('the chart: identity', () => {
  it.each([
    ['the production values', ['-f', join(chartDir, 'values-prod.yaml')]],
    ['the defaults', []],
  ])('when %s switch on the dev-only HS256 mode, then helm refuses to render', (_name, values) => {
    const r = render(...values, '--set', 'identity.devHs256.enabled=true,identity.devHs256.secret=a-shared-secret-of-at-least-32-characters');

    expect(r.status).not.toBe(0);
    expect(r.output).toContain('identity.devHs256 is for development only');
  });

  it('when the dev values are rendered, then the gateway runs the HS256 mode with the dev secret from a Secret and no JWKS', () => {
    const config = gatewayConfig('dev');
    const gateway = find(renderedDocs('dev'), 'Deployment', `${RELEASE}-api-gateway`)!;
    const env = gateway.spec.template.spec.containers[0].env.map((e: { name: string }) => e.name);

    expect(config).toMatchObject({ NODE_ENV: 'development', JWT_ALLOW_HS256: 'dev', JWT_ISSUER: 'order-platform-dev', JWT_AUDIENCE: 'order-platform' });
    expect(config.JWT_JWKS_URL).toBeUndefined();
    expect(env).toEqual(expect.arrayContaining(['JWT_DEV_HS256_SECRET', 'ORDER_ID_SECRET']));
  });

  it('when the production values are rendered, then the gateway verifies against the provider JWKS with asymmetric algorithms and may reach it', () => {
    const docs = renderedDocs('prod');
    const config = gatewayConfig('prod');
    const gateway = find(docs, 'Deployment', `${RELEASE}-api-gateway`)!;
    const env = gateway.spec.template.spec.containers[0].env.map((e: { name: string }) => e.name);
    const policy = find(docs, 'NetworkPolicy', `${RELEASE}-identity`)!;

    expect(config).toMatchObject({ NODE_ENV: 'production', JWT_AUDIENCE: 'order-platform', JWT_ALGORITHMS: 'ES256,RS256', JWT_CLOCK_TOLERANCE_S: '30' });
    expect(config.JWT_JWKS_URL).toMatch(/^http:\/\/keycloak\.identity\.svc:8080\//);
    expect(config.JWT_ALLOW_HS256).toBeUndefined();
    expect(env).not.toContain('JWT_DEV_HS256_SECRET');
    expect(byKind(docs, 'Secret').map((s) => s.metadata.name)).not.toContain(`${RELEASE}-dev-hs256`);
    expect(policy.spec.podSelector.matchLabels).toMatchObject({ 'app.kubernetes.io/name': 'api-gateway' });
    expect(policy.spec.egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'identity' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'keycloak' } } }],
        ports: [{ protocol: 'TCP', port: 8080 }],
      },
    ]);
  });

  it.each([
    ['dev', 'dev-hs256'],
    ['prod', 'jwks-url'],
    ['default', 'jwks-url'],
  ])('when the %s values are rendered, then the gateway configuration accepts the environment the chart gives it', (set, kind) => {
    const docs = renderedDocs(set);
    const container = find(docs, 'Deployment', `${RELEASE}-api-gateway`)!.spec.template.spec.containers[0];
    // Secrets as a kubelet would resolve them: some value of the length the gateway demands.
    const secrets = Object.fromEntries(container.env.map((e: { name: string; value?: string }) => [e.name, e.value ?? 's'.repeat(40)]));

    const config = loadGatewayConfig({ ...gatewayConfig(set), ...secrets });

    expect(config.identity.keys.kind).toBe(kind);
  });

  it('when neither a JWKS URL nor the dev mode is set, then helm refuses to render', () => {
    const r = render('--set', 'identity.jwksUrl=');

    expect(r.status).not.toBe(0);
    expect(r.output).toContain('identity.jwksUrl is required');
  });

  it('when a symmetric algorithm is listed, then values.schema.json rejects it', () => {
    const r = render('--set', 'identity.algorithms={ES256,HS256}');

    expect(r.status).not.toBe(0);
    expect(r.output).toContain('/identity/algorithms/1');
  });
});
