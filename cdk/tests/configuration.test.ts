import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { repositoryRoot } from '../lib/project-files';
import {
  build, CONFIGURED, container, environmentOf, EXAMPLE_FILE, logicalId, render, renderedImage, resourcesOfType, synthesizedFullyConfigured,
  synthesizedWithDefaults, Synthesized, TWO_GENERATIONS,
} from './synthesized';

function backlogPolicy({ json }: Synthesized, major: string): any {
  const policy = resourcesOfType(json, 'AWS::ApplicationAutoScaling::ScalingPolicy')
    .map(([, p]) => p.Properties)
    .find((p) => p.PolicyName === `processor-v${major}-backlog-per-task`);
  assert.ok(policy, `a backlog policy for processors v${major}`);
  return policy;
}

test('each processor generation scales between its min and max tasks to hold its backlog per task near its worker count', () => {
  const synthesized = synthesizedWithDefaults();
  const { stack, json } = synthesized;
  const [generation] = stack.processors;
  const policy = backlogPolicy(synthesized, '1');
  const target = json.Resources[render(policy.ScalingTargetId).slice(1, -1)].Properties;
  assert.equal(target.MinCapacity, 1);
  assert.equal(target.MaxCapacity, 10);
  assert.equal(target.ScalableDimension, 'ecs:service:DesiredCount');
  assert.match(render(target.ResourceId), new RegExp(`^service/\\{${logicalId(stack, stack.cluster)}\\}/\\{${logicalId(stack, generation.service)}.Name\\}$`));
  assert.equal(policy.PolicyType, 'TargetTrackingScaling');
  const tracking = policy.TargetTrackingScalingPolicyConfiguration;
  assert.equal(tracking.TargetValue, 2, 'the default processor.workers');
  const metrics = Object.fromEntries(tracking.CustomizedMetricSpecification.Metrics.map((m: any) => [m.Id, m]));
  assert.deepEqual(metrics.claimable.MetricStat, {
    Metric: { Namespace: 'FileAnalysisPipeline', MetricName: 'ClaimableJobs', Dimensions: [{ Name: 'ProcessorVersion', Value: '1' }] },
    Stat: 'Maximum',
  });
  assert.equal(metrics.tasks.MetricStat.Metric.Namespace, 'ECS/ContainerInsights');
  assert.equal(metrics.tasks.MetricStat.Metric.MetricName, 'RunningTaskCount');
  assert.deepEqual(metrics.tasks.MetricStat.Metric.Dimensions.map((d: any) => [d.Name, render(d.Value)]), [
    ['ClusterName', `{${logicalId(stack, stack.cluster)}}`], ['ServiceName', `{${logicalId(stack, generation.service)}.Name}`],
  ]);
  assert.equal(metrics.backlogPerTask.Expression, 'IF(tasks >= 1, claimable / tasks, claimable)');
  assert.deepEqual(Object.values(metrics).filter((m: any) => m.ReturnData).map((m: any) => m.Id), ['backlogPerTask']);
  const [[, cluster]] = resourcesOfType(json, 'AWS::ECS::Cluster');
  assert.deepEqual(cluster.Properties.ClusterSettings, [{ Name: 'containerInsights', Value: 'enabled' }],
    'Container Insights publishes RunningTaskCount');
});

test('two processor generations run side by side, each with its own image, version range, task counts and backlog', () => {
  const synthesized = synthesizedFullyConfigured();
  const { stack, json } = synthesized;
  assert.equal(resourcesOfType(json, 'AWS::ECS::Service').length, 3, 'the server and two processor services');
  for (const [index, expected] of TWO_GENERATIONS.entries()) {
    const generation = stack.processors[index];
    const taskId = logicalId(stack, generation.taskDefinition);
    const processor = container(json, taskId, 'processor');
    assert.equal(render(processor.Image), renderedImage(expected.image));
    assert.equal(environmentOf(processor).PROCESSOR_SUPPORTED_VERSIONS, expected.range);
    assert.equal(environmentOf(processor).PROCESSOR_WORKERS, String(expected.workers ?? 2));
    // The first takes the deployment's engine, the second its own.
    assert.equal(render(container(json, taskId, 'engine').Image), renderedImage(expected.engineImage ?? CONFIGURED.engineImage));
    assert.equal(json.Resources[logicalId(stack, generation.service)].Properties.DesiredCount, expected.min);
    const task = json.Resources[taskId].Properties;
    assert.deepEqual([task.Cpu, task.Memory], [String(expected.cpu ?? 1024), String(expected.memoryMiB ?? 2048)]);
    const policy = backlogPolicy(synthesized, expected.major);
    const claimable = policy.TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification.Metrics.find((m: any) => m.Id === 'claimable');
    assert.deepEqual(claimable.MetricStat.Metric.Dimensions, [{ Name: 'ProcessorVersion', Value: expected.major }]);
    assert.equal(policy.TargetTrackingScalingPolicyConfiguration.TargetValue, expected.workers ?? 2);
  }
});

