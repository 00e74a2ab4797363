import * as path from 'path';
import { Platform, DockerImageAsset } from 'aws-cdk-lib/aws-ecr-assets';
import { Construct } from 'constructs';

/** Repository root, relative to this file (infra/lib/constructs). */
export const REPO_ROOT = path.join(__dirname, '..', '..', '..');

/**
 * Paths never sent to the Docker build context. `.dockerignore` at the repo root
 * says the same for plain `docker build`; this list keeps the CDK asset hash
 * stable and stops `infra/cdk.out` from being copied into itself.
 */
export const IMAGE_EXCLUDES = [
  'infra',
  '.git',
  'node_modules',
  '.next',
  '.data',
  'test-results',
  'playwright-report',
  'coverage',
  '**/*.log',
  '.env',
  '.env.*',
];

export interface PortalImageProps {
  /** Directory holding the `Dockerfile`; defaults to the repository root. */
  readonly directory?: string;
}

/** The portal container image, built from the repository's Dockerfile at deploy time. */
export class PortalImage extends Construct {
  public readonly asset: DockerImageAsset;

  constructor(scope: Construct, id: string, props: PortalImageProps = {}) {
    super(scope, id);
    this.asset = new DockerImageAsset(this, 'Asset', {
      directory: props.directory ?? REPO_ROOT,
      file: 'Dockerfile',
      exclude: IMAGE_EXCLUDES,
      // App Runner and the ECS service both run x86_64.
      platform: Platform.LINUX_AMD64,
      displayName: 'Portside portal',
    });
  }

  get imageUri(): string {
    return this.asset.imageUri;
  }
}
