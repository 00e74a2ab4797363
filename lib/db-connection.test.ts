import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient, type GetSecretValueCommandInput } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { secretsManagerPasswordSource } from "@/lib/db-connection";
import { parseEnv } from "@/lib/env";

const SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:portside-prod/database-AbCdEf";
const secretsManager = mockClient(SecretsManagerClient);
let stages: Partial<Record<string, string>>;

beforeEach(() => {
  secretsManager.reset();
  stages = { AWSCURRENT: "one" };
  secretsManager.on(GetSecretValueCommand).callsFake((input: GetSecretValueCommandInput) => {
    const value = stages[input.VersionStage ?? "AWSCURRENT"];
    if (value === undefined) throw new ResourceNotFoundException({ message: "no such staging label", $metadata: {} });
    return { SecretString: JSON.stringify({ username: "portside", password: value }) };
  });
});

const stagesRead = () => secretsManager.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input.VersionStage);

describe("secretsManagerPasswordSource", () => {
  it("reads the current password once, by the secret's ARN, and keeps it for every new connection", async () => {
    const source = secretsManagerPasswordSource(SECRET_ARN);
    expect(await Promise.all([source.current(), source.current()])).toEqual(["one", "one"]);
    expect(await source.current()).toBe("one");
    expect(stagesRead()).toEqual(["AWSCURRENT"]);
    expect(secretsManager.commandCalls(GetSecretValueCommand)[0]!.args[0].input.SecretId).toBe(SECRET_ARN);
  });

  it("reads the secret again once a login is refused", async () => {
    const source = secretsManagerPasswordSource(SECRET_ARN);
    await source.current();
    stages = { AWSCURRENT: "two" };
    source.refused("one");
    expect(await source.current()).toBe("two");
    expect(stagesRead()).toEqual(["AWSCURRENT", "AWSCURRENT"]);
  });

  it("mid-rotation (the refused password is still the current one) tries the pending one", async () => {
    const source = secretsManagerPasswordSource(SECRET_ARN);
    await source.current();
    stages.AWSPENDING = "two";
    source.refused("one");
    expect(await source.current()).toBe("two");
    expect(stagesRead()).toEqual(["AWSCURRENT", "AWSCURRENT", "AWSPENDING"]);
  });

  it("with no rotation pending, keeps the current password (the refusal had another cause)", async () => {
    const source = secretsManagerPasswordSource(SECRET_ARN);
    await source.current();
    source.refused("one");
    expect(await source.current()).toBe("one");
  });

  it("ignores a refusal of a password it has already replaced (several connections refused at once)", async () => {
    const source = secretsManagerPasswordSource(SECRET_ARN);
    await source.current();
    stages = { AWSCURRENT: "two" };
    source.refused("one");
    expect(await source.current()).toBe("two");
    // A second connection that logged in with "one" reports its refusal late: "two" is kept, nothing is read.
    source.refused("one");
    expect(await source.current()).toBe("two");
    expect(stagesRead()).toEqual(["AWSCURRENT", "AWSCURRENT"]);
  });

  it("a failed read is not kept: the next connection asks again", async () => {
    const source = secretsManagerPasswordSource(SECRET_ARN);
    secretsManager.on(GetSecretValueCommand).rejectsOnce(new Error("throttled")).resolves({ SecretString: JSON.stringify({ password: "one" }) });
    await expect(source.current()).rejects.toThrow("throttled");
    expect(await source.current()).toBe("one");
  });
});

describe("PORTSIDE_DB_SECRET_ARN", () => {
  const parts = { PGHOST: "db.example.internal", PGUSER: "portside", PGPASSWORD: "start-time-password", PGDATABASE: "portside" };

  it("leaves the start-time PGPASSWORD out of the connection string", () => {
    expect(parseEnv(parts).databaseUrl).toContain(":start-time-password@");
    const env = parseEnv({ ...parts, PORTSIDE_DB_SECRET_ARN: SECRET_ARN });
    expect(env.databaseUrl).toBe("postgresql://portside@db.example.internal:5432/portside");
    expect(env.PORTSIDE_DB_SECRET_ARN).toBe(SECRET_ARN);
  });

  it("must be a Secrets Manager ARN", () => {
    expect(() => parseEnv({ ...parts, PORTSIDE_DB_SECRET_ARN: "portside-prod/database" })).toThrow(/PORTSIDE_DB_SECRET_ARN: must be a Secrets Manager secret ARN/);
  });
});
