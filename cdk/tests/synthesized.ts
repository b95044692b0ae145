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

/** An image URI as the template renders it: ECR images are built from their repository's ARN. */
export function renderedImage(uri: string): string {
  return uri.replace(/\.amazonaws\.com\//, '.{AWS::URLSuffix}/');
}

/** A container's environment as a map of rendered values. */
export function environmentOf(containerDefinition: any): Record<string, string> {
  return Object.fromEntries((containerDefinition.Environment ?? []).map((e: any) => [e.Name, render(e.Value)]));
}

/** cdk/deployment.example.json, the deployment the README shows: every setting given. */
export const EXAMPLE_FILE = path.join(CDK_FOLDER, 'deployment.example.json');
export const CONFIGURED = JSON.parse(fs.readFileSync(EXAMPLE_FILE, 'utf8'));
/** Its two processor generations side by side, the second with an engine and a task size of its own. */
export const TWO_GENERATIONS: any[] = CONFIGURED.processorVersions;

let configured: Synthesized | undefined;

/** The stack deployed with the example deployment file, synthesized once per test file. */
export function synthesizedFullyConfigured(): Synthesized {
  configured ??= synthesize({ deploymentFile: EXAMPLE_FILE });
  return configured;
}
