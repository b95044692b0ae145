import { Construct } from 'constructs';
import { Duration } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { containerImage } from './container-images';
import { OidcProvider, ProcessorGeneration } from './deployment-settings';
import { ProjectProperties } from './project-files';
import { RoleEnvironment } from './role-environment';

/** Where the server publishes the claimable backlog, per processor major version. */
export const BACKLOG_METRIC = {
  namespace: 'FileAnalysisPipeline',
  metricName: 'ClaimableJobs',
  dimension: 'ProcessorVersion',
} as const;

/** The engine's task-local address: the task's loopback, a port no mapping publishes. */
export const ENGINE_HOST = '127.0.0.1';
export const ENGINE_PORT = 8090;

export interface ProcessorGenerationServiceProps {
  readonly generation: ProcessorGeneration;
  readonly cluster: ecs.ICluster;
  readonly vpc: ec2.IVpc;
  readonly logGroup: logs.ILogGroup;
  readonly serverUrl: string;
  readonly oidc: OidcProvider;
  readonly clientId: string;
  readonly clientSecret: secretsmanager.ISecret;
  readonly properties: ProjectProperties;
}

/**
 * One processor generation on Fargate: a service of tasks, each a processor with the analysis
 * engine as a sidecar on the task's loopback. The tasks accept no connection (a security group
 * with no inbound rule, no public address, no load balancer) and hold no AWS credential (no task
 * role): they reach the server over HTTPS with their OAuth service credential and read chunks
 * through the presigned URLs it hands them. The service scales on its generation's backlog.
 */
export class ProcessorGenerationService extends Construct {
  readonly service: ecs.FargateService;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly securityGroup: ec2.SecurityGroup;
  readonly processorEnvironment: RoleEnvironment;
  readonly engineEnvironment: RoleEnvironment;
  readonly scalingPolicy: appscaling.CfnScalingPolicy;

  constructor(scope: Construct, id: string, props: ProcessorGenerationServiceProps) {
    super(scope, id);
    const { generation } = props;

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: generation.cpu,
      memoryLimitMiB: generation.memoryMiB,
      // The engine's root file system is read-only; this task-local scratch space is its /tmp.
      // Fargate makes it root-owned 0755 unless the image declares VOLUME /tmp, whose mode and
      // owner it then copies: a non-root engine image should (with /tmp at 1777).
      volumes: [{ name: 'engine-tmp' }],
      taskRole: noTaskRole(this),
    });
    (this.taskDefinition.node.defaultChild as ecs.CfnTaskDefinition).addPropertyDeletionOverride('TaskRoleArn');

    this.engineEnvironment = new RoleEnvironment('engine', props.properties.engine)
      .set('engine.host', ENGINE_HOST)
      .set('engine.port', String(ENGINE_PORT));
    const engine = this.taskDefinition.addContainer('engine', {
      image: containerImage(this, 'EngineImage', generation.engineImage),
      essential: true,
      readonlyRootFilesystem: true,
      environment: this.engineEnvironment.environment(),
      // No portMappings: nothing outside the task is routed to the engine.
      linuxParameters: engineLinuxParameters(this),
      logging: ecs.LogDrivers.awsLogs({ logGroup: props.logGroup, streamPrefix: `engine-v${generation.major}` }),
    });
    engine.addMountPoints({ containerPath: '/tmp', sourceVolume: 'engine-tmp', readOnly: false });

    this.processorEnvironment = new RoleEnvironment('processor', props.properties.processor)
      .set('processor.server-url', props.serverUrl)
      .set('oidc.token-url', props.oidc.tokenUrl)
      .set('processor.oidc-client-id', props.clientId)
      .secret('processor.oidc-client-secret', ecs.Secret.fromSecretsManager(props.clientSecret))
      .set('processor.supported-versions', generation.range)
      .set('processor.workers', String(generation.workers))
      .set('processor.engine-url', `http://${ENGINE_HOST}:${ENGINE_PORT}/analyze`);
    const processor = this.taskDefinition.addContainer('processor', {
      image: containerImage(this, 'ProcessorImage', generation.image),
      essential: true,
      environment: this.processorEnvironment.environment(),
      secrets: this.processorEnvironment.secrets(),
      logging: ecs.LogDrivers.awsLogs({ logGroup: props.logGroup, streamPrefix: `processor-v${generation.major}` }),
    });
    processor.addContainerDependencies({ container: engine, condition: ecs.ContainerDependencyCondition.START });

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `Processors v${generation.major}: no inbound rule at all; out to HTTPS only`,
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443),
      'the server, the OIDC token endpoint, S3 (presigned URLs), ECR, CloudWatch Logs, Secrets Manager');

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: props.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: generation.min,
      assignPublicIp: false,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [this.securityGroup],
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
    });

    this.scalingPolicy = scaleOnBacklogPerTask(this, this.service, props.cluster, generation);
  }
}

