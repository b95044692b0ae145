import * as fs from 'node:fs';
import * as path from 'node:path';
import { Node } from 'constructs';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/**
 * What differs between one deployment and the next, read from CDK context (`cdk.json`, or
 * `cdk deploy -c key=value`; objects and arrays as JSON text). Every setting has a default so that
 * `cdk synth` works offline with no argument; the defaults of the deployment-specific ones are
 * examples (example.com), and synth warns about each one still left at its example.
 */

/** One processor generation: a service of its own, taking the client versions in `range`. */
export interface ProcessorGeneration {
  /** The major version it takes, e.g. "1": the ProcessorVersion dimension of the backlog metric. */
  readonly major: string;
  /** npm-style semver range of client versions (PROCESSOR_SUPPORTED_VERSIONS). */
  readonly range: string;
  readonly image: string;
  /** The analysis engine beside it; defaults to the deployment's engineImage. */
  readonly engineImage: string;
  readonly min: number;
  readonly max: number;
  /** Jobs one task analyses at once (PROCESSOR_WORKERS). */
  readonly workers: number;
  /** Claimable jobs per running task that scaling aims at; defaults to `workers`. */
  readonly backlogPerTask: number;
  /** Fargate size of one task (processor and engine together): CPU units and MiB. */
  readonly cpu: number;
  readonly memoryMiB: number;
}

/** The operator's OIDC provider, which issues processors' service credentials. */
export interface OidcProvider {
  readonly issuer: string;
  readonly jwksUrl: string;
  readonly tokenUrl: string;
  readonly audience: string;
}

/** A sign-in provider people use (auth.provider.ID.* on the server); empty fields fall back to oidc. */
export interface SignInProvider {
  readonly clientId: string;
  readonly issuer?: string;
  readonly jwksUrl?: string;
  readonly authorizationUrl?: string;
  readonly tokenUrl?: string;
  readonly tenants?: string[];
  readonly hostedDomains?: string[];
}

export interface DeploymentSettings {
  /** The CloudFormation stack; a second name deploys a second, independent pipeline. */
  readonly stackName: string;
  /** ACM certificate of the server's public name, for the load balancer's HTTPS listener. */
  readonly certificateArn: string;
  /** The address clients and processors reach the server at (the certificate's name). */
  readonly serverUrl: string;
  readonly serverImage: string;
  readonly serverTasks: { readonly min: number; readonly max: number };
  readonly processorVersions: ProcessorGeneration[];
  readonly oidc: OidcProvider;
  /** OAuth client id of the processors' service credential (and the server's processor-clients). */
  readonly processorClientId: string;
  readonly signInProviders: Record<string, SignInProvider>;
  readonly natGateways: number;
  readonly logRetentionDays: RetentionDays;
  readonly chunkExpirationDays: number;
  /** Existing Secrets Manager secrets to use instead of creating empty ones (complete ARNs). */
  readonly sessionKeysSecretArn?: string;
  readonly processorClientSecretArn?: string;
  /**
   * Keep the indexes this release retired (RETIRED_INDEXES) beside the ones replacing them: the
   * first of the two deploys of a release that replaces an index (README, "Changing a table").
   */
  readonly keepRetiredIndexes: boolean;
  /** Settings still at their example value: synth warns, deploy would not work. */
  readonly examples: string[];
}

const EXAMPLE_REGISTRY = 'registry.example.com/file-analysis-pipeline';

/** The example values; `examples` lists which of these a deployment has not replaced. */
export const EXAMPLE_DEFAULTS = {
  certificateArn: 'arn:aws:acm:us-east-1:000000000000:certificate/00000000-0000-0000-0000-000000000000',
  serverUrl: 'https://pipeline.example.com',
  serverImage: `${EXAMPLE_REGISTRY}/server:latest`,
  engineImage: `${EXAMPLE_REGISTRY}/engine:latest`,
  processorVersions: [{ major: '1', range: '>=1.0.0 <2.0.0', image: `${EXAMPLE_REGISTRY}/processor:1`, min: 1, max: 10 }],
  oidc: {
    issuer: 'https://login.example.com',
    jwksUrl: 'https://login.example.com/jwks',
    tokenUrl: 'https://login.example.com/token',
    audience: 'file-analysis-pipeline',
  },
};

