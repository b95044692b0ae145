import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Match } from 'aws-cdk-lib/assertions';
import {
  CONFIGURED, container, environmentOf, logicalId, render, resourcesOfType, synthesizedFullyConfigured, synthesizedWithDefaults,
} from './synthesized';

test('the tasks run in the private subnets of a new VPC across two availability zones, S3 and DynamoDB reached through gateway endpoints', () => {
  const { json, template } = synthesizedWithDefaults();
  template.resourceCountIs('AWS::EC2::VPC', 1);
  const subnets = resourcesOfType(json, 'AWS::EC2::Subnet');
  const isPublic = (subnet: any) => subnet.Properties.MapPublicIpOnLaunch === true;
  assert.equal(subnets.filter(([, s]) => isPublic(s)).length, 2, 'a public subnet per zone, for the load balancer and NAT');
  assert.equal(subnets.filter(([, s]) => !isPublic(s)).length, 2, 'a private subnet per zone, for the tasks');
  template.resourceCountIs('AWS::EC2::NatGateway', 1);
  const endpoints = resourcesOfType(json, 'AWS::EC2::VPCEndpoint').map(([, e]) => render(e.Properties.ServiceName)).sort();
  assert.deepEqual(endpoints, ['com.amazonaws.{AWS::Region}.dynamodb', 'com.amazonaws.{AWS::Region}.s3']);
  for (const [, service] of resourcesOfType(json, 'AWS::ECS::Service')) {
    const network = service.Properties.NetworkConfiguration.AwsvpcConfiguration;
    assert.equal(network.AssignPublicIp, 'DISABLED');
    const privateSubnets = subnets.filter(([, s]) => !isPublic(s)).map(([id]) => `{${id}}`).sort();
    assert.deepEqual(network.Subnets.map(render).sort(), privateSubnets);
  }
});

test('natGateways 2 gives each availability zone its own way out', () => {
  synthesizedFullyConfigured().template.resourceCountIs('AWS::EC2::NatGateway', 2);
});

test('the server is reached only through the load balancer\'s HTTPS listener, with the given certificate and a TLS 1.2+ policy', () => {
  const { stack, json, template } = synthesizedFullyConfigured();
  template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internet-facing', Type: 'application' });
  template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
    Port: 443, Protocol: 'HTTPS', Certificates: [{ CertificateArn: CONFIGURED.certificateArn }],
    SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    DefaultActions: [Match.objectLike({ Type: 'forward' })],
  });
  const serverGroup = logicalId(stack, stack.serverSecurityGroup);
  const loadBalancerGroup = render(json.Resources[logicalId(stack, stack.loadBalancer)].Properties.SecurityGroups[0]);
  const ingress = resourcesOfType(json, 'AWS::EC2::SecurityGroupIngress')
    .filter(([, rule]) => render(rule.Properties.GroupId) === `{${serverGroup}.GroupId}`)
    .map(([, rule]) => ({ from: render(rule.Properties.SourceSecurityGroupId), port: rule.Properties.FromPort, to: rule.Properties.ToPort }));
  assert.deepEqual(ingress, [{ from: loadBalancerGroup, port: 8080, to: 8080 }]);
  assert.equal(json.Resources[serverGroup].Properties.SecurityGroupIngress, undefined, 'no other inbound rule');
  template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
    LoadBalancerAttributes: Match.arrayWith([{ Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' }]),
  });
});

test('plain HTTP on port 80 is answered with a permanent redirect to HTTPS', () => {
  synthesizedWithDefaults().template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
    Port: 80, Protocol: 'HTTP',
    DefaultActions: [{ Type: 'redirect', RedirectConfig: { Port: '443', Protocol: 'HTTPS', StatusCode: 'HTTP_301' } }],
  });
});

test('the load balancer sends traffic only to server tasks whose /health answers 200', () => {
  synthesizedWithDefaults().template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
    Port: 8080, Protocol: 'HTTP', TargetType: 'ip',
    HealthCheckPath: '/health', Matcher: { HttpCode: '200' },
  });
});

test('processors accept no connection: no load balancer, no public address, a security group with no inbound rule at all', () => {
  const { stack, json } = synthesizedWithDefaults();
  for (const generation of stack.processors) {
    const service = json.Resources[logicalId(stack, generation.service)];
    assert.deepEqual(service.Properties.LoadBalancers ?? [], [], 'no load balancer');
    assert.equal(service.Properties.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp, 'DISABLED');
    const groupId = logicalId(stack, generation.securityGroup);
    const group = json.Resources[groupId].Properties;
    assert.equal(group.SecurityGroupIngress, undefined);
    const separateIngress = resourcesOfType(json, 'AWS::EC2::SecurityGroupIngress')
      .filter(([, rule]) => render(rule.Properties.GroupId) === `{${groupId}.GroupId}`);
    assert.deepEqual(separateIngress, []);
    assert.deepEqual(group.SecurityGroupEgress.map((r: any) => [r.IpProtocol, r.FromPort, r.ToPort, r.CidrIp]), [['tcp', 443, 443, '0.0.0.0/0']]);
  }
});