/**
 * Target tracking on backlog per task, the measure AWS recommends for queue workers: the
 * generation's claimable jobs divided by its running tasks, held near `backlogPerTask`. The
 * claimable count is the same gauge from every server, so its Maximum is taken, not its Sum. The
 * running task count comes from Container Insights. The L2 target tracking policy takes one
 * metric only, so the metric math is written on the L1 policy.
 */
function scaleOnBacklogPerTask(scope: Construct, service: ecs.FargateService, cluster: ecs.ICluster,
  generation: ProcessorGeneration): appscaling.CfnScalingPolicy {
  const taskCount = service.autoScaleTaskCount({ minCapacity: generation.min, maxCapacity: generation.max });
  const target = taskCount.node.findChild('Target') as appscaling.ScalableTarget;
  return new appscaling.CfnScalingPolicy(scope, 'ScaleOnBacklogPerTask', {
    policyName: `processor-v${generation.major}-backlog-per-task`,
    policyType: 'TargetTrackingScaling',
    scalingTargetId: target.scalableTargetId,
    targetTrackingScalingPolicyConfiguration: {
      targetValue: generation.backlogPerTask,
      // Out quickly when work waits; in slowly, since a task stopped mid-job hands its job back
      // only when its lease runs out.
      scaleOutCooldown: Duration.minutes(1).toSeconds(),
      scaleInCooldown: Duration.minutes(5).toSeconds(),
      customizedMetricSpecification: {
        metrics: [
          {
            id: 'claimable',
            label: `Claimable jobs for processors v${generation.major}`,
            returnData: false,
            metricStat: {
              metric: {
                namespace: BACKLOG_METRIC.namespace,
                metricName: BACKLOG_METRIC.metricName,
                dimensions: [{ name: BACKLOG_METRIC.dimension, value: generation.major }],
              },
              stat: 'Maximum',
            },
          },
          {
            id: 'tasks',
            label: `Running processor v${generation.major} tasks`,
            returnData: false,
            metricStat: {
              metric: {
                namespace: 'ECS/ContainerInsights',
                metricName: 'RunningTaskCount',
                dimensions: [
                  { name: 'ClusterName', value: cluster.clusterName },
                  { name: 'ServiceName', value: service.serviceName },
                ],
              },
              stat: 'Average',
            },
          },
          {
            id: 'backlogPerTask',
            label: `Backlog per processor v${generation.major} task`,
            returnData: true,
            expression: 'IF(tasks >= 1, claimable / tasks, claimable)',
          },
        ],
      },
    },
  });
}

/**
 * The task has no role: with none, ECS gives its containers no credentials at all, so neither the
 * processor nor the engine (the user's code) holds any. The L2 task definition always wants a
 * role, so it gets this immutable reference to a role that does not exist (grants to it do
 * nothing), and the TaskRoleArn property is deleted from the template.
 */
function noTaskRole(scope: Construct): iam.IRole {
  return iam.Role.fromRoleName(scope, 'NoTaskRole', 'none-processors-hold-no-aws-credential', { mutable: false });
}

/** The engine needs no Linux capability: it binds an unprivileged port on loopback. */
function engineLinuxParameters(scope: Construct): ecs.LinuxParameters {
  const parameters = new ecs.LinuxParameters(scope, 'EngineLinuxParameters', { initProcessEnabled: true });
  parameters.dropCapabilities(ecs.Capability.ALL);
  return parameters;
}
