/**
 * npm run portside -- <command>: bootstrap and automation, usable before SSO.
 *
 *   token create --name <name> --scopes ingest,read [--team <slug>]   prints a new token once
 *   token list | token revoke <id|prefix>                             lists / revokes tokens
 *   catalog import <file>                                             imports a catalog-info.yaml
 *   user grant <email> <admin|executive|viewer>                       sets someone's organisation role
 *   account add --id <12 digits> --name <name> --regions <r1,r2> [--role-arn <arn> | --home]
 *           [--external-id <id>] [--severity-pattern <regex>]          registers an AWS account
 *   account list | account remove <12-digit account id>               lists / removes AWS accounts
 *   sync pipelines [--account <id>] [--region <region>] [--full]     syncs CodePipeline once, now (--full: every definition and tags)
 *   sync alarms [--account <id>] [--region <region>]                 syncs CloudWatch alarms once, now
 *
 * Runs against DATABASE_URL, or the embedded database of `npm run dev`
 * (started for the command when it is not already running).
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { createApiToken } from "@/lib/auth/server/create-api-token";
import { findApiTokens } from "@/lib/auth/server/find-api-tokens";
import { revokeApiToken } from "@/lib/auth/server/revoke-api-token";
import { TOKEN_SCOPES, type TTokenScope } from "@/lib/auth/tokens";
import { ZAwsAccountSchema } from "@/lib/catalog/schemas";
import { findAwsAccounts } from "@/lib/catalog/server/find-aws-accounts";
import { importCatalog } from "@/lib/catalog/server/import-catalog";
import { createAwsAccount, deleteAwsAccount, memberAccountDefaults } from "@/lib/catalog/server/manage-aws-accounts";
import { closeDb, db } from "@/lib/db";
import { setOrgRole } from "@/lib/users/server/set-org-role";
import { isAppError } from "@/lib/errors";
import { syncPipelines } from "@/lib/pipelines/server/sync-pipelines";
import { syncAlarms } from "@/lib/alarms/server/sync-alarms";

/** Bad input: one line on stderr and exit code 2 (the usage too when the command itself is unknown). */
class UsageError extends Error {
  constructor(
    message: string,
    readonly isUsageShown = false,
  ) {
    super(message);
  }
}

const USAGE = `usage:
  npm run portside -- token create --name <name> --scopes ingest,read [--team <slug>]
  npm run portside -- token list
  npm run portside -- token revoke <id | prefix>
  npm run portside -- catalog import <catalog-info.yaml>
  npm run portside -- user grant <email> <admin|executive|viewer>
  npm run portside -- account add --id <12-digit id> --name <name> --regions <region,region> [--role-arn <arn> | --home]
                                  [--external-id <id>] [--severity-pattern <regex>]
  npm run portside -- account list
  npm run portside -- account remove <12-digit account id>
  npm run portside -- sync pipelines [--account <12-digit id>] [--region <region>] [--full]
  npm run portside -- sync alarms [--account <12-digit id>] [--region <region>]`;