/** Defaults that are sensible as they are. */
const DEFAULTS = {
  stackName: 'FileAnalysisPipeline',
  serverTasks: { min: 2, max: 4 },
  processorClientId: 'processor',
  signInProviders: { dev: { clientId: 'pipeline-desktop' } },
  natGateways: 1,
  logRetentionDays: 30,
  chunkExpirationDays: 7,
};

export function readDeploymentSettings(node: Node): DeploymentSettings {
  const context = new Context(node);
  const examples: string[] = [];
  const exampleOr = <T>(key: keyof typeof EXAMPLE_DEFAULTS): T => {
    const value = context.raw(key);
    if (value === undefined) {
      examples.push(key);
      return EXAMPLE_DEFAULTS[key] as T;
    }
    return value as T;
  };

  const certificateArn = text(exampleOr('certificateArn'), 'certificateArn');
  if (!/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/.test(certificateArn)) {
    throw new Error(`certificateArn must be an ACM certificate ARN (arn:aws:acm:REGION:ACCOUNT:certificate/ID), got '${certificateArn}'.`);
  }
  const serverUrl = httpsUrl(exampleOr('serverUrl'), 'serverUrl');
  const engineImage = text(exampleOr('engineImage'), 'engineImage');
  const processorVersions = generations(exampleOr('processorVersions'), engineImage);
  const oidc = oidcProvider(exampleOr('oidc'));
  const serverImage = text(exampleOr('serverImage'), 'serverImage');

  const serverTasks = object(context.raw('serverTasks') ?? DEFAULTS.serverTasks, 'serverTasks');
  const serverMin = whole(serverTasks.min, 'serverTasks.min', 1);
  const serverMax = whole(serverTasks.max, 'serverTasks.max', serverMin);

  const retention = whole(context.raw('logRetentionDays') ?? DEFAULTS.logRetentionDays, 'logRetentionDays', 1);
  const retentions = Object.values(RetentionDays).filter((v): v is number => typeof v === 'number' && v > 0);
  if (!retentions.includes(retention)) {
    throw new Error(`logRetentionDays must be one of CloudWatch Logs' retention periods (${retentions.join(', ')}), got ${retention}.`);
  }

  const stackName = text(context.raw('stackName') ?? DEFAULTS.stackName, 'stackName');
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stackName)) {
    throw new Error(`stackName must start with a letter and hold only letters, digits and dashes (CloudFormation's rule), got '${stackName}'.`);
  }
  return {
    stackName,
    certificateArn,
    serverUrl,
    serverImage,
    serverTasks: { min: serverMin, max: serverMax },
    processorVersions,
    oidc,
    processorClientId: text(context.raw('processorClientId') ?? DEFAULTS.processorClientId, 'processorClientId'),
    signInProviders: signInProviders(context.raw('signInProviders') ?? DEFAULTS.signInProviders),
    natGateways: whole(context.raw('natGateways') ?? DEFAULTS.natGateways, 'natGateways', 1, 2),
    logRetentionDays: retention as RetentionDays,
    chunkExpirationDays: whole(context.raw('chunkExpirationDays') ?? DEFAULTS.chunkExpirationDays, 'chunkExpirationDays', 1),
    sessionKeysSecretArn: secretArn(context.raw('sessionKeysSecretArn'), 'sessionKeysSecretArn'),
    processorClientSecretArn: secretArn(context.raw('processorClientSecretArn'), 'processorClientSecretArn'),
    keepRetiredIndexes: flag(context.raw('keepRetiredIndexes') ?? false, 'keepRetiredIndexes'),
    examples,
  };
}

/** Every setting a deployment may give, in the deployment file or as -c values. */
export const SETTING_NAMES = [
  'stackName', 'certificateArn', 'serverUrl', 'serverImage', 'engineImage', 'serverTasks', 'processorVersions', 'oidc',
  'processorClientId', 'signInProviders', 'natGateways', 'logRetentionDays', 'chunkExpirationDays',
  'sessionKeysSecretArn', 'processorClientSecretArn', 'keepRetiredIndexes',
] as const;

