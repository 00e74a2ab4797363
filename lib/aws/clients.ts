/**
 * AWS SDK v3 clients per account × region, for the collectors.
 *
 * - Home account (roleArn null): the default credential chain.
 * - Member accounts: STS AssumeRole with the account's ExternalId, on top of
 *   the home credentials.
 * - Adaptive retries, `maxAttempts` 8 by default.
 * - Endpoint: the SDK itself reads AWS_ENDPOINT_URL (and the per-service
 *   AWS_ENDPOINT_URL_CODEPIPELINE, …) when no `endpoint` is configured, so an
 *   emulator works without code here. The STS client used for AssumeRole
 *   honours it too.
 *
 * Clients are cheap and are made per sync run, so each run counts its own
 * calls into its own stats. What is worth keeping across runs is the
 * credentials: `fromTemporaryCredentials` calls AssumeRole on every
 * invocation (a client memoizes only for its own lifetime), so providers are
 * cached per account × region here and memoized until 5 minutes before
 * expiry, the margin the SDK uses itself.
 */
import type { CodePipelineClientConfig } from "@aws-sdk/client-codepipeline";
import { fromNodeProviderChain, fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import type { MetadataBearer, MiddlewareStack } from "@smithy/types";

export const ROLE_SESSION_NAME = "portside-collector";
export const ROLE_SESSION_SECONDS = 3600;
export const DEFAULT_MAX_ATTEMPTS = 8;
const REFRESH_MARGIN_MS = 5 * 60 * 1000;

export interface TAwsAccountRef {
  accountId: string;
  /** Null for the home account, which uses the default credential chain. */
  roleArn: string | null;
  externalId: string | null;
}

/**
 * The same member account through another of its roles: approvals assume the
 * approval role (PORTSIDE_MEMBER_APPROVAL_ROLE_NAME), which the member stack
 * creates beside the read role, in the account and partition of the read
 * role's ARN. The home account (the portal's own role) and an unset name are
 * left as they are.
 */
export function withMemberRole(account: TAwsAccountRef, roleName: string | undefined): TAwsAccountRef {
  if (account.roleArn === null || !roleName) return account;
  const partition = account.roleArn.split(":")[1] || "aws";
  return { ...account, roleArn: `arn:${partition}:iam::${account.accountId}:role/${roleName}` };
}

/** What a sync run records about its AWS traffic (SyncRun.calls/throttles/errors). */
export interface TSyncStats {
  /** HTTP requests sent, retries included: what AWS counts against the quota. */
  calls: number;
  /** Requests AWS answered with a throttling error (each one is retried while attempts remain). */
  throttles: number;
  /** Operations that failed for good, after retries. */
  errors: number;
}

export function newSyncStats(): TSyncStats {
  return { calls: 0, throttles: 0, errors: 0 };
}

export type TCredentialProvider = ReturnType<typeof fromTemporaryCredentials>;
type TIdentity = Awaited<ReturnType<TCredentialProvider>>;
type TIdentityProperties = Parameters<TCredentialProvider>[0] & { forceRefresh?: boolean };

/** Every SDK v3 client takes these; CodePipeline's config type names them once for all. */
export type TAwsClientConfig = Pick<
  CodePipelineClientConfig,
  "region" | "credentials" | "maxAttempts" | "retryMode" | "requestHandler"
>;

/** Any SDK v3 client class: CodePipelineClient, CloudWatchClient, XRayClient, … */
export type TAwsClientClass<C> = new (config: TAwsClientConfig) => C;

/** Any SDK v3 client: its middleware stack is where calls are counted. */
export interface TInstrumentable {
  middlewareStack: MiddlewareStack<object, MetadataBearer>;
}

export interface TAwsClientFactoryOptions {
  /** Credentials of the home account; the default chain when absent. Also the source credentials for AssumeRole. */
  homeCredentials?: TCredentialProvider;
  maxAttempts?: number;
  /** A custom HTTP handler (tests, proxies). The STS client for AssumeRole reuses it. */
  requestHandler?: TAwsClientConfig["requestHandler"];
}

export interface TCreateClientOptions {
  account: TAwsAccountRef;
  region: string;
  stats: TSyncStats;
}

export interface TAwsClientFactory {
  create<C extends TInstrumentable>(ClientClass: TAwsClientClass<C>, options: TCreateClientOptions): C;
  /** The cached provider for an account × region (the same function on every call). */
  credentialsFor(account: TAwsAccountRef, region: string): TCredentialProvider;
}

const THROTTLING_ERROR_NAMES = new Set([
  "ThrottlingException",
  "ThrottledException",
  "Throttling",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "ProvisionedThroughputExceededException",
  "BandwidthLimitExceeded",
  "PriorRequestNotComplete",
]);

/**
 * True for the errors AWS uses to say "slow down". Not LimitExceededException,
 * which the SDK also retries but which CodePipeline models as a resource quota.
 */
export function isThrottlingError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const e = error as Error & { $retryable?: { throttling?: boolean }; $metadata?: { httpStatusCode?: number } };
  return THROTTLING_ERROR_NAMES.has(e.name) || e.$retryable?.throttling === true || e.$metadata?.httpStatusCode === 429;
}

/** The operation (command name) each failed AWS call was, noted where it failed (instrumentClient, tagAwsOperation). */
const failedOperations = new WeakMap<object, string>();

/**
 * Notes which operation an error came from, unless already noted (the
 * client's own middleware knows best); returns the error, to rethrow.
 * Adapters wrap their calls with it so that the name survives wherever the
 * client came from.
 */
export function tagAwsOperation(error: unknown, operation: string): unknown {
  if (typeof error === "object" && error !== null && !failedOperations.has(error)) failedOperations.set(error, operation);
  return error;
}