test('the engine is a sidecar on its processor\'s loopback: no port published, read-only root file system, no Linux capability', () => {
  const { stack, json } = synthesizedWithDefaults();
  const [generation] = stack.processors;
  const taskId = logicalId(stack, generation.taskDefinition);
  const engine = container(json, taskId, 'engine');
  assert.equal(engine.PortMappings, undefined);
  assert.equal(engine.ReadonlyRootFilesystem, true);
  assert.deepEqual(engine.LinuxParameters.Capabilities, { Drop: ['ALL'] });
  assert.deepEqual(environmentOf(engine), { ENGINE_HOST: '127.0.0.1', ENGINE_PORT: '8090' });
  const processor = container(json, taskId, 'processor');
  assert.equal(environmentOf(processor).PROCESSOR_ENGINE_URL, 'http://127.0.0.1:8090/analyze');
  assert.equal(processor.PortMappings, undefined, 'the processor opens no port either');
  assert.deepEqual(processor.DependsOn, [{ ContainerName: 'engine', Condition: 'START' }]);
  assert.equal(json.Resources[taskId].Properties.NetworkMode, 'awsvpc', 'containers of a task share its loopback');
});

test('secrets reach the containers from Secrets Manager, never as plain environment values', () => {
  const { stack, json } = synthesizedWithDefaults();
  const server = container(json, logicalId(stack, stack.serverTaskDefinition), 'server');
  assert.deepEqual(server.Secrets.map((s: any) => [s.Name, render(s.ValueFrom)]),
    [['AUTH_SESSION_KEYS', `{${logicalId(stack, stack.sessionKeys as any)}}`]]);
  const processor = container(json, logicalId(stack, stack.processors[0].taskDefinition), 'processor');
  assert.deepEqual(processor.Secrets.map((s: any) => [s.Name, render(s.ValueFrom)]),
    [['PROCESSOR_OIDC_CLIENT_SECRET', `{${logicalId(stack, stack.processorClientSecret as any)}}`]]);
  assert.equal(environmentOf(processor).PROCESSOR_OIDC_CLIENT_SECRET, undefined);
  assert.equal(environmentOf(server).AUTH_SESSION_KEYS, undefined);
});

test('existing secrets are used when their ARNs are given', () => {
  const { stack, json, template } = synthesizedFullyConfigured();
  template.resourceCountIs('AWS::SecretsManager::Secret', 0);
  assert.equal(container(json, logicalId(stack, stack.serverTaskDefinition), 'server').Secrets[0].ValueFrom, CONFIGURED.sessionKeysSecretArn);
  for (const generation of stack.processors) {
    assert.equal(container(json, logicalId(stack, generation.taskDefinition), 'processor').Secrets[0].ValueFrom,
      CONFIGURED.processorClientSecretArn);
  }
});

test('every container logs to the pipeline\'s CloudWatch log group, which keeps logs for the configured retention', () => {
  const { stack, json } = synthesizedFullyConfigured();
  const logGroup = logicalId(stack, stack.logGroup);
  assert.equal(json.Resources[logGroup].Properties.RetentionInDays, 90);
  const containers = resourcesOfType(json, 'AWS::ECS::TaskDefinition').flatMap(([, t]) => t.Properties.ContainerDefinitions);
  assert.deepEqual(containers.map((c: any) => c.Name).sort(), ['engine', 'engine', 'processor', 'processor', 'server']);
  for (const definition of containers) {
    assert.equal(definition.LogConfiguration.LogDriver, 'awslogs', definition.Name);
    assert.equal(render(definition.LogConfiguration.Options['awslogs-group']), `{${logGroup}}`, definition.Name);
  }
});

test('rollouts that do not become healthy are rolled back', () => {
  for (const [id, service] of resourcesOfType(synthesizedWithDefaults().json, 'AWS::ECS::Service')) {
    assert.deepEqual(service.Properties.DeploymentConfiguration.DeploymentCircuitBreaker, { Enable: true, Rollback: true }, id);
    assert.equal(service.Properties.DeploymentConfiguration.MinimumHealthyPercent, 100, id);
  }
});