/**
 * Settings as given: a `-c key=value` first (it arrives as text, so JSON text is parsed), else the
 * JSON object in the file `-c deploymentFile=PATH` names (relative to the folder cdk runs in).
 */
class Context {
  private readonly file: Record<string, unknown>;

  constructor(private readonly node: Node) {
    const path = node.tryGetContext('deploymentFile');
    this.file = path === undefined ? {} : readDeploymentFile(String(path));
  }

  raw(key: string): unknown {
    const value = this.node.tryGetContext(key);
    if (value === undefined) {
      return this.file[key];
    }
    if (typeof value !== 'string') {
      return value;
    }
    const trimmed = value.trim();
    if (/^[[{]/.test(trimmed) || /^-?\d+$/.test(trimmed)) {
      try {
        return JSON.parse(trimmed);
      } catch (e) {
        throw new Error(`Context value ${key} looks like JSON but does not parse: ${(e as Error).message}.`);
      }
    }
    return value;
  }
}

function readDeploymentFile(file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(path.resolve(file), 'utf8'));
  } catch (e) {
    throw new Error(`deploymentFile ${file} cannot be read as JSON: ${(e as Error).message}`);
  }
  const settings = object(parsed, `deploymentFile ${file}`);
  for (const key of Object.keys(settings)) {
    // A misspelt setting would otherwise leave its example value in place without a word.
    if (!(SETTING_NAMES as readonly string[]).includes(key)) {
      throw new Error(`deploymentFile ${file} has setting '${key}', which is none of: ${SETTING_NAMES.join(', ')}.`);
    }
  }
  return settings;
}

function generations(value: unknown, engineImage: string): ProcessorGeneration[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new Error('processorVersions must be a non-empty JSON array of {"major", "range", "image", "min", "max"}.');
  }
  const seen = new Set<string>();
  return value.map((entry, index) => {
    const at = `processorVersions[${index}]`;
    const generation = object(entry, at);
    const major = text(generation.major, `${at}.major`);
    if (!/^\d+$/.test(major)) {
      throw new Error(`${at}.major must be a major version number such as "1", got '${major}'.`);
    }
    if (seen.has(major)) {
      throw new Error(`${at}.major ${major} appears twice in processorVersions: one service per major version.`);
    }
    seen.add(major);
    // With no running task the task count has no data point, and backlog per task would be
    // undefined: a service at zero could never scale out again.
    const min = whole(generation.min, `${at}.min`, 1);
    const workers = whole(generation.workers ?? 2, `${at}.workers`, 1);
    return {
      major,
      range: text(generation.range, `${at}.range`),
      image: text(generation.image, `${at}.image`),
      engineImage: generation.engineImage === undefined ? engineImage : text(generation.engineImage, `${at}.engineImage`),
      min,
      max: whole(generation.max, `${at}.max`, min),
      workers,
      backlogPerTask: whole(generation.backlogPerTask ?? workers, `${at}.backlogPerTask`, 1),
      ...fargateSize(generation.cpu ?? 1024, generation.memoryMiB ?? 2048, at),
    };
  });
}

/** The task sizes Fargate offers: memory (MiB) from, to and in steps of, per CPU units. */
const FARGATE_SIZES: Record<number, [number, number, number]> = {
  256: [512, 2048, 512],
  512: [1024, 4096, 1024],
  1024: [2048, 8192, 1024],
  2048: [4096, 16384, 1024],
  4096: [8192, 30720, 1024],
  8192: [16384, 61440, 4096],
  16384: [32768, 122880, 8192],
};

function fargateSize(cpuValue: unknown, memoryValue: unknown, at: string): { cpu: number; memoryMiB: number } {
  const cpu = whole(cpuValue, `${at}.cpu`, 256);
  const sizes = FARGATE_SIZES[cpu];
  if (!sizes) {
    throw new Error(`${at}.cpu must be one of Fargate's CPU sizes (${Object.keys(FARGATE_SIZES).join(', ')}), got ${cpu}.`);
  }
  const memoryMiB = whole(memoryValue, `${at}.memoryMiB`, 512);
  const [from, to, step] = sizes;
  if (memoryMiB < from || memoryMiB > to || (memoryMiB - from) % step !== 0) {
    throw new Error(`${at}.memoryMiB must be from ${from} to ${to} in steps of ${step} for cpu ${cpu} (Fargate's sizes), got ${memoryMiB}.`);
  }
  return { cpu, memoryMiB };
}

