import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createPipelineStack } from '../lib/app';
import { PipelineStack } from '../lib/pipeline-stack';

/** The cdk/ folder, from dist/tests/ where the compiled tests run. */
export const CDK_FOLDER = path.resolve(__dirname, '..', '..');

/** The context `cdk synth` runs with: cdk.json's feature flags, plus the test's settings. */
function appContext(settings: Record<string, unknown>): Record<string, unknown> {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(CDK_FOLDER, 'cdk.json'), 'utf8'));
  return { ...cdkJson.context, ...settings };
}

export interface Synthesized {
  readonly stack: PipelineStack;
  readonly template: Template;
  /** The raw CloudFormation template. */
  readonly json: { Resources: Record<string, { Type: string; Properties?: any; DeletionPolicy?: string; UpdateReplacePolicy?: string }> };
}

/** Builds and synthesizes the stack as the app does, with `settings` as CDK context. */
export function synthesize(settings: Record<string, unknown> = {}, files: { tablesFile?: string } = {}): Synthesized {
  const app = new App({ context: appContext(settings), outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-cdk-')) });
  const stack = createPipelineStack(app, files);
  const template = Template.fromStack(stack);
  return { stack, template, json: template.toJSON() as Synthesized['json'] };
}

/** Builds the stack without synthesizing it, for settings that must stop it being built. */
export function build(settings: Record<string, unknown>, files: { tablesFile?: string } = {}): PipelineStack {
  const app = new App({ context: appContext(settings), outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-cdk-')) });
  return createPipelineStack(app, files);
}

let defaults: Synthesized | undefined;

/** The stack with every setting at its default, synthesized once per test file. */
export function synthesizedWithDefaults(): Synthesized {
  defaults ??= synthesize();
  return defaults;
}

export function logicalId(stack: PipelineStack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

/**
 * A template value as readable text: {Ref} and {Id.Attribute} for references, joins concatenated,
 * so a test can compare ARNs as strings ("{PipelineJobsTable1234.Arn}/index/lookup-index").
 */
export function render(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  const intrinsic = value as Record<string, any>;
  if ('Ref' in intrinsic) {
    return `{${intrinsic.Ref}}`;
  }
  if ('Fn::GetAtt' in intrinsic) {
    return `{${intrinsic['Fn::GetAtt'].join('.')}}`;
  }
  if ('Fn::Join' in intrinsic) {
    const [separator, parts] = intrinsic['Fn::Join'];
    return parts.map(render).join(separator);
  }
  if ('Fn::Sub' in intrinsic && typeof intrinsic['Fn::Sub'] === 'string') {
    return intrinsic['Fn::Sub'].replace(/\$\{([^}]+)\}/g, '{$1}');
  }
  return JSON.stringify(value);
}

/** One permission: an action on a resource, under a condition or none. */
export interface Grant {
  readonly action: string;
  readonly resource: string;
  readonly condition?: string;
}

/** Every Allow of every policy attached to the role with logical id `roleId`, one grant per action and resource. */
export function grantsOf(json: Synthesized['json'], roleId: string): Grant[] {
  const grants: Grant[] = [];
  for (const resource of Object.values(json.Resources)) {
    if (resource.Type === 'AWS::IAM::Policy' && (resource.Properties.Roles ?? []).some((r: any) => r.Ref === roleId)) {
      grants.push(...statementGrants(resource.Properties.PolicyDocument.Statement));
    }
  }
  const role = json.Resources[roleId];
  for (const policy of role?.Properties?.Policies ?? []) {
    grants.push(...statementGrants(policy.PolicyDocument.Statement));
  }
  return grants;
}

export function statementGrants(statements: any[]): Grant[] {
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);
  const grants: Grant[] = [];
  for (const statement of statements) {
    if (statement.Effect !== 'Allow') {
      continue;
    }
    for (const action of list(statement.Action)) {
      for (const resource of list(statement.Resource)) {
        grants.push({
          action: String(action),
          resource: render(resource),
          condition: statement.Condition === undefined ? undefined : JSON.stringify(statement.Condition),
        });
      }
    }
  }
  return grants;
}

export function sortedGrants(grants: Grant[]): string[] {
  return grants.map((g) => `${g.action} on ${g.resource}${g.condition ? ` if ${g.condition}` : ''}`).sort();
}

/** The resources of one type, by logical id. */
export function resourcesOfType(json: Synthesized['json'], type: string): [string, any][] {
  return Object.entries(json.Resources).filter(([, r]) => r.Type === type);
}

/** A container of a task definition, by name. */
export function container(json: Synthesized['json'], taskDefinitionId: string, name: string): any {
  const definition = json.Resources[taskDefinitionId].Properties.ContainerDefinitions.find((c: any) => c.Name === name);
  if (!definition) {
    throw new Error(`Task definition ${taskDefinitionId} has no container ${name}`);
  }
  return definition;
}

/** A container's environment as a map of rendered values. */
export function environmentOf(containerDefinition: any): Record<string, string> {
  return Object.fromEntries((containerDefinition.Environment ?? []).map((e: any) => [e.Name, render(e.Value)]));
}

/** Two processor generations side by side, the second with an engine of its own. */
export const TWO_GENERATIONS = [
  { major: '1', range: '>=1.0.0 <2.0.0', image: 'example.com/processor:1.4.0', min: 1, max: 10 },
  { major: '2', range: '>=2.0.0 <3.0.0', image: 'example.com/processor:2.0.1', engineImage: 'example.com/engine:2.0.0', min: 2, max: 4, workers: 4 },
];

/**
 * A deployment that sets every setting, the way `cdk deploy -c key=value` passes them: as text,
 * JSON text for objects and arrays.
 */
export const CONFIGURED = {
  certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555',
  serverUrl: 'https://files.example.net',
  serverImage: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/pipeline/server:1.4.0',
  engineImage: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/pipeline/engine@sha256:${'a'.repeat(64)}`,
  serverTasks: JSON.stringify({ min: 3, max: 6 }),
  processorVersions: JSON.stringify(TWO_GENERATIONS),
  oidc: JSON.stringify({
    issuer: 'https://id.example.net/', jwksUrl: 'https://id.example.net/keys', tokenUrl: 'https://id.example.net/token', audience: 'files',
  }),
  processorClientId: 'pipeline-processor',
  signInProviders: JSON.stringify({
    google: {
      clientId: 'desktop.apps.googleusercontent.com', issuer: 'https://accounts.google.com',
      jwksUrl: 'https://www.googleapis.com/oauth2/v3/certs', hostedDomains: ['example.com', 'example.org'],
    },
  }),
  natGateways: '2',
  logRetentionDays: '90',
  chunkExpirationDays: '3',
  sessionKeysSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:pipeline/session-keys-AbC123',
  processorClientSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:pipeline/processor-Xy9876',
};

let configured: Synthesized | undefined;

/** The stack with every setting given (CONFIGURED), synthesized once per test file. */
export function synthesizedFullyConfigured(): Synthesized {
  configured ??= synthesize(CONFIGURED);
  return configured;
}