async function tokenCreate(args: string[]) {
  const { values } = parseArgs({ args, options: { name: { type: "string" }, scopes: { type: "string" }, team: { type: "string" } }, strict: true });
  if (!values.name?.trim()) throw new UsageError("--name is required");
  const scopes = (values.scopes ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (scopes.length === 0) throw new UsageError(`--scopes is required (${TOKEN_SCOPES.join(", ")})`);
  const unknown = scopes.filter((s) => !(TOKEN_SCOPES as readonly string[]).includes(s));
  if (unknown.length) throw new UsageError(`unknown scope(s): ${unknown.join(", ")} (known: ${TOKEN_SCOPES.join(", ")})`);
  let teamId: number | null = null;
  if (values.team) {
    const team = await db.team.findUnique({ where: { slug: values.team }, select: { id: true } });
    if (!team) throw new UsageError(`no team with slug "${values.team}"`);
    teamId = team.id;
  }
  const created = await createApiToken({ name: values.name.trim(), scopes: scopes as TTokenScope[], teamId, actor: { system: "cli" } });
  console.error(`Created token "${created.name}" (${created.scopes.join(", ")}). It is shown once — store it now:`);
  console.log(created.token);
}

async function tokenList(args: string[]) {
  if (args.length) throw new UsageError("token list takes no arguments");
  const tokens = await findApiTokens();
  if (tokens.length === 0) {
    console.log("No API tokens yet: npm run portside -- token create --name ci --scopes ingest");
    return;
  }
  for (const t of tokens) {
    const state = t.revokedAt ? `revoked ${t.revokedAt.toISOString().slice(0, 10)}` : t.lastUsedAt ? `last used ${t.lastUsedAt.toISOString().slice(0, 16).replace("T", " ")}` : "never used";
    console.log(`${String(t.id).padStart(5)}  ${t.prefix.padEnd(12)} ${t.name.padEnd(32)} ${t.scopes.join(",").padEnd(12)} ${t.team?.slug ?? "-"}  ${state}`);
  }
}

async function tokenRevoke(args: string[]) {
  const [idOrPrefix, ...rest] = args;
  if (!idOrPrefix || rest.length) throw new UsageError("token revoke <id | prefix>");
  const result = await revokeApiToken({ idOrPrefix, actor: { system: "cli" } });
  console.log(result.wasRevoked ? `Revoked token ${result.id} ("${result.name}"): its next use gets 401.` : `Token ${result.id} ("${result.name}") was already revoked.`);
}

async function catalogImport(args: string[]) {
  const [file, ...rest] = args;
  if (!file || rest.length) throw new UsageError("give exactly one file: catalog import <catalog-info.yaml>");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const source = path.relative(process.cwd(), path.resolve(file)) || file;
  const result = await importCatalog({ text, source, actor: { system: "cli" } });
  const line = (label: string, c: { created: number; updated: number; unchanged: number }) => `  ${label.padEnd(9)} ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged`;
  console.log(`Imported ${source}:`);
  console.log(line("teams", result.teams));
  console.log(line("services", result.services));
  console.log(line("entities", result.entities));
  console.log(`  mappings  ${result.mappings.created} added, ${result.mappings.removed} removed`);
  if (result.pipelines.remapped > 0) console.log(`  pipelines ${result.pipelines.remapped} given a new service or production stage`);
}

async function userGrant(args: string[]) {
  const [email, role, ...rest] = args;
  const roles = { admin: "ADMIN", executive: "EXECUTIVE", viewer: "VIEWER" } as const;
  if (!email || !role || rest.length) throw new UsageError("user grant <email> <admin|executive|viewer>");
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new UsageError(`"${email}" is not an email address`);
  const orgRole = roles[role.toLowerCase() as keyof typeof roles];
  if (!orgRole) throw new UsageError(`unknown role "${role}" (admin, executive or viewer)`);
  const result = await setOrgRole({ email, orgRole, actor: { system: "cli" } });
  console.log(`${result.email} is now ${role.toLowerCase()}${result.created ? " (user created; they sign in with this email)" : ""}.`);
}

/** The option each field of ZAwsAccountSchema comes from, to name it in an error. */
const ACCOUNT_FLAGS: Record<string, string> = {
  accountId: "--id",
  name: "--name",
  regions: "--regions",
  roleArn: "--role-arn",
  externalId: "--external-id",
  alarmSeverityPattern: "--severity-pattern",
};

async function accountAdd(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    options: {
      id: { type: "string" },
      name: { type: "string" },
      regions: { type: "string" },
      "role-arn": { type: "string" },
      home: { type: "boolean" },
      "external-id": { type: "string" },
      "severity-pattern": { type: "string" },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length) throw new UsageError(`account add takes options only, not "${positionals.join(" ")}"`);
  for (const flag of ["id", "name", "regions"] as const) if (values[flag] === undefined) throw new UsageError(`--${flag} is required`);
  if (values.home && values["role-arn"] !== undefined) throw new UsageError("--home (the portal's own account, no role) and --role-arn exclude each other");
  const parsed = ZAwsAccountSchema.safeParse({
    accountId: values.id,
    name: values.name,
    regions: (values.regions ?? "").split(",").map((r) => r.trim()).filter(Boolean),
    // Absent: the deployment's member role (PORTSIDE_MEMBER_ROLE_NAME), as in Settings.
    ...(values.home ? { roleArn: null } : values["role-arn"] !== undefined ? { roleArn: values["role-arn"] } : {}),
    ...(values["external-id"] !== undefined ? { externalId: values["external-id"] } : {}),
    ...(values["severity-pattern"] !== undefined ? { alarmSeverityPattern: values["severity-pattern"] } : {}),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0] ?? "");
    throw new UsageError(`${ACCOUNT_FLAGS[field] ?? field}: ${issue.message}`);
  }
  if (parsed.data.externalId && parsed.data.roleArn === undefined && !memberAccountDefaults().roleName) {
    throw new UsageError("--external-id only applies with a role to assume: give --role-arn (PORTSIDE_MEMBER_ROLE_NAME is not set)");
  }
  const account = await createAwsAccount({ input: parsed.data, actor: { system: "cli" } });
  const access = account.roleArn ? `assuming ${account.roleArn}${account.externalId ? " with an external id" : ""}` : "with the portal's own credentials (home account)";
  console.log(`Registered AWS account ${account.accountId} ("${account.name}"), regions ${account.regions.join(", ")}, ${access}.`);
}

