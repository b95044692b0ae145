import { Construct } from 'constructs';
import { Annotations, Aws, CfnOutput, Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { containerImage } from './container-images';
import { DeploymentSettings } from './deployment-settings';
import { BACKLOG_METRIC, ProcessorGenerationService } from './processor-generation';
import { ProjectProperties } from './project-files';
import { RoleEnvironment } from './role-environment';
import { TableDefinition } from './table-definitions';

/** The attribute the server writes (epoch seconds) on items DynamoDB may delete once expired. */
export const TTL_ATTRIBUTE = 'ttl';
/** The prefix under which the server keeps every chunk: chunks/<file>/<index>. */
export const CHUNK_PREFIX = 'chunks/';
export const SERVER_PORT = 8080;

/** What the server's task role may do on its tables; nothing else (no batch, no transaction, no DDL). */
export const SERVER_TABLE_ACTIONS = [
  'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:Scan',
];
/** On the tables' indexes the server only queries. */
export const SERVER_INDEX_ACTIONS = ['dynamodb:Query'];
/** HeadObject is authorised as GetObject; presigned PUTs and GETs carry the server's own permission. */
export const SERVER_CHUNK_ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'];

export interface PipelineStackProps extends StackProps {
  readonly settings: DeploymentSettings;
  readonly tables: TableDefinition[];
  readonly properties: ProjectProperties;
}

/** A table as deployed, with what the server needs to be told and granted. */
export interface DeployedTable {
  readonly definition: TableDefinition;
  readonly table: dynamodb.Table;
  /** The server setting that names it, e.g. server.jobs-table. */
  readonly serverKey: string;
}

/**
 * The File Analysis Pipeline on AWS: the chunk bucket, the tables of localstack/tables.json, and
 * ECS Fargate services in a new VPC — the server behind an HTTPS load balancer and one processor
 * service per supported processor generation, each task carrying its engine as a sidecar.
 */
export class PipelineStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly tables: DeployedTable[];
  readonly vpc: ec2.Vpc;
  readonly cluster: ecs.Cluster;
  readonly logGroup: logs.LogGroup;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly serverService: ecs.FargateService;
  readonly serverTaskDefinition: ecs.FargateTaskDefinition;
  readonly serverSecurityGroup: ec2.SecurityGroup;
  readonly serverEnvironment: RoleEnvironment;
  readonly processors: ProcessorGenerationService[];
  readonly sessionKeys: secretsmanager.ISecret;
  readonly processorClientSecret: secretsmanager.ISecret;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { settings } = props;

    this.bucket = chunkBucket(this, settings.chunkExpirationDays);
    this.tables = props.tables.map((definition) => deployTable(this, definition, props.properties));

    this.vpc = new ec2.Vpc(this, 'Network', {
      maxAzs: 2,
      natGateways: settings.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
      ],
      // Chunks and table calls stay off the NAT gateway (free gateway endpoints instead of
      // NAT data processing per GB).
      gatewayEndpoints: {
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
        DynamoDB: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
      },
    });
    // Container Insights publishes RunningTaskCount, the denominator of backlog per task.
    this.cluster = new ecs.Cluster(this, 'Cluster', { vpc: this.vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: settings.logRetentionDays, removalPolicy: RemovalPolicy.RETAIN });

    this.sessionKeys = secret(this, 'SessionKeys', settings.sessionKeysSecretArn,
      'Session signing keys of the File Analysis Pipeline server: the JWK set of data/server/session-keys.json');
    this.processorClientSecret = secret(this, 'ProcessorClientSecret', settings.processorClientSecretArn,
      'OAuth client secret of the File Analysis Pipeline processors\' service credential, as the OIDC provider issued it');

    this.serverEnvironment = serverEnvironment(props, this.tables, this.bucket, this.sessionKeys);
    this.serverTaskDefinition = new ecs.FargateTaskDefinition(this, 'ServerTask', { cpu: 512, memoryLimitMiB: 1024 });
    this.serverTaskDefinition.addContainer('server', {
      image: containerImage(this, 'ServerImage', settings.serverImage),
      essential: true,
      environment: this.serverEnvironment.environment(),
      secrets: this.serverEnvironment.secrets(),
      portMappings: [{ containerPort: SERVER_PORT }],
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'server' }),
    });
    grantServer(this.serverTaskDefinition.taskRole, this.tables, this.bucket);

    this.serverSecurityGroup = new ec2.SecurityGroup(this, 'ServerSecurityGroup', {
      vpc: this.vpc,
      description: 'Server tasks: in from the load balancer only; out to HTTPS only',
      allowAllOutbound: false,
    });
    this.serverSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443),
      'DynamoDB and S3 (gateway endpoints), CloudWatch, ECR, Secrets Manager, the OIDC providers\' keys');
    this.serverService = new ecs.FargateService(this, 'Server', {
      cluster: this.cluster,
      taskDefinition: this.serverTaskDefinition,
      desiredCount: settings.serverTasks.min,
      assignPublicIp: false,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [this.serverSecurityGroup],
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
    });
    this.serverService.autoScaleTaskCount({ minCapacity: settings.serverTasks.min, maxCapacity: settings.serverTasks.max })
      .scaleOnCpuUtilization('ScaleOnCpu', { targetUtilizationPercent: 60 });

    this.loadBalancer = httpsLoadBalancer(this, this.vpc, settings.certificateArn, this.serverService);

    this.processors = settings.processorVersions.map((generation) => new ProcessorGenerationService(this, `ProcessorV${generation.major}`, {
      generation,
      cluster: this.cluster,
      vpc: this.vpc,
      logGroup: this.logGroup,
      serverUrl: settings.serverUrl,
      oidc: settings.oidc,
      clientId: settings.processorClientId,
      clientSecret: this.processorClientSecret,
      properties: props.properties,
    }));

    this.warnAboutUnfinishedSettings(settings);
    new CfnOutput(this, 'LoadBalancerDnsName', {
      value: this.loadBalancer.loadBalancerDnsName,
      description: `Point ${new URL(settings.serverUrl).hostname} here (an alias or CNAME record)`,
    });
    new CfnOutput(this, 'ChunkBucketName', { value: this.bucket.bucketName });
    new CfnOutput(this, 'SessionKeysSecretArn', { value: this.sessionKeys.secretArn });
    new CfnOutput(this, 'ProcessorClientSecretArn', { value: this.processorClientSecret.secretArn });
  }

  private warnAboutUnfinishedSettings(settings: DeploymentSettings): void {
    for (const example of settings.examples) {
      Annotations.of(this).addWarningV2(`pipeline:example-${example}`,
        `${example} is still the example value; set it with -c ${example}=... before cdk deploy (see cdk/README.md).`);
    }
    const environments = [this.serverEnvironment, ...this.processors.flatMap((p) => [p.processorEnvironment, p.engineEnvironment])];
    const reported = new Set<string>();
    for (const environment of environments) {
      for (const setting of environment.undeclared()) {
        const id = `${environment.role}:${setting.key}`;
        if (!reported.has(id)) {
          reported.add(id);
          Annotations.of(this).addWarningV2(`pipeline:unread-${id}`,
            `${setting.variable} is set for the ${environment.role}, but its application.properties does not declare `
            + `${setting.key}, so the ${environment.role} does not read it yet.`);
        }
      }
    }
  }
}

