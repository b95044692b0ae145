import { Construct } from 'constructs';
import { Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';

const ECR_IMAGE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([a-z0-9._\/-]+)(?::([\w.-]+)|@(sha256:[0-9a-f]{64}))?$/;

/**
 * The container image at `uri`. An ECR image is referenced as its repository, so that the task's
 * execution role is granted pull on that repository alone (plus ecr:GetAuthorizationToken, which
 * has no resource to scope to); any other registry is pulled as a public image.
 */
export function containerImage(scope: Construct, id: string, uri: string): ecs.ContainerImage {
  const ecrImage = ECR_IMAGE.exec(uri);
  if (!ecrImage) {
    return ecs.ContainerImage.fromRegistry(uri);
  }
  const [, account, region, repositoryName, tag, digest] = ecrImage;
  const repository = ecr.Repository.fromRepositoryAttributes(scope, id, {
    repositoryName,
    repositoryArn: Stack.of(scope).formatArn({ service: 'ecr', account, region, resource: 'repository', resourceName: repositoryName }),
  });
  return ecs.ContainerImage.fromEcrRepository(repository, digest ?? tag ?? 'latest');
}