async function accountList(args: string[]) {
  if (args.length) throw new UsageError("account list takes no arguments");
  const accounts = await findAwsAccounts();
  if (accounts.length === 0) {
    console.log("No AWS accounts yet: npm run portside -- account add --id <12-digit id> --name <name> --regions eu-west-1");
    return;
  }
  for (const a of accounts) {
    const access = a.roleArn ? `${a.roleArn}${a.hasExternalId ? " (external id)" : ""}` : "home account";
    console.log(`${a.accountId}  ${a.name.padEnd(24)} ${a.regions.join(",").padEnd(24)} ${access}${a.alarmSeverityPattern ? `  severity: ${a.alarmSeverityPattern}` : ""}`);
  }
}

async function accountRemove(args: string[]) {
  const [accountId, ...rest] = args;
  if (!accountId || rest.length) throw new UsageError("account remove <12-digit account id>");
  if (!/^\d{12}$/.test(accountId)) throw new UsageError(`account remove takes a 12-digit AWS account id, not "${accountId}"`);
  const account = await db.awsAccount.findUnique({ where: { accountId }, select: { id: true } });
  if (!account) throw new UsageError(`AWS account ${accountId} is not registered`);
  const removed = await deleteAwsAccount({ id: account.id, actor: { system: "cli" } });
  console.log(`Removed AWS account ${removed.accountId} ("${removed.name}") and everything collected from it.`);
}

async function syncPipelinesCommand(args: string[]) {
  const { values } = parseArgs({ args, options: { account: { type: "string" }, region: { type: "string" }, full: { type: "boolean" } }, strict: true });
  if (values.account !== undefined && !/^\d{12}$/.test(values.account)) throw new UsageError(`--account takes a 12-digit AWS account id, not "${values.account}"`);
  if (values.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(values.region)) throw new UsageError(`--region takes an AWS region such as eu-west-1, not "${values.region}"`);
  const outcomes = await syncPipelines({ accountId: values.account, region: values.region, isDefinitionRefreshForced: values.full === true });
  if (outcomes.length === 0) {
    console.log("No AWS accounts to sync: register one under Settings → AWS accounts.");
    return;
  }
  for (const o of outcomes) {
    const stored = o.stored
      ? `${o.stored.pipelines} pipelines (${o.stored.createdPipelines} new, ${o.stored.removedPipelines} removed), ${o.stored.executions} executions, ` +
        `${o.stored.deployments.created} deployments new, ${o.stored.deployments.updated} updated`
      : "nothing stored";
    const traffic = `${o.stats.calls} calls, ${o.stats.throttles} throttled, ${o.stats.errors} errors, ${(o.durationMs / 1000).toFixed(1)} s`;
    console.log(`${o.accountId}  ${o.region.padEnd(14)} ${o.status.padEnd(9)} ${stored}; ${traffic}`);
    if (o.error) console.log(`    ${o.error}`);
  }
  const failed = outcomes.filter((o) => o.status !== "SUCCEEDED").length;
  if (failed > 0) {
    console.error(`portside: ${failed} of ${outcomes.length} account × region syncs did not fully succeed.`);
    process.exitCode = 1;
  }
}