function chunkBucket(scope: Construct, expirationDays: number): s3.Bucket {
  return new s3.Bucket(scope, 'Chunks', {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    encryption: s3.BucketEncryption.S3_MANAGED,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    // Chunks are written once and deleted when their job ends; versions would keep every deleted one.
    versioned: false,
    removalPolicy: RemovalPolicy.RETAIN,
    lifecycleRules: [
      {
        // The server deletes a file's chunks when its job ends; this catches what a crash left behind.
        id: 'ExpireStrayChunks',
        prefix: CHUNK_PREFIX,
        expiration: Duration.days(expirationDays),
      },
      {
        // Chunks are single PUTs, never multipart; a stray multipart upload is not ours to keep.
        id: 'AbortIncompleteMultipartUploads',
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      },
    ],
  });
}

function deployTable(scope: Construct, definition: TableDefinition, properties: ProjectProperties): DeployedTable {
  const serverKey = [...properties.server.entries()].find(([key, value]) => key.endsWith('-table') && value === definition.name)?.[0];
  if (!serverKey) {
    throw new Error(`localstack/tables.json defines table ${definition.name}, but no server-routes/application.properties `
      + `key ending in -table names it, so the server could not be told its name on AWS.`);
  }
  const key = (attribute: { name: string; type: string }): dynamodb.Attribute => ({
    name: attribute.name,
    type: { S: dynamodb.AttributeType.STRING, N: dynamodb.AttributeType.NUMBER, B: dynamodb.AttributeType.BINARY }[attribute.type]!,
  });
  const table = new dynamodb.Table(scope, constructId(definition.name, 'Table'), {
    partitionKey: key(definition.partitionKey),
    sortKey: definition.sortKey && key(definition.sortKey),
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    // Only directory items carry ttl today (sessions, nonces); on the other tables it is inert
    // until they write it, and costs nothing.
    timeToLiveAttribute: TTL_ATTRIBUTE,
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  for (const index of definition.globalIndexes) {
    table.addGlobalSecondaryIndex({
      indexName: index.name,
      partitionKey: key(index.partitionKey),
      sortKey: index.sortKey && key(index.sortKey),
      projectionType: dynamodb.ProjectionType[index.projection],
      nonKeyAttributes: index.nonKeyAttributes,
    });
  }
  for (const index of definition.localIndexes) {
    if (!index.sortKey || index.partitionKey.name !== definition.partitionKey.name) {
      throw new Error(`Local index ${index.name} of ${definition.name} must share the table's HASH key and have a RANGE key.`);
    }
    table.addLocalSecondaryIndex({
      indexName: index.name,
      sortKey: key(index.sortKey),
      projectionType: dynamodb.ProjectionType[index.projection],
      nonKeyAttributes: index.nonKeyAttributes,
    });
  }
  return { definition, table, serverKey };
}

function serverEnvironment(props: PipelineStackProps, tables: DeployedTable[], bucket: s3.Bucket,
  sessionKeys: secretsmanager.ISecret): RoleEnvironment {
  const { settings } = props;
  const environment = new RoleEnvironment('server', props.properties.server)
    // Reached through the load balancer only (its security group is the only way in).
    .set('camel.server.host', '0.0.0.0')
    .set('camel.server.port', String(SERVER_PORT))
    .set('aws.region', Aws.REGION)
    .set('s3.bucket', bucket.bucketName);
  for (const { table, serverKey } of tables) {
    environment.set(serverKey, table.tableName);
  }
  environment
    .set('oidc.issuer', settings.oidc.issuer)
    .set('oidc.jwks-url', settings.oidc.jwksUrl)
    .set('oidc.token-url', settings.oidc.tokenUrl)
    .set('oidc.audience', settings.oidc.audience)
    .set('server.processor-clients', settings.processorClientId)
    .set('auth.providers', Object.keys(settings.signInProviders).join(','));
  for (const [id, provider] of Object.entries(settings.signInProviders)) {
    const prefix = `auth.provider.${id}.`;
    environment.set(`${prefix}client-id`, provider.clientId);
    const optional: [string, string | undefined][] = [
      ['issuer', provider.issuer], ['jwks-url', provider.jwksUrl], ['authorization-url', provider.authorizationUrl],
      ['token-url', provider.tokenUrl], ['tenants', provider.tenants?.join(',')], ['hosted-domains', provider.hostedDomains?.join(',')],
    ];
    for (const [name, value] of optional) {
      if (value !== undefined) {
        environment.set(prefix + name, value);
      }
    }
  }
  return environment
    // Every server task must sign with the same keys, so they come from one secret, not a file
    // each task would make for itself.
    .secret('auth.session-keys', ecs.Secret.fromSecretsManager(sessionKeys))
    // Where the server publishes ClaimableJobs per ProcessorVersion; empty (the default) publishes nothing.
    .set('server.backlog-metric-namespace', BACKLOG_METRIC.namespace);
}

function grantServer(role: iam.IRole, tables: DeployedTable[], bucket: s3.Bucket): void {
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'UseItsTables',
    actions: SERVER_TABLE_ACTIONS,
    resources: tables.map(({ table }) => table.tableArn),
  }));
  const indexArns = tables.flatMap(({ table, definition }) =>
    [...definition.globalIndexes, ...definition.localIndexes].map((index) => `${table.tableArn}/index/${index.name}`));
  if (indexArns.length > 0) {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'QueryItsIndexes', actions: SERVER_INDEX_ACTIONS, resources: indexArns }));
  }
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'ReadWriteAndDeleteChunks',
    actions: SERVER_CHUNK_ACTIONS,
    resources: [bucket.arnForObjects(`${CHUNK_PREFIX}*`)],
  }));
  // Unconditioned on s3:prefix: HeadObject of a missing chunk answers 404 only to a caller allowed
  // to list the bucket (403 otherwise), and the request carries no prefix to match. The bucket holds
  // chunks only.
  role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ListChunks', actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
  // PutMetricData has no resource to scope to (AWS requires "*"); the namespace condition is the limit.
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'PublishBacklogMetric',
    actions: ['cloudwatch:PutMetricData'],
    resources: ['*'],
    conditions: { StringEquals: { 'cloudwatch:namespace': BACKLOG_METRIC.namespace } },
  }));
}