/** Runs one AWS call (or a paginated series of one operation), noting its operation on the error should it fail. */
export async function awsOperation<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw tagAwsOperation(error, operation);
  }
}

// The SDK appends this hint to a response it could not parse (an HTML error page from a proxy, a truncated body).
const DESERIALIZATION_HINT = /\s*Deserialization error: to see the raw response, inspect the hidden field \{error\}\.\$response on this object\.?/;
const MAX_MESSAGE_LENGTH = 300;

/**
 * "GetPipelineState: HTTP 400 AccessDeniedException: User … is not authorized …",
 * for logs and SyncRun.errorMessage: the operation, the HTTP status and AWS's
 * error code, then AWS's message. A response the SDK could not parse says so
 * instead of quoting the SDK's hint about hidden fields or a JSON parser's error.
 * `operation` is used when the error does not say which call it came from.
 */
export function describeAwsError(error: unknown, operation?: string): string {
  if (!(error instanceof Error)) return [operation, String(error)].filter(Boolean).join(": ");
  const e = error as Error & { $metadata?: { httpStatusCode?: number }; $fault?: string; $response?: unknown; Code?: string };
  const op = failedOperations.get(error) ?? operation;
  const status = e.$metadata?.httpStatusCode;
  const isUnreadable = DESERIALIZATION_HINT.test(e.message) || ("$response" in e && e.$fault === undefined && status !== undefined);
  // Only a service exception (with $fault) names an AWS error code; a parser's SyntaxError is not one.
  const code = e.$fault !== undefined ? (e.Code ?? e.name) : isUnreadable || e.name === "Error" ? undefined : e.name;
  const head = [op, status !== undefined ? `HTTP ${status}` : undefined, code].filter(Boolean).join(" ");
  if (isUnreadable) return `${head || "AWS call"}: the response could not be read as an AWS answer (a proxy or endpoint in between?)`;
  const message = e.message.replace(DESERIALIZATION_HINT, "").trim().split("\n")[0]!.slice(0, MAX_MESSAGE_LENGTH);
  if (!head) return message || e.name;
  return !message || message === e.name ? head : `${head}: ${message}`;
}

/**
 * Counts into `stats`: every attempt (the deserialize step runs once per
 * attempt, inside the retry middleware), every throttled attempt, and every
 * operation that still fails once retries are spent (initialize step, outside
 * the retries).
 */
export function instrumentClient(client: TInstrumentable, stats: TSyncStats): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      stats.calls += 1;
      try {
        return await next(args);
      } catch (error) {
        if (isThrottlingError(error)) stats.throttles += 1;
        throw error;
      }
    },
    { step: "deserialize", priority: "high", name: "portsideAttemptStats", override: true },
  );
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        stats.errors += 1;
        throw context.commandName ? tagAwsOperation(error, context.commandName.replace(/Command$/, "")) : error;
      }
    },
    { step: "initialize", priority: "high", name: "portsideOperationStats", override: true },
  );
}

function expiresSoon(identity: TIdentity, now: number): boolean {
  return identity.expiration !== undefined && identity.expiration.getTime() - now < REFRESH_MARGIN_MS;
}

/** One in-flight request shared by concurrent callers; the result kept until it nears expiry. */
export function memoizeCredentials(provider: TCredentialProvider, now: () => number = Date.now): TCredentialProvider {
  let resolved: TIdentity | undefined;
  let pending: Promise<TIdentity> | undefined;
  return async (properties?: TIdentityProperties) => {
    if (resolved && !properties?.forceRefresh && !expiresSoon(resolved, now())) return resolved;
    pending ??= provider(properties).then(
      (identity) => {
        resolved = identity;
        pending = undefined;
        return identity;
      },
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  };
}

export function createAwsClientFactory(options: TAwsClientFactoryOptions = {}): TAwsClientFactory {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  let home: TCredentialProvider | undefined;
  const members = new Map<string, TCredentialProvider>();

  // The default chain memoizes itself (with the same 5-minute margin).
  const homeCredentials = (): TCredentialProvider => (home ??= options.homeCredentials ?? fromNodeProviderChain());

  function credentialsFor(account: TAwsAccountRef, region: string): TCredentialProvider {
    if (account.roleArn === null) return homeCredentials();
    // The role and external id are part of the key: editing them in settings takes effect at once.
    const key = [account.accountId, region, account.roleArn, account.externalId ?? ""].join("|");
    let provider = members.get(key);
    if (!provider) {
      provider = memoizeCredentials(
        fromTemporaryCredentials({
          masterCredentials: homeCredentials(),
          params: {
            RoleArn: account.roleArn,
            ...(account.externalId ? { ExternalId: account.externalId } : {}),
            RoleSessionName: ROLE_SESSION_NAME,
            DurationSeconds: ROLE_SESSION_SECONDS,
          },
          // STS in the region being synced: regional endpoints, no dependency on us-east-1.
          clientConfig: { region, ...(options.requestHandler ? { requestHandler: options.requestHandler } : {}) },
        }),
      );
      members.set(key, provider);
    }
    return provider;
  }

  return {
    credentialsFor,
    create(ClientClass, { account, region, stats }) {
      const client = new ClientClass({
        region,
        credentials: credentialsFor(account, region),
        retryMode: "adaptive",
        maxAttempts,
        ...(options.requestHandler ? { requestHandler: options.requestHandler } : {}),
      });
      instrumentClient(client, stats);
      return client;
    },
  };
}

let processFactory: TAwsClientFactory | undefined;

/** The process-wide factory, so every sync in this process shares cached credentials. */
export function awsClients(): TAwsClientFactory {
  processFactory ??= createAwsClientFactory();
  return processFactory;
}