async function syncAlarmsCommand(args: string[]) {
  const { values } = parseArgs({ args, options: { account: { type: "string" }, region: { type: "string" } }, strict: true });
  if (values.account !== undefined && !/^\d{12}$/.test(values.account)) throw new UsageError(`--account takes a 12-digit AWS account id, not "${values.account}"`);
  if (values.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(values.region)) throw new UsageError(`--region takes an AWS region such as eu-west-1, not "${values.region}"`);
  const outcomes = await syncAlarms({ accountId: values.account, region: values.region });
  if (outcomes.length === 0) {
    console.log("No AWS accounts to sync: register one under Settings → AWS accounts.");
    return;
  }
  for (const o of outcomes) {
    const stored = o.stored
      ? `${o.stored.alarms} alarms (${o.stored.createdAlarms} new, ${o.stored.removedAlarms} removed), ${o.stored.transitions} state changes, ` +
        `${o.stored.incidents.created} incidents opened, ${o.stored.incidents.updated} updated`
      : "nothing stored";
    const traffic = `${o.stats.calls} calls, ${o.stats.throttles} throttled, ${o.stats.errors} errors, ${(o.durationMs / 1000).toFixed(1)} s`;
    console.log(`${o.accountId}  ${o.region.padEnd(14)} ${o.status.padEnd(9)} ${stored}; ${traffic}`);
    if (o.error) console.log(`    ${o.error}`);
  }
  const failed = outcomes.filter((o) => o.status !== "SUCCEEDED").length;
  if (failed > 0) {
    console.error(`portside: ${failed} of ${outcomes.length} account × region alarm syncs did not fully succeed.`);
    process.exitCode = 1;
  }
}

const [group, command, ...rest] = process.argv.slice(2);
try {
  if (group === "token" && command === "create") await tokenCreate(rest);
  else if (group === "token" && command === "list") await tokenList(rest);
  else if (group === "token" && command === "revoke") await tokenRevoke(rest);
  else if (group === "catalog" && command === "import") await catalogImport(rest);
  else if (group === "user" && command === "grant") await userGrant(rest);
  else if (group === "account" && command === "add") await accountAdd(rest);
  else if (group === "account" && command === "list") await accountList(rest);
  else if (group === "account" && command === "remove") await accountRemove(rest);
  else if (group === "sync" && command === "pipelines") await syncPipelinesCommand(rest);
  else if (group === "sync" && command === "alarms") await syncAlarmsCommand(rest);
  else throw new UsageError(group ? `unknown command: ${[group, command].filter(Boolean).join(" ")}` : "no command given", true);
  process.exitCode ??= 0;
} catch (error) {
  if (error instanceof UsageError) {
    console.error(error.isUsageShown ? `portside: ${error.message}\n\n${USAGE}` : `portside: ${error.message}`);
    process.exitCode = 2;
  } else if (isAppError(error)) {
    console.error(`portside: ${error.message}`);
    const problems = (error.details as { problems?: { line: number; message: string }[] } | undefined)?.problems;
    for (const p of problems ?? []) console.error(`  line ${p.line}: ${p.message}`);
    process.exitCode = 1;
  } else if (error instanceof Error && /parseArgs|ERR_PARSE_ARGS/.test(`${(error as NodeJS.ErrnoException).code ?? ""} ${error.name}`)) {
    console.error(`portside: ${error.message.split("\n")[0]}`);
    process.exitCode = 2;
  } else {
    console.error("portside: failed:", error);
    process.exitCode = 1;
  }
} finally {
  await closeDb();
}