function httpsLoadBalancer(scope: Construct, vpc: ec2.IVpc, certificateArn: string, server: ecs.FargateService): elbv2.ApplicationLoadBalancer {
  const securityGroup = new ec2.SecurityGroup(scope, 'LoadBalancerSecurityGroup', {
    vpc,
    description: 'Server load balancer: HTTPS from anywhere, HTTP only to be redirected',
    allowAllOutbound: false,
  });
  securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS');
  securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), 'HTTP, redirected to HTTPS');
  const loadBalancer = new elbv2.ApplicationLoadBalancer(scope, 'LoadBalancer', {
    vpc,
    internetFacing: true,
    securityGroup,
    vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    dropInvalidHeaderFields: true,
  });
  const https = loadBalancer.addListener('Https', {
    port: 443,
    protocol: elbv2.ApplicationProtocol.HTTPS,
    certificates: [elbv2.ListenerCertificate.fromArn(certificateArn)],
    sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
    open: false,
  });
  https.addTargets('Server', {
    port: SERVER_PORT,
    protocol: elbv2.ApplicationProtocol.HTTP,
    targets: [server.loadBalancerTarget({ containerName: 'server', containerPort: SERVER_PORT })],
    healthCheck: { path: '/health', healthyHttpCodes: '200', interval: Duration.seconds(15) },
    // Server requests are short; a rollout need not wait the default five minutes per task.
    deregistrationDelay: Duration.seconds(30),
  });
  loadBalancer.addRedirect({ sourcePort: 80, targetPort: 443, open: false });
  return loadBalancer;
}

function secret(scope: Construct, id: string, existingArn: string | undefined, description: string): secretsmanager.ISecret {
  if (existingArn) {
    return secretsmanager.Secret.fromSecretCompleteArn(scope, id, existingArn);
  }
  // Made with a random placeholder value; the operator puts the real one (cdk/README.md).
  return new secretsmanager.Secret(scope, id, { description, removalPolicy: RemovalPolicy.RETAIN });
}

/** pipeline-jobs -> PipelineJobsTable: a stable construct id from a table name. */
function constructId(name: string, suffix: string): string {
  return name.split(/[^A-Za-z0-9]+/).filter(Boolean).map((part) => part[0].toUpperCase() + part.slice(1)).join('') + suffix;
}