/** Keys of a role's application.properties, read here on their own. */
function declaredKeys(file: string): Set<string> {
  return new Set(fs.readFileSync(path.join(repositoryRoot(), file), 'utf8').split('\n')
    .map((line) => line.trim()).filter((line) => line && !line.startsWith('#')).map((line) => line.split('=')[0].trim()));
}

test('every environment variable the stack sets is a key its role declares, so each role reads all it is given', () => {
  const { stack } = synthesizedWithDefaults();
  const roles = [
    { environment: stack.serverEnvironment, file: 'server-routes/application.properties' },
    ...stack.processors.flatMap((p) => [
      { environment: p.processorEnvironment, file: 'processor-routes/application.properties' },
      { environment: p.engineEnvironment, file: 'engine/application.properties' },
    ]),
  ];
  const unread: string[] = [];
  for (const { environment, file } of roles) {
    const keys = declaredKeys(file);
    for (const setting of environment.all()) {
      assert.equal(setting.variable, setting.key.toUpperCase().replace(/[.-]/g, '_'));
      if (!keys.has(setting.key)) {
        unread.push(`${environment.role}:${setting.key}`);
      }
    }
  }
  assert.deepEqual(unread, []);
  Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('does not read it yet'));
});

test('the server, processors and engine are given exactly these environment variables', () => {
  const { stack } = synthesizedWithDefaults();
  const names = (environment: { all(): { variable: string }[] }) => environment.all().map((s) => s.variable);
  assert.deepEqual(names(stack.serverEnvironment), [
    'CAMEL_SERVER_HOST', 'CAMEL_SERVER_PORT', 'AWS_REGION', 'S3_BUCKET',
    'SERVER_JOBS_TABLE', 'SERVER_RESULTS_TABLE', 'SERVER_DIRECTORY_TABLE',
    'OIDC_ISSUER', 'OIDC_JWKS_URL', 'OIDC_TOKEN_URL', 'OIDC_AUDIENCE', 'SERVER_PROCESSOR_CLIENTS',
    'AUTH_PROVIDERS', 'AUTH_PROVIDER_DEV_CLIENT_ID', 'AUTH_SESSION_KEYS', 'SERVER_BACKLOG_METRIC_NAMESPACE',
  ]);
  assert.deepEqual(names(stack.processors[0].processorEnvironment), [
    'PROCESSOR_SERVER_URL', 'OIDC_TOKEN_URL', 'PROCESSOR_OIDC_CLIENT_ID', 'PROCESSOR_OIDC_CLIENT_SECRET',
    'PROCESSOR_SUPPORTED_VERSIONS', 'PROCESSOR_WORKERS', 'PROCESSOR_ENGINE_URL',
  ]);
  assert.deepEqual(names(stack.processors[0].engineEnvironment), ['ENGINE_HOST', 'ENGINE_PORT']);
});

test('sign-in providers become the server\'s auth.provider settings, and synth warns while the server cannot read a new provider\'s keys', () => {
  const { stack } = synthesizedFullyConfigured();
  const environment = stack.serverEnvironment.environment();
  assert.equal(environment.AUTH_PROVIDERS, 'google');
  assert.equal(environment.AUTH_PROVIDER_GOOGLE_CLIENT_ID, '1234567890-desktop.apps.googleusercontent.com');
  assert.equal(environment.AUTH_PROVIDER_GOOGLE_ISSUER, 'https://accounts.google.com');
  assert.equal(environment.AUTH_PROVIDER_GOOGLE_HOSTED_DOMAINS, 'example.net');
  assert.equal(environment.OIDC_ISSUER, 'https://id.example.net/', 'an issuer is passed exactly, trailing slash and all');
  Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp(
    'AUTH_PROVIDER_GOOGLE_ISSUER is set for the server, but its application.properties does not declare auth.provider.google.issuer'));
});

test('settings left at their example values are named in synth warnings, and replaced ones are not', () => {
  const defaults = Annotations.fromStack(synthesizedWithDefaults().stack);
  for (const setting of ['certificateArn', 'serverUrl', 'serverImage', 'engineImage', 'processorVersions', 'oidc']) {
    defaults.hasWarning('*', Match.stringLikeRegexp(`^${setting} is still the example value`));
  }
  Annotations.fromStack(synthesizedFullyConfigured().stack).hasNoWarning('*', Match.stringLikeRegexp('is still the example value'));
});

test('a -c setting, given as JSON text, overrides the same setting of the deployment file', () => {
  const stack = build({
    deploymentFile: EXAMPLE_FILE,
    processorVersions: JSON.stringify([{ ...TWO_GENERATIONS[0], max: '3' }]),
    natGateways: '1',
  });
  assert.deepEqual(stack.processors.map((p) => p.processorEnvironment.environment().PROCESSOR_SUPPORTED_VERSIONS), ['>=1.0.0 <2.0.0']);
  assert.equal(stack.vpc.node.findAll().filter((c) => c.node.id === 'NATGateway').length, 1);
  assert.equal(stack.serverEnvironment.environment().SERVER_PROCESSOR_CLIENTS,
    'pipeline-processor', 'the rest still comes from the file');
});

