import { runPortside, runPortsideWithEnv } from "./lib/run-portside";
import { afterAll, describe, expect, it } from "vitest";
import { hashToken } from "@/lib/auth/tokens";
import { closeDb, db } from "@/lib/db";

const portside = runPortside;

afterAll(async () => {
  await closeDb();
});

describe("npm run portside", () => {
  it("creates a token, prints it once, and stores only its hash", async () => {
    const { code, stdout, stderr } = portside("token", "create", "--name", "ci-from-test", "--scopes", "ingest,read");
    expect(code).toBe(0);
    expect(stderr).toMatch(/shown once/);
    expect(stdout).toMatch(/^psk_\S+$/);
    const row = await db.apiToken.findUnique({ where: { tokenHash: hashToken(stdout) }, select: { name: true, scopes: true } });
    expect(row).toEqual({ name: "ci-from-test", scopes: ["ingest", "read"] });
  });

  it("refuses bad input with a clear message and a non-zero exit", () => {
    expect(portside("token", "create", "--name", "x", "--scopes", "admin")).toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown scope\(s\): admin/) });
    expect(portside("token", "create", "--scopes", "read")).toMatchObject({ code: 2, stderr: expect.stringMatching(/--name is required/) });
    expect(portside("user", "grant", "not-an-email", "admin")).toMatchObject({ code: 2, stderr: expect.stringMatching(/not an email address/) });
    expect(portside("catalog", "import", "no/such/file.yaml")).toMatchObject({ code: 2, stderr: expect.stringMatching(/cannot read no\/such\/file.yaml: ENOENT/) });
    expect(portside("frobnicate")).toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown command/) });
  });

  it("rejects an invalid catalog file with its line numbers and imports nothing", async () => {
    const { code, stderr } = portside("catalog", "import", "lib/catalog/fixtures/catalog-info-invalid.yaml");
    expect(code).toBe(1);
    expect(stderr).toMatch(/line 7: portside.dev\/tier: must be 1, 2, 3 or 4/);
    expect(await db.service.count({ where: { slug: "broken-service" } })).toBe(0);
  });

  it("syncs pipelines only for what is registered, and refuses bad input", async () => {
    expect(portside("sync", "pipelines", "--account", "12345")).toMatchObject({ code: 2, stderr: expect.stringMatching(/--account takes a 12-digit AWS account id/) });
    expect(portside("sync", "pipelines", "--region", "Europe")).toMatchObject({ code: 2, stderr: expect.stringMatching(/--region takes an AWS region/) });
    expect(portside("sync", "pipelines", "--account", "000000000001")).toMatchObject({ code: 1, stderr: expect.stringMatching(/AWS account 000000000001 is not registered/) });
    const accountId = String(Math.floor(1e11 + Math.random() * 9e11));
    await db.awsAccount.create({ data: { accountId, name: "cli-test", regions: ["eu-west-1"] } });
    expect(portside("sync", "pipelines", "--account", accountId, "--region", "ap-south-2")).toMatchObject({ code: 1, stderr: expect.stringMatching(/No registered account collects region ap-south-2/) });
    expect(await db.syncRun.count({ where: { awsAccount: { accountId } } })).toBe(0);
  });

  it("adds, lists and removes AWS accounts, with the deployment's member role as the default", async () => {
    const member = { PORTSIDE_MEMBER_ROLE_NAME: "PortsideRead", PORTSIDE_MEMBER_EXTERNAL_ID: "cli-member-external-id" };
    const accountId = String(Math.floor(1e11 + Math.random() * 9e11));
    const added = runPortsideWithEnv(member, "account", "add", "--id", accountId, "--name", "prod", "--regions", "eu-west-1,us-east-1", "--severity-pattern=-(sev[1-4])-");
    expect(added).toMatchObject({ code: 0, stdout: expect.stringContaining(`assuming arn:aws:iam::${accountId}:role/PortsideRead with an external id`) });
    expect(await db.awsAccount.findUniqueOrThrow({ where: { accountId }, select: { name: true, regions: true, roleArn: true, externalId: true, alarmSeverityPattern: true } })).toEqual({
      name: "prod",
      regions: ["eu-west-1", "us-east-1"],
      roleArn: `arn:aws:iam::${accountId}:role/PortsideRead`,
      externalId: "cli-member-external-id",
      alarmSeverityPattern: "-(sev[1-4])-",
    });
    expect(portside("account", "list").stdout).toMatch(new RegExp(`${accountId}\\s+prod\\s+eu-west-1,us-east-1\\s+arn:aws:iam::${accountId}:role/PortsideRead \\(external id\\)  severity: -\\(sev\\[1-4\\]\\)-`));
    expect(portside("account", "add", "--id", accountId, "--name", "again", "--regions", "eu-west-1")).toMatchObject({ code: 1, stderr: expect.stringMatching(/already registered/) });

    const home = String(Math.floor(1e11 + Math.random() * 9e11));
    expect(runPortsideWithEnv(member, "account", "add", "--id", home, "--name", "home", "--regions", "eu-west-1", "--home")).toMatchObject({ code: 0, stdout: expect.stringContaining("home account") });
    expect(await db.awsAccount.findUniqueOrThrow({ where: { accountId: home }, select: { roleArn: true, externalId: true } })).toEqual({ roleArn: null, externalId: null });

    expect(portside("account", "remove", accountId)).toMatchObject({ code: 0, stdout: expect.stringMatching(/Removed AWS account/) });
    expect(await db.awsAccount.count({ where: { accountId } })).toBe(0);
    expect(portside("account", "remove", accountId)).toMatchObject({ code: 2, stderr: `portside: AWS account ${accountId} is not registered\n` });
  }, 300_000);

  it("refuses a bad account with one line naming the option, and stores nothing", async () => {
    const accountId = String(Math.floor(1e11 + Math.random() * 9e11));
    const cases: [string[], RegExp][] = [
      [["--id", accountId, "--name", "x", "--regions", "eu-west-1", "--severity-pattern", "(["], /^portside: --severity-pattern: is not a valid regular expression/],
      [["--id", accountId, "--name", "x", "--regions", "eu-west-1", "--severity-pattern", "^SEV[1-4]"], /^portside: --severity-pattern: needs a capture group/],
      [["--id", "1234", "--name", "x", "--regions", "eu-west-1"], /^portside: --id: must be the 12-digit account id/],
      [["--id", accountId, "--name", "x"], /^portside: --regions is required/],
      [["--id", accountId, "--name", "x", "--regions", "eu-west-1", "--external-id", "abc"], /^portside: --external-id only applies with a role to assume/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = portside("account", "add", ...args);
      expect(code, args.join(" ")).toBe(2);
      expect(stderr, args.join(" ")).toMatch(message);
      expect(stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
    }
    expect(await db.awsAccount.count({ where: { accountId } })).toBe(0);
  }, 300_000);

  it("grants the first admin", async () => {
    const { code } = portside("user", "grant", "First.Admin@Example.com", "admin");
    expect(code).toBe(0);
    expect(await db.user.findUnique({ where: { email: "first.admin@example.com" }, select: { orgRole: true } })).toEqual({ orgRole: "ADMIN" });
  });
});