function oidcProvider(value: unknown): OidcProvider {
  const oidc = object(value, 'oidc');
  return {
    issuer: httpsUrl(oidc.issuer, 'oidc.issuer'),
    jwksUrl: httpsUrl(oidc.jwksUrl, 'oidc.jwksUrl'),
    tokenUrl: httpsUrl(oidc.tokenUrl, 'oidc.tokenUrl'),
    audience: text(oidc.audience, 'oidc.audience'),
  };
}

function signInProviders(value: unknown): Record<string, SignInProvider> {
  const providers = object(value, 'signInProviders');
  const ids = Object.keys(providers);
  if (ids.length === 0) {
    throw new Error('signInProviders must name at least one provider, e.g. {"google": {"clientId": "..."}}.');
  }
  const result: Record<string, SignInProvider> = {};
  for (const id of ids) {
    if (!/^[a-z0-9]+$/.test(id)) {
      throw new Error(`signInProviders id '${id}' must be lower-case letters and digits (it becomes part of setting names).`);
    }
    const at = `signInProviders.${id}`;
    const provider = object(providers[id], at);
    const optionalUrl = (key: string) => provider[key] === undefined ? undefined : httpsUrl(provider[key], `${at}.${key}`);
    result[id] = {
      clientId: text(provider.clientId, `${at}.clientId`),
      issuer: optionalUrl('issuer'),
      jwksUrl: optionalUrl('jwksUrl'),
      authorizationUrl: optionalUrl('authorizationUrl'),
      tokenUrl: optionalUrl('tokenUrl'),
      tenants: provider.tenants === undefined ? undefined : texts(provider.tenants, `${at}.tenants`),
      hostedDomains: provider.hostedDomains === undefined ? undefined : texts(provider.hostedDomains, `${at}.hostedDomains`),
    };
  }
  return result;
}

function secretArn(value: unknown, name: string): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  const arn = text(value, name);
  // ECS resolves a secret by its complete ARN, which ends in a dash and six random characters.
  if (!/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/.test(arn)) {
    throw new Error(`${name} must be the complete ARN of a Secrets Manager secret (ending in -XXXXXX), got '${arn}'.`);
  }
  return arn;
}

function object(value: unknown, name: string): Record<string, any> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${name} must be a JSON object, got ${JSON.stringify(value)}.`);
  }
  return value as Record<string, any>;
}

function text(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new Error(`${name} must be a non-empty string, got ${JSON.stringify(value)}.`);
  }
  return value.trim();
}

function texts(value: unknown, name: string): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new Error(`${name} must be a non-empty array of strings, got ${JSON.stringify(value)}.`);
  }
  return value.map((item, index) => text(item, `${name}[${index}]`));
}

function httpsUrl(value: unknown, name: string): string {
  const url = text(value, name);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${name} must be an https:// URL, got '${url}'.`);
  }
  // Service credentials and session tokens travel over these: never in clear, and the tasks'
  // security groups let out HTTPS only.
  if (parsed.protocol !== 'https:' || (parsed.port !== '' && parsed.port !== '443')) {
    throw new Error(`${name} must be an https:// URL on port 443, got '${url}'.`);
  }
  // Kept exactly as given: an issuer is compared with the tokens' iss character for character.
  return url;
}

function whole(value: unknown, name: string, least: number, most?: number): number {
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < least || (most !== undefined && number > most)) {
    const range = most === undefined ? `at least ${least}` : `from ${least} to ${most}`;
    throw new Error(`${name} must be a whole number ${range}, got ${JSON.stringify(value)}.`);
  }
  return number;
}

function flag(value: unknown, name: string): boolean {
  if (value === true || value === 'true') {
    return true;
  }
  if (value === false || value === 'false') {
    return false;
  }
  throw new Error(`${name} must be true or false, got '${String(value)}'.`);
}