function deploymentFile(settings: Record<string, unknown>): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'deployment-')), 'deployment.json');
  fs.writeFileSync(file, JSON.stringify(settings));
  return file;
}

test('a deployment file with a misspelt setting stops synth with a sentence naming it', () => {
  const file = deploymentFile({ ...CONFIGURED, certificateARN: CONFIGURED.certificateArn });
  assert.throws(() => build({ deploymentFile: file }),
    new RegExp(`^Error: deploymentFile ${file.replace(/[.\\/]/g, '\\$&')} has setting 'certificateARN', which is none of: stackName, certificateArn,`));
});

const BAD_SETTINGS: [string, Record<string, unknown>, RegExp][] = [
  ['a certificate that is no ACM ARN', { certificateArn: 'my-cert' },
    /^certificateArn must be an ACM certificate ARN \(arn:aws:acm:REGION:ACCOUNT:certificate\/ID\), got 'my-cert'\.$/],
  ['a server address in clear', { serverUrl: 'http://files.example.net' },
    /^serverUrl must be an https:\/\/ URL on port 443, got 'http:\/\/files\.example\.net'\.$/],
  ['an OIDC token endpoint on another port', { oidc: { issuer: 'https://id.example.net', jwksUrl: 'https://id.example.net/k', tokenUrl: 'https://id.example.net:8443/t', audience: 'a' } },
    /^oidc\.tokenUrl must be an https:\/\/ URL on port 443/],
  ['no processor generation', { processorVersions: [] }, /^processorVersions must be a non-empty JSON array/],
  ['a generation that may scale to zero', { processorVersions: [{ ...TWO_GENERATIONS[0], min: 0 }] },
    /^processorVersions\[0\]\.min must be a whole number at least 1, got 0\.$/],
  ['a maximum below the minimum', { processorVersions: [{ ...TWO_GENERATIONS[0], min: 3, max: 2 }] },
    /^processorVersions\[0\]\.max must be a whole number at least 3, got 2\.$/],
  ['one major version twice', { processorVersions: [TWO_GENERATIONS[0], { ...TWO_GENERATIONS[1], major: '1' }] },
    /^processorVersions\[1\]\.major 1 appears twice in processorVersions: one service per major version\.$/],
  ['a major that is a range', { processorVersions: [{ ...TWO_GENERATIONS[0], major: '1.x' }] },
    /^processorVersions\[0\]\.major must be a major version number such as "1", got '1\.x'\.$/],
  ['a generation without an image', { processorVersions: [{ ...TWO_GENERATIONS[0], image: '' }] },
    /^processorVersions\[0\]\.image must be a non-empty string, got ""\.$/],
  ['a task size Fargate does not offer', { processorVersions: [{ ...TWO_GENERATIONS[0], cpu: 256, memoryMiB: 8192 }] },
    /^processorVersions\[0\]\.memoryMiB must be from 512 to 2048 in steps of 512 for cpu 256 \(Fargate's sizes\), got 8192\.$/],
  ['a CPU size Fargate does not offer', { processorVersions: [{ ...TWO_GENERATIONS[0], cpu: 1000 }] },
    /^processorVersions\[0\]\.cpu must be one of Fargate's CPU sizes \(256, 512, 1024, 2048, 4096, 8192, 16384\), got 1000\.$/],
  ['broken JSON on the command line', { processorVersions: '[{"major": "1",' },
    /^Context value processorVersions looks like JSON but does not parse/],
  ['a log retention CloudWatch does not offer', { logRetentionDays: 45 }, /^logRetentionDays must be one of CloudWatch Logs' retention periods \(1, 3, 5, 7, 14, 30,/],
  ['three NAT gateways for two zones', { natGateways: 3 }, /^natGateways must be a whole number from 1 to 2, got 3\.$/],
  ['a partial secret ARN', { sessionKeysSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:pipeline/session-keys' },
    /^sessionKeysSecretArn must be the complete ARN of a Secrets Manager secret \(ending in -XXXXXX\)/],
  ['a sign-in provider id with capitals', { signInProviders: { Google: { clientId: 'x' } } },
    /^signInProviders id 'Google' must be lower-case letters and digits/],
  ['a sign-in provider without a client id', { signInProviders: { google: {} } },
    /^signInProviders\.google\.clientId must be a non-empty string, got undefined\.$/],
];

for (const [what, settings, message] of BAD_SETTINGS) {
  test(`${what} stops synth with a sentence naming the setting`, () => {
    assert.throws(() => build(settings), (error: Error) => {
      assert.match(error.message, message);
      return true;
    });
  });
}
