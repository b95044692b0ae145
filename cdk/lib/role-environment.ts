import * as ecs from 'aws-cdk-lib/aws-ecs';
import { environmentName, RoleProperties } from './project-files';

/** One setting given to a role's container: a plain value or a Secrets Manager secret. */
export interface RoleSetting {
  /** The role's property key, e.g. s3.bucket. */
  readonly key: string;
  /** The environment variable that carries it, e.g. S3_BUCKET. */
  readonly variable: string;
  readonly value?: string;
  readonly secret?: ecs.Secret;
  /** Whether the role's application.properties declares the key (and so reads the variable). */
  readonly declared: boolean;
}

/**
 * A role's configuration on ECS, written with the role's own property keys: the roles read
 * nothing but environment variables named after those keys, and only for keys their
 * application.properties declares, so each setting records whether the role will read it.
 */
export class RoleEnvironment {
  private readonly settings = new Map<string, RoleSetting>();

  constructor(readonly role: string, private readonly declared: RoleProperties) {
  }

  set(key: string, value: string): this {
    return this.add({ key, variable: environmentName(key), value, declared: this.declared.has(key) });
  }

  secret(key: string, secret: ecs.Secret): this {
    return this.add({ key, variable: environmentName(key), secret, declared: this.declared.has(key) });
  }

  all(): RoleSetting[] {
    return [...this.settings.values()];
  }

  /** Settings the role does not read yet: synth warns about each. */
  undeclared(): RoleSetting[] {
    return this.all().filter((setting) => !setting.declared);
  }

  environment(): Record<string, string> {
    return Object.fromEntries(this.all().filter((s) => s.value !== undefined).map((s) => [s.variable, s.value as string]));
  }

  secrets(): Record<string, ecs.Secret> {
    return Object.fromEntries(this.all().filter((s) => s.secret !== undefined).map((s) => [s.variable, s.secret as ecs.Secret]));
  }

  private add(setting: RoleSetting): this {
    if (this.settings.has(setting.key)) {
      throw new Error(`${this.role} setting ${setting.key} is given twice.`);
    }
    this.settings.set(setting.key, setting);
    return this;
  }
}
