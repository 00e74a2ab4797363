/**
 * For tests: an HTTP handler that answers AWS JSON-protocol requests
 * (CodePipeline, CloudWatch, X-Ray…) in memory.
 *
 * aws-sdk-client-mock replaces `client.send`, so with it no middleware runs:
 * no signing (hence no AssumeRole), no retries, no call counting. Tests of
 * those go one level lower and give the real client this handler instead.
 */
import { Readable } from "node:stream";
import type { HttpRequest, HttpResponse } from "@smithy/types";

export interface TFakeRequest {
  /** The operation, from the X-Amz-Target header: "ListPipelines". */
  operation: string;
  hostname: string;
  input: Record<string, unknown>;
  /** The access key id that signed the request (from the Authorization header). */
  accessKeyId: string | null;
}

export interface TFakeReply {
  status?: number;
  /** The JSON body; timestamps as epoch seconds, as the JSON protocol sends them. */
  body: unknown;
}

export type TFakeRoute = (request: TFakeRequest) => TFakeReply | Promise<TFakeReply>;

/** An AWS error reply as the JSON protocol sends it. */
export function awsErrorReply(name: string, message: string, status = 400): TFakeReply {
  return { status, body: { __type: name, message } };
}

function header(request: HttpRequest, name: string): string | undefined {
  const key = Object.keys(request.headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : request.headers[key];
}

export function fakeJsonHandler(route: TFakeRoute): {
  requests: TFakeRequest[];
  handler: { handle(request: HttpRequest): Promise<{ response: HttpResponse }>; updateHttpClientConfig(): void; httpHandlerConfigs(): object };
} {
  const requests: TFakeRequest[] = [];
  return {
    requests,
    handler: {
      async handle(request) {
        const target = header(request, "x-amz-target") ?? "";
        const credential = /Credential=([^/]+)\//.exec(header(request, "authorization") ?? "");
        const body = typeof request.body === "string" ? request.body : "{}";
        const fake: TFakeRequest = {
          // JSON protocol: the target header; REST-JSON (X-Ray): the path, "/ServiceGraph" → "ServiceGraph".
          operation: target ? (target.split(".").pop() ?? "") : request.path.replace(/^\//, ""),
          hostname: request.hostname,
          input: JSON.parse(body || "{}") as Record<string, unknown>,
          accessKeyId: credential?.[1] ?? null,
        };
        requests.push(fake);
        const reply = await route(fake);
        return {
          response: {
            statusCode: reply.status ?? 200,
            headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": `req-${requests.length}` },
            body: Readable.from([Buffer.from(JSON.stringify(reply.body))]),
          },
        };
      },
      updateHttpClientConfig() {},
      httpHandlerConfigs() {
        return {};
      },
    },
  };
}
